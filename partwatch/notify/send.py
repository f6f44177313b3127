"""Sending one payload to one [[notify]] entry: a program, a webhook or an ntfy topic.

Every way out returns a Sent record, never raises: a receiver's failure is data for the
outbox, and one misbehaving entry must not stop the poll or the other entries.

- command: the argv list runs without a shell, the payload as JSON on stdin, stdout thrown
  away (cron would mail it), stderr's last line kept as the error. It runs in its own process
  group, and at `timeout` the whole group is killed (a shell script's children too), so a
  hanging program costs the poll exactly its timeout.
- webhook: POST of the JSON payload (Content-Type application/json) with the entry's headers.
  Any 2xx is delivered; a redirect is not followed (a POST would arrive as a GET).
- ntfy: POST to the topic URL; the body is the message, the Title header the watch item and
  headline, Click the article's link. Header values come from untrusted article text: they
  are folded to one line, stripped of control characters, cut to HEADER_MAX, and sent as an
  RFC 2047 encoded word when not ASCII (ntfy 2.4+ decodes it; HTTP headers cannot carry UTF-8).
  Click is set only for an http(s) link.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from feeds.fetch import describe_http_error, http_status_text
from feeds.text import fold_line
from partwatch.notify_config import NotifyEntry

HEADER_MAX = 250                # characters of a header value before encoding
_TRANSIENT_STATUS = {408, 429}
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class Sent:
    """The outcome of one try. `transient`: worth another try within this poll (retry.py)."""

    ok: bool
    error: str | None = None
    transient: bool = False
    retry_after: str | None = None  # a 429/503 answer's Retry-After header


def http_client(user_agent: str) -> httpx.Client:
    """The client for webhook and ntfy deliveries: redirects are not followed (README)."""
    return httpx.Client(headers={"User-Agent": user_agent}, follow_redirects=False)


def send(entry: NotifyEntry, payload: dict[str, Any], client: httpx.Client) -> Sent:
    if entry.kind == "command":
        return run_command(entry, payload)
    if entry.kind == "webhook":
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **dict(entry.headers)}
        return _post(entry, client, body, headers)
    headers = {**ntfy_headers(payload), **dict(entry.headers)}
    return _post(entry, client, ntfy_message(payload).encode("utf-8"), headers)


def run_command(entry: NotifyEntry, payload: dict[str, Any]) -> Sent:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        process = subprocess.Popen(entry.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        return Sent(False, f"cannot run {fold_line(entry.command[0])}: {exc.strerror or exc}")
    try:
        _, err = process.communicate(data, timeout=entry.timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return Sent(False, f"{fold_line(entry.command[0])} did not finish within {entry.timeout:g} s; killed")
    if process.returncode != 0:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        said = f": {fold_line(lines[-1])[:200]}" if lines else ""
        return Sent(False, f"{fold_line(entry.command[0])} exited with status {process.returncode}{said}")
    return Sent(True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)        # POSIX; elsewhere only the program itself dies
    try:
        if killpg is None:
            raise ProcessLookupError
        killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        # A grandchild left the group and holds stderr open: stop reading, reap the child.
        process.wait()


def _post(entry: NotifyEntry, client: httpx.Client, body: bytes, headers: dict[str, str]) -> Sent:
    try:
        response = client.post(entry.url or "", content=body, headers=headers, timeout=entry.timeout)
    except httpx.TimeoutException as exc:
        return Sent(False, describe_http_error(exc))
    except httpx.HTTPError as exc:
        return Sent(False, describe_http_error(exc), transient=True)
    if response.is_success:
        return Sent(True)
    status = response.status_code
    error = http_status_text(status)
    if response.is_redirect:
        error += " (redirects are not followed: use the final URL)"
    retry_after = response.headers.get("retry-after") if status in (429, 503) else None
    return Sent(False, error, transient=status >= 500 or status in _TRANSIENT_STATUS, retry_after=retry_after)


def ntfy_message(payload: dict[str, Any]) -> str:
    return f"{payload['headline']} ({payload['outlet']})\n{payload['sentence']}"


def ntfy_headers(payload: dict[str, Any]) -> dict[str, str]:
    headers = {"Title": header_value(f"{payload['watch_title']}: {payload['headline']}")}
    link = click_url(payload.get("url"))
    if link:
        headers["Click"] = link
    return headers


def header_value(text: str) -> str:
    """Untrusted text as one safe header value (see the module docstring)."""
    value = fold_line(text)
    if len(value) > HEADER_MAX:
        value = value[:HEADER_MAX - 3].rstrip() + "..."
    if value.isascii():
        return value
    return "=?utf-8?b?" + base64.b64encode(value.encode("utf-8")).decode("ascii") + "?="


def click_url(url: str | None) -> str | None:
    """An article's link made header-safe: http(s) only (never javascript: or file:), one line,
    non-ASCII percent-encoded."""
    value = "".join(fold_line(url or "").split())
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        return None
    return quote(value, safe=_URL_SAFE)
