"""The [[notify]] entries of config.toml, validated at load like every other section.

Kept out of partwatch/config.py so that the delivery code and its checks live together; the
validator of config.py calls `notify_entries` with itself (importing this module when it gets
there, since this one imports it), so a mistake here gets the same one-line message (file,
line, key, fix) and exit code 2 as any other config mistake.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from partwatch.config import _show as _short
from partwatch.config import _Validator, unknown_id_fix

NotifyKind = Literal["command", "webhook", "ntfy"]
KINDS: tuple[NotifyKind, ...] = ("command", "webhook", "ntfy")
DEFAULT_TIMEOUT = 10.0
NOTIFY_KEYS = ("id", *KINDS, "watch", "partnerships", "timeout", "headers")

# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class NotifyEntry:
    """One [[notify]] entry: where new watch hits go, and which of them.

    `command` is set for kind "command" (an argv list, never run through a shell), `url` for
    "webhook" and "ntfy". Empty `watch` or `partnerships` means no filter on that side.
    """

    id: str
    kind: NotifyKind
    command: tuple[str, ...] = ()
    url: str | None = None
    watch: tuple[str, ...] = ()
    partnerships: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def target(self) -> str:
        """Where it sends, for listings: the program, or the URL without credentials or query
        (a webhook's secret token often sits there)."""
        if self.kind == "command":
            return self.command[0]
        parts = urlsplit(self.url or "")
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))


def notify_entries(v: _Validator, entries: list[dict[str, Any]], watch_ids: Iterable[str],
                   partnership_ids: Iterable[str]) -> tuple[NotifyEntry, ...]:
    """Validate every [[notify]] table; `watch_ids` and `partnership_ids` are the configured ids
    the filters may name."""
    known_watch, known_partnerships = sorted(watch_ids), sorted(partnership_ids)
    result: list[NotifyEntry] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        v.unknown_keys("notify", index, entry, NOTIFY_KEYS)
        nid = v.unique_id("notify", index, entry, seen)
        kinds = [kind for kind in KINDS if kind in entry]
        if len(kinds) != 1:
            problem = f"has {' and '.join(kinds)}" if kinds else "says nowhere to send"
            v.fail(v.where("notify", index), problem,
                   'give exactly one of command = ["prog", "arg"], webhook = "https://...", '
                   'ntfy = "https://ntfy.sh/topic"', v.locate("notify", index))
        kind = kinds[0]
        command: tuple[str, ...] = ()
        url = None
        if kind == "command":
            command = v.strings("notify", index, "command", entry["command"])
            if not command:
                v.fail(v.where("notify", index), "command is empty",
                       'write it like command = ["notify-send", "partwatch"]',
                       v.locate("notify", index, "command"))
        else:
            url = _url(v, index, entry, kind)
        headers = _headers(v, index, entry, kind)
        result.append(NotifyEntry(
            id=nid, kind=kind, command=command, url=url,
            watch=_ids(v, index, entry, "watch", known_watch, "[[watch]]"),
            partnerships=_ids(v, index, entry, "partnerships", known_partnerships, "[[partnerships]]"),
            timeout=_timeout(v, index, entry), headers=headers,
        ))
    return tuple(result)


def _url(v: _Validator, index: int, entry: Mapping[str, Any], kind: NotifyKind) -> str:
    example = '"https://ntfy.sh/my-topic"' if kind == "ntfy" else '"https://hooks.example.com/partwatch"'
    url = v.text_value("notify", index, entry, kind, required=True, example=example)
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or not url.isprintable():
        v.fail(v.where("notify", index), f"{kind} {_short(url)} is not an http or https URL",
               f"write it like {kind} = {example}", v.locate("notify", index, kind))
    if kind == "ntfy" and parts.path.strip("/") == "":
        v.fail(v.where("notify", index), f"ntfy {_short(url)} names no topic",
               f"write it like ntfy = {example}", v.locate("notify", index, kind))
    return url


def _ids(v: _Validator, index: int, entry: Mapping[str, Any], key: str, known: list[str],
         section: str) -> tuple[str, ...]:
    ids = v.strings("notify", index, key, entry.get(key, []))
    for value in ids:
        if value not in known:
            v.fail(v.where("notify", index), f"{key} names {_short(value)}, which is not in {section}",
                   unknown_id_fix(value, known, section), v.locate("notify", index, key))
    return ids


def _timeout(v: _Validator, index: int, entry: Mapping[str, Any]) -> float:
    if "timeout" not in entry:
        return DEFAULT_TIMEOUT
    value = v.expect("notify", index, "timeout", entry["timeout"], float, "10")
    if not math.isfinite(value) or value <= 0:
        v.fail(v.where("notify", index), f"timeout = {value} is out of range",
               "use a number of seconds greater than 0", v.locate("notify", index, "timeout"))
    return value


def _headers(v: _Validator, index: int, entry: Mapping[str, Any],
             kind: NotifyKind) -> tuple[tuple[str, str], ...]:
    if "headers" not in entry:
        return ()
    example = 'headers = { Authorization = "Bearer TOKEN" }'
    line = v.locate("notify", index, "headers")
    if kind == "command":
        v.fail(v.where("notify", index), "has headers, which only a webhook or ntfy entry sends",
               "remove the headers line", line)
    raw = entry["headers"]
    if not isinstance(raw, dict):
        v.fail(v.where("notify", index), "headers must be a table of header names to values",
               f"write it like {example}", line)
    headers: list[tuple[str, str]] = []
    for name, value in raw.items():
        ascii_line = isinstance(value, str) and value.isascii() and value.isprintable()
        if not _HEADER_NAME.match(name) or not ascii_line:
            v.fail(v.where("notify", index), f"header {_short(name)} must be a name with a one-line "
                   "ASCII text value", f"write it like {example}", line)
        headers.append((name, value))
    return tuple(headers)
