"""A loopback feed server for tests: configurable routes, every misbehaviour a feed can have.

Use the `feed_server` fixture (re-exported by tests/conftest.py):

    def test_x(feed_server):
        url = feed_server.add("/a.xml", Route(body=rss_feed([item(title="Hi")]), etag="auto"))
        ...
        assert feed_server.hits("/a.xml") == 1

What a Route can do (combine freely): static body with status, Content-Type and extra headers;
ETag / Last-Modified ("auto" derives them) answered with 304 on a match; gzip when the client
accepts it, or a pre-encoded body sent with any Content-Encoding (bombs); redirects (`location`
with 301/302/307/308); Retry-After; a delay before answering; `hang` (accept, never answer until
teardown); `trickle_s` (one body byte per interval); `stream_bytes` (an endless-looking body of
N bytes with no Content-Length); `handler` to compute a Route per request.

Binds 127.0.0.1 port 0 (tests run in parallel). Teardown sets a stop event that wakes every
hanging or trickling handler, so a test never waits for a slow route to finish.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

import pytest


@dataclass(frozen=True)
class Request:
    """One request the server received (headers with lowercased names)."""

    path: str
    headers: dict[str, str]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # "auto": a strong ETag from the body's sha1
    last_modified: str | None = None  # "auto": a fixed date
    gzip: bool = False  # compress when the client sends Accept-Encoding: gzip
    content_encoding: str | None = None  # body is already encoded; sent with this header
    location: str | None = None  # redirect target (status defaults to 301 if status is 200)
    retry_after: str | None = None
    delay_s: float = 0.0
    hang: bool = False
    trickle_s: float | None = None
    stream_bytes: int | None = None
    handler: Callable[[Request], Route] | None = None


AUTO_LAST_MODIFIED = "Mon, 02 Mar 2026 10:00:00 GMT"


class FeedServer:
    """The server; `url(path)` for addresses, `add(path, route)` to serve, `requests` to inspect."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        """Serve `route` at `path` (replacing any earlier route); returns its full URL."""
        with self._lock:
            self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _record(self, request: Request) -> Route | None:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path) or self.routes.get(request.path.split("?", 1)[0])
        if route is not None and route.handler is not None:
            route = route.handler(request)
        return route


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up (a poll that timed out or was killed) is expected, not a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def _make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
            route = server._record(request)
            try:
                self._answer(route, request)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                self.close_connection = True

        def _answer(self, route: Route | None, request: Request) -> None:
            if route is None:
                return self._simple(404, b"not found\n")
            if route.hang:
                server.stopping.wait(600)
                self.close_connection = True
                return
            if route.delay_s and server.stopping.wait(route.delay_s):
                self.close_connection = True
                return
            if route.location is not None:
                status = route.status if route.status != 200 else 301
                return self._simple(status, b"", {"Location": route.location})
            etag = _auto_etag(route.body) if route.etag == "auto" else route.etag
            modified = AUTO_LAST_MODIFIED if route.last_modified == "auto" else route.last_modified
            validators = {k: v for k, v in (("ETag", etag), ("Last-Modified", modified)) if v}
            if route.status == 200 and _not_modified(request, etag, modified):
                return self._simple(304, b"", validators)
            headers = dict(validators)
            if route.content_type:
                headers["Content-Type"] = route.content_type
            if route.retry_after is not None:
                headers["Retry-After"] = route.retry_after
            body = route.body
            if route.content_encoding:
                headers["Content-Encoding"] = route.content_encoding
            elif route.gzip and "gzip" in request.headers.get("accept-encoding", ""):
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            headers.update(route.headers)
            if route.stream_bytes is not None:
                return self._stream(route.status, headers, route.stream_bytes)
            if route.trickle_s is not None:
                return self._trickle(route.status, headers, body, route.trickle_s)
            return self._simple(route.status, body, headers)

        def _simple(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304 and body:
                self.wfile.write(body)

        def _stream(self, status: int, headers: dict[str, str], size: int) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
            sent = 0
            while sent < size and not server.stopping.is_set():
                piece = chunk[: size - sent]
                self.wfile.write(piece)
                sent += len(piece)

        def _trickle(self, status: int, headers: dict[str, str], body: bytes, interval: float) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                if server.stopping.wait(interval):
                    self.close_connection = True
                    return

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass

    return Handler


def _auto_etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def _not_modified(request: Request, etag: str | None, modified: str | None) -> bool:
    sent_etag = request.headers.get("if-none-match")
    if etag and sent_etag:
        return etag in [t.strip() for t in sent_etag.split(",")] or sent_etag.strip() == "*"
    sent_modified = request.headers.get("if-modified-since")
    return bool(modified and sent_modified and sent_modified == modified)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started FeedServer, stopped (hanging handlers woken) at teardown."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.close()


# Feed builders: small, valid documents for tests; pass `raw` pieces to make them hostile.


def item(
    title: str = "An item",
    link: str | None = "https://example.com/a",
    guid: str | None = None,
    date: str | None = "Mon, 02 Mar 2026 09:00:00 GMT",
    description: str | None = "<p>Body</p>",
    raw: str = "",
) -> str:
    """One RSS 2.0 <item>; text values are XML-escaped, so HTML in `description` is entity-encoded."""
    parts = [f"<title>{escape(title)}</title>"]
    if link is not None:
        parts.append(f"<link>{escape(link)}</link>")
    if guid is not None:
        parts.append(f"<guid isPermaLink=\"false\">{escape(guid)}</guid>")
    if date is not None:
        parts.append(f"<pubDate>{escape(date)}</pubDate>")
    if description is not None:
        parts.append(f"<description>{escape(description)}</description>")
    return "<item>" + "".join(parts) + raw + "</item>"


def rss_feed(items: list[str], title: str = "Test Feed", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document encoded (and declared) as `encoding`."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.com/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    )
    return text.encode(encoding, "xmlcharrefreplace")


def atom_feed(entries: list[str], title: str = "Atom Feed") -> bytes:
    """An Atom 1.0 document; `entries` are <entry> elements (see `atom_entry`)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>2026-03-02T10:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    ).encode()


def atom_entry(
    title: str = "An entry",
    link: str | None = "https://example.com/e",
    entry_id: str | None = "urn:test:e1",
    updated: str | None = "2026-03-02T09:00:00Z",
    content_html: str = "<p>Body</p>",
) -> str:
    parts = [f'<title type="text">{escape(title)}</title>']
    if link is not None:
        parts.append(f'<link rel="alternate" href="{escape(link)}"/>')
    if entry_id is not None:
        parts.append(f"<id>{escape(entry_id)}</id>")
    if updated is not None:
        parts.append(f"<updated>{updated}</updated>")
    parts.append(f'<content type="html">{escape(content_html)}</content>')
    return "<entry>" + "".join(parts) + "</entry>"


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)
