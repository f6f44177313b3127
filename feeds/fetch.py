"""One HTTP fetch of one feed, with every limit a cron job needs against the real internet.

Why each limit:
- A total deadline (`asyncio.timeout(settings.timeout)`) on top of httpx's per-operation
  timeouts: a server trickling one byte a second never trips a read timeout, but must not
  hold the poll hostage.
- Redirects are followed here, not by httpx, so that we can (a) report a permanent move
  (301/308 from the first hop on) as `new_url`, (b) refuse a hop to a non-http(s) scheme, and
  (c) name a loop as a loop rather than "too many redirects".
- Bodies are streamed raw and decompressed here with an output bound: httpx would inflate a
  whole network chunk at once, and a brotli or gzip bomb can turn a few KB into gigabytes.
  The limit is on the decompressed size and the response is refused, never truncated.
- Validators (ETag, Last-Modified) are sent back so an unchanged feed costs a 304 and no parse.

Every failure becomes a FeedResult with a one-line human message; nothing here raises for a
feed-level problem.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import ssl
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import brotli  # type: ignore[import-untyped]
import httpx

from feeds.records import FeedResult, FeedState, PollSettings

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_RETRY_AFTER = 7 * 24 * 3600.0
DRAIN_BYTES = 64 * 1024
_DNS_MARKERS = (
    "name or service not known", "nodename nor servname", "name resolution", "no address associated",
    "getaddrinfo",
)
_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")

RedirectCheck = Callable[[str], Awaitable[str | None]]
"""Given a redirect target, the reason not to follow it, or None to follow it."""


@dataclass(frozen=True)
class Fetched:
    """A 2xx response whose body is still to be parsed."""

    url: str
    final_url: str
    http_status: int
    headers: dict[str, str]
    body: bytes
    new_url: str | None
    etag: str | None
    last_modified: str | None


class _Refused(Exception):
    """A feed-level problem found while fetching; the message is the user-facing error."""


def make_client(
    settings: PollSettings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    connections: int | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """A client for a poll: keep-alive reuse across feeds of one host, HTTP/2 over TLS."""
    size = connections or settings.concurrency
    return httpx.AsyncClient(
        http2=True,
        transport=transport,
        verify=verify,
        follow_redirects=False,
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
        limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
    )


async def fetch_feed(
    client: httpx.AsyncClient, state: FeedState, settings: PollSettings, now: datetime | None = None,
    *, accept: str | None = None, check_redirect: RedirectCheck | None = None,
) -> Fetched | FeedResult:
    """Fetch one feed within the total deadline: a body to parse, or the final FeedResult.

    `accept` replaces the feed Accept header when the same limits fetch something else (an
    article page, a robots.txt: feeds/pages.py); `check_redirect` may refuse a redirect target
    (a page's robots.txt rules for another host) with the reason it returns."""
    try:
        async with asyncio.timeout(settings.timeout):
            return await _fetch(client, state, settings, now or datetime.now(UTC), accept, check_redirect)
    except TimeoutError:
        return _failed(state, f"timed out after {settings.timeout:g} s")
    except _Refused as exc:
        return _failed(state, str(exc))
    except httpx.HTTPError as exc:
        return _failed(state, describe_http_error(exc))
    except (ssl.SSLError, OSError) as exc:
        return _failed(state, describe_os_error(exc))
    except Exception as exc:  # noqa: BLE001 - one feed must never stop the poll
        return _failed(state, one_line(f"unexpected error: {type(exc).__name__}: {exc}"))


async def _fetch(
    client: httpx.AsyncClient, state: FeedState, settings: PollSettings, now: datetime, accept: str | None,
    check_redirect: RedirectCheck | None,
) -> Fetched | FeedResult:
    headers = {"Accept": accept} if accept else {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    url = state.url
    _check_scheme(url, "feed URL")
    seen = {url}
    new_url: str | None = None
    still_permanent = True
    for hop in range(settings.max_redirects + 1):
        try:
            request = client.build_request("GET", url, headers=headers)
        except httpx.InvalidURL:
            raise _Refused(f"invalid URL: {one_line(url)[:200]}") from None
        try:
            response = await client.send(request, stream=True)
        except httpx.InvalidURL:
            # httpx builds the next request of any redirect even when not following it.
            raise _Refused("redirect target is not a valid http or https URL") from None
        try:
            status = response.status_code
            location = response.headers.get("location")
            if status in REDIRECTS and location:
                if hop == settings.max_redirects:
                    raise _Refused(f"too many redirects (more than {settings.max_redirects})")
                target = urljoin(str(response.url), location.strip())
                _check_scheme(target, "redirect target")
                if target in seen:
                    raise _Refused(f"redirect loop: {one_line(target)[:200]} was already visited")
                if check_redirect is not None and (refusal := await check_redirect(target)):
                    raise _Refused(refusal)
                seen.add(target)
                if still_permanent and status in PERMANENT_REDIRECTS:
                    new_url = target
                else:
                    still_permanent = False
                url = target
                continue
            return await _final(response, state, settings, now, url, new_url)
        finally:
            await _drain(response)
            await response.aclose()
    raise _Refused(f"too many redirects (more than {settings.max_redirects})")


async def _final(
    response: httpx.Response,
    state: FeedState,
    settings: PollSettings,
    now: datetime,
    url: str,
    new_url: str | None,
) -> Fetched | FeedResult:
    status = response.status_code
    etag = response.headers.get("etag")
    last_modified = response.headers.get("last-modified")
    if status == 304:
        return FeedResult(
            url=state.url,
            status="not_modified",
            http_status=304,
            new_url=new_url,
            etag=etag or state.etag,
            last_modified=last_modified or state.last_modified,
        )
    if status == 410:
        return FeedResult(url=state.url, status="gone", http_status=410,
                          error="HTTP 410 Gone: the feed was removed; it will not be polled again")
    if not 200 <= status < 300:
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        return FeedResult(url=state.url, status="failed", http_status=status, error=http_status_text(status),
                          retry_after=retry_after)
    if status == 204:
        return _failed(state, "empty response (HTTP 204 No Content)", http_status=204)
    try:
        body = await read_limited(response, settings.max_bytes)
    except _Refused as exc:
        return _failed(state, str(exc), http_status=status)   # the server answered; the body was refused
    if not body.strip():
        return _failed(state, "empty response body", http_status=status)
    return Fetched(
        url=state.url,
        final_url=url,
        http_status=status,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=body,
        new_url=new_url,
        etag=etag,
        last_modified=last_modified,
    )


async def _drain(response: httpx.Response) -> None:
    """Read what is left of a small body (304, redirect, error page) so the connection goes
    back to the pool: httpcore closes a connection whose response was not read to the end,
    which turned a warm poll into 1000 new TCP connections."""
    if response.is_stream_consumed or response.is_closed:
        return
    left = DRAIN_BYTES
    try:
        async for chunk in response.aiter_raw():
            left -= len(chunk)
            if left < 0:
                return
    except (httpx.HTTPError, OSError):
        return


def _check_scheme(url: str, what: str) -> None:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise _Refused(f"invalid {what}: {one_line(url)[:200]}") from None
    if scheme not in ("http", "https"):
        shown = one_line(url)[:80]
        raise _Refused(f"{what} is not http or https: {shown}")


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it would exceed max_bytes (decompressed)."""
    too_large = f"response larger than {max_bytes} bytes (max_bytes)"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Refused(too_large)
    decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes + 1)
    parts: list[bytes] = []
    total = 0
    async for chunk in response.aiter_raw():
        for piece in decoder.feed(chunk):
            total += len(piece)
            if total > max_bytes:
                raise _Refused(too_large)
            parts.append(piece)
    for piece in decoder.finish():
        total += len(piece)
        if total > max_bytes:
            raise _Refused(too_large)
        parts.append(piece)
    return b"".join(parts)


class _Decoder:
    """Content-Encoding decoding with bounded output per step (see the module docstring)."""

    def __init__(self, header: str, limit: int) -> None:
        self.limit = limit
        self.stages: list[_Stage] = []
        for name in reversed([n.strip().lower() for n in header.split(",") if n.strip()]):
            if name in ("gzip", "x-gzip"):
                self.stages.append(_ZlibStage(zlib.MAX_WBITS | 16))
            elif name == "deflate":
                self.stages.append(_ZlibStage(zlib.MAX_WBITS, raw_fallback=True))
            elif name == "br":
                self.stages.append(_BrotliStage())
            elif name != "identity":
                raise _Refused(f"unsupported Content-Encoding: {one_line(name)[:40]}")

    def feed(self, data: bytes) -> list[bytes]:
        pieces = [data]
        for stage in self.stages:
            pieces = [out for piece in pieces for out in stage.feed(piece, self.limit)]
        return pieces

    def finish(self) -> list[bytes]:
        pieces: list[bytes] = []
        for stage in self.stages:
            pieces = [out for piece in pieces for out in stage.feed(piece, self.limit)]
            pieces.extend(stage.finish())
        return pieces


class _Stage:
    def feed(self, data: bytes, limit: int) -> list[bytes]:
        raise NotImplementedError

    def finish(self) -> list[bytes]:
        return []


class _ZlibStage(_Stage):
    def __init__(self, wbits: int, raw_fallback: bool = False) -> None:
        self.wbits = wbits
        self.raw_fallback = raw_fallback
        self.started = False
        self.obj = zlib.decompressobj(wbits)

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        out: list[bytes] = []
        produced = 0
        while data and produced <= limit:
            try:
                piece = self.obj.decompress(data, limit - produced + 1)
            except zlib.error as exc:
                if self.raw_fallback and not self.started:
                    self.raw_fallback = False
                    self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _Refused(f"corrupt compressed body: {exc}") from None
            self.started = True
            produced += len(piece)
            out.append(piece)
            data = self.obj.unconsumed_tail
            if self.obj.eof:
                break
        return out

    def finish(self) -> list[bytes]:
        try:
            return [self.obj.flush()]
        except zlib.error as exc:
            raise _Refused(f"corrupt compressed body: {exc}") from None


class _BrotliStage(_Stage):
    def __init__(self) -> None:
        self.obj = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        out: list[bytes] = []
        produced = 0
        try:
            piece = self.obj.process(data, output_buffer_limit=limit + 1)
            produced += len(piece)
            out.append(piece)
            while produced <= limit and not self.obj.can_accept_more_data():
                piece = self.obj.process(b"", output_buffer_limit=limit - produced + 1)
                if not piece:
                    break
                produced += len(piece)
                out.append(piece)
        except brotli.error as exc:
            raise _Refused(f"corrupt compressed body: {exc}") from None
        return out


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP date; None when unusable.

    Clamped to [0, 7 days] so a hostile header cannot silence a feed for years.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def http_status_text(status: int) -> str:
    """"HTTP 500 Internal Server Error": the standard phrase, never the server's own text."""
    phrase = httpx.codes.get_reason_phrase(status)
    return f"HTTP {status} {phrase}".strip()


def describe_http_error(exc: httpx.HTTPError) -> str:
    """A short human message for a transport failure (no traceback, no exception repr)."""
    text = one_line(str(exc))
    cause = exc.__context__ or exc.__cause__
    if isinstance(cause, ssl.SSLError) or "SSL" in text or "CERTIFICATE" in text.upper():
        return f"TLS error: {_ssl_reason(text)}"
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the server"
    if isinstance(exc, httpx.ConnectError):
        root = _root_cause(exc)
        if isinstance(root, ConnectionRefusedError):
            return "connection refused"
        if isinstance(root, OSError) and root.strerror:
            text = one_line(root.strerror)
        lowered = text.lower()
        if any(marker in lowered for marker in _DNS_MARKERS):
            return "DNS lookup failed: host not found"
        if "refused" in lowered:
            return "connection refused"
        return f"could not connect: {text or type(exc).__name__}"[:200]
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in text or "disconnected" in text:
            return "the server closed the connection without a complete response"
        return f"HTTP protocol error: {text}"[:200]
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "feed URL is not http or https"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection error: {text or 'connection reset'}"[:200]
    return f"{type(exc).__name__}: {text}"[:200]


def _root_cause(exc: BaseException) -> BaseException:
    seen = 0
    while seen < 10:
        nxt = exc.__cause__ or exc.__context__
        if nxt is None:
            return exc
        exc = nxt
        seen += 1
    return exc


def describe_os_error(exc: BaseException) -> str:
    text = one_line(str(exc))
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {_ssl_reason(text)}"
    return f"network error: {text or type(exc).__name__}"[:200]


def _ssl_reason(text: str) -> str:
    match = re.search(r"\] ([^(]+)", text)
    reason = match.group(1).strip() if match else text
    return reason[:160] or "handshake failed"


def one_line(text: str) -> str:
    """Collapse control characters so an error message stays on one terminal line."""
    return _LINE.sub(" ", text).strip()


def _failed(state: FeedState, error: str, http_status: int | None = None) -> FeedResult:
    return FeedResult(url=state.url, status="failed", http_status=http_status, error=error)
