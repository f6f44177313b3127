"""The hostile-feed set: every misbehaving feed of issue 6, served by one loopback FeedServer.

Shared by tests/hostile/test_feeds.py (one poll per case, and all of them in one poll) and
bench/hostile.py (all of them beside 200 healthy feeds). Each Case says what the stored feed
must look like after a poll: its status, a phrase its `last_error` must contain, and, for the
feeds that parse, a check on the articles kept.
"""

from __future__ import annotations

import functools
import socket
import ssl
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from store.records import Article
from tests.feedserver import FeedServer, Route, item, rss_feed

SECRET = "TOPSECRET-7f3a9c-do-not-leak"

# Settings the hostile polls run with: small, so hanging and trickling feeds end quickly.
POLL_TOML = """
[poll]
timeout = {timeout}
max_bytes = {max_bytes}
min_interval = 0
concurrency = 32
"""
TIMEOUT = 1.5
MAX_BYTES = 3_000_000
BIG_ENTRIES = 10_000

Check = Callable[[list[Article]], None]


@dataclass(frozen=True)
class Case:
    """One hostile feed: where it is served and what the poll must make of it."""

    name: str
    path: str
    status: str                       # the feed's last_status afterwards: failed | gone | ok ("a|b": either)
    error: str | None = None          # a phrase (lower case) its last_error or warning must contain
    check: Check | None = None        # for feeds that parse: what must hold of the articles
    scheme: str = "http"              # "https": polled over TLS on a port that cannot do it
    slow: bool = False                # ends only at the poll's total deadline
    min_seconds: float = 0.0


@dataclass
class Served:
    """The started servers and the URL of every case."""

    server: FeedServer
    urls: dict[str, str] = field(default_factory=dict)
    healthy: list[str] = field(default_factory=list)


def healthy_feed(n: int, entries: int = 3) -> bytes:
    return rss_feed(
        [item(title=f"Healthy {n} story {i}", link=f"https://healthy{n}.example/{i}", guid=f"h{n}-{i}",
              description=f"<p>Healthy feed {n}, story {i}.</p>") for i in range(entries)],
        title=f"Healthy {n}",
    )


def _titles(articles: list[Article]) -> set[str]:
    return {a.title for a in articles}


def _expect_encoding(articles: list[Article]) -> None:
    # Declared UTF-8, sent as windows-1252: the text must not be lost (a fallback decoding keeps
    # every entry) and no replacement character or raw control character may be stored.
    assert len(articles) == 2, [a.title for a in articles]
    for article in articles:
        assert "\ufffd" not in article.title and "\x00" not in article.title
    assert any("Caf" in a.title for a in articles)


def _expect_big(articles: list[Article]) -> None:
    assert len(articles) == BIG_ENTRIES
    assert len({a.guid for a in articles}) == BIG_ENTRIES


def _expect_odd_entries(articles: list[Article]) -> None:
    by_title = {a.title: a for a in articles}
    # no title: titled from its text; no link: no url; no date: first-seen time
    assert "Body of an entry that has no title." in by_title, sorted(by_title)
    assert by_title["No link"].url is None
    assert by_title["No date"].published.year >= 2026
    # year 9999 and 1970 are feed bugs: the first-seen time is used instead
    assert by_title["Year 9999"].published.year < 9999
    assert by_title["Epoch 1970"].published.year >= 2026
    # one guid, two different entries: both kept under distinct guids
    assert {"Shared guid one", "Shared guid two"} <= set(by_title)
    assert by_title["Shared guid one"].guid != by_title["Shared guid two"].guid
    for article in articles:
        assert article.guid and article.published.tzinfo is not None


def _expect_no_secret(articles: list[Article]) -> None:
    for article in articles:
        assert SECRET not in article.title and SECRET not in article.text
        assert "lol" * 50 not in article.text


def _expect_truncated(articles: list[Article]) -> None:
    # The two complete entries may be salvaged; the cut one must not be stored half-written.
    assert {a.title for a in articles} <= {"Whole one", "Whole two"}


def _expect_links(articles: list[Article]) -> None:
    by_title = {a.title: a for a in articles}
    assert by_title["JS link"].url is None
    assert by_title["Data link"].url is None
    assert by_title["File link"].url is None
    assert by_title["Good link"].url == "https://ok.example/a"


CASES: tuple[Case, ...] = (
    Case("http-500", "/h/500.xml", "failed", "http 500"),
    Case("http-404", "/h/404.xml", "failed", "http 404"),
    Case("http-410", "/h/410.xml", "gone", "410"),
    Case("never-answers", "/h/hang.xml", "failed", "timed out", slow=True),
    Case("trickle", "/h/trickle.xml", "failed", "timed out", slow=True),
    Case("truncated-xml", "/h/truncated.xml", "ok|failed", "no element found", check=_expect_truncated),
    Case("html-page", "/h/html.xml", "failed", "html page"),
    Case("50mb-body", "/h/huge.xml", "failed", "max_bytes"),
    Case("50mb-declared", "/h/huge-declared.xml", "failed", "max_bytes"),
    Case("gzip-bomb", "/h/bomb.xml", "failed", "max_bytes"),
    Case("redirect-loop", "/h/loop-a.xml", "failed", "redirect loop"),
    Case("redirect-file-scheme", "/h/to-file.xml", "failed", "not http or https"),
    Case("redirect-javascript", "/h/to-js.xml", "failed", "http or https"),
    Case("wrong-encoding", "/h/encoding.xml", "ok", "declared encoding was wrong", check=_expect_encoding),
    Case("billion-laughs", "/h/laughs.xml", "ok|failed", "entity", check=_expect_no_secret),
    Case("external-entity-file", "/h/xxe-file.xml", "ok|failed", "error", check=_expect_no_secret),
    Case("external-entity-net", "/h/xxe-net.xml", "ok|failed", "entity", check=_expect_no_secret),
    Case("10k-entries", "/h/big.xml", "ok", check=_expect_big),
    Case("odd-entries", "/h/odd.xml", "ok", check=_expect_odd_entries),
    Case("unsafe-links", "/h/links.xml", "ok", check=_expect_links),
    Case("tls-plain-port", "/h/tls.xml", "failed", "tls error", scheme="https"),
    Case("tls-self-signed", "/h/tls-self.xml", "failed", "tls error", scheme="https-self-signed"),
)
CASE_BY_NAME = {case.name: case for case in CASES}


def _routes(server: FeedServer, secret_file: Path) -> dict[str, Route]:
    base = server.base
    good = rss_feed([item(title="Fine", guid="fine")])
    whole = rss_feed([item(title="Whole one", guid="w1"), item(title="Whole two", guid="w2"),
                      item(title="Cut in the middle of this entry", guid="w3",
                           description="<p>" + "words " * 200 + "</p>")])
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
                  for i in range(1, 10))
        + ']>\n<rss version="2.0"><channel><title>Laughs</title>'
        "<item><title>&lol9;</title><description>&lol9;</description><guid>l1</guid></item>"
        "</channel></rss>"
    ).encode()
    xxe_file = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
        '<rss version="2.0"><channel><title>XXE</title>'
        "<item><title>Leak &xxe;</title><description>secret: &xxe;</description><guid>x1</guid></item>"
        "</channel></rss>"
    ).encode()
    xxe_net = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{base}/h/xxe-probe.dtd"> %remote;'
        f'<!ENTITY net SYSTEM "{base}/h/xxe-probe.txt">]>\n'
        '<rss version="2.0"><channel><title>XXE net</title>'
        "<item><title>Net &net;</title><description>fetched: &net;</description><guid>n1</guid></item>"
        "</channel></rss>"
    ).encode()
    odd = rss_feed([
        item(title="", link="https://odd.example/t", guid="odd-notitle",
             description="Body of an entry that has no title."),
        item(title="No link", link=None, guid="odd-nolink"),
        item(title="No date", date=None, guid="odd-nodate"),
        item(title="Year 9999", date="Fri, 31 Dec 9999 23:59:59 GMT", guid="odd-9999"),
        item(title="Epoch 1970", date="Thu, 01 Jan 1970 00:00:00 GMT", guid="odd-1970"),
        item(title="Shared guid one", guid="odd-shared", description="<p>First text</p>"),
        item(title="Shared guid two", guid="odd-shared", description="<p>Second, different text</p>"),
    ])
    links = rss_feed([
        item(title="JS link", link="javascript:alert(document.cookie)", guid="l-js"),
        item(title="Data link", link="data:text/html,<script>alert(1)</script>", guid="l-data"),
        item(title="File link", link="file:///etc/passwd", guid="l-file"),
        item(title="Good link", link="https://ok.example/a", guid="l-good"),
    ])
    encoding = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Enc</title>'
        "<item><title>Caf\u00e9 na\u00efve \u201cquoted\u201d</title><guid>e1</guid></item>"
        "<item><title>Second \u00e9t\u00e9</title><guid>e2</guid></item></channel></rss>"
    ).encode("windows-1252")
    return {
        "/h/500.xml": Route(body=b"<h1>oops</h1>", status=500, content_type="text/html"),
        "/h/410.xml": Route(body=b"gone", status=410, content_type="text/plain"),
        "/h/hang.xml": Route(hang=True),
        "/h/trickle.xml": Route(body=good * 20, trickle_s=1.0),
        "/h/truncated.xml": Route(body=whole[: whole.index(b"words words") + 300]),
        "/h/html.xml": Route(body=b"<!DOCTYPE html><html><head><title>Home</title></head>"
                                  b"<body><h1>Welcome</h1><p>Not a feed.</p></body></html>",
                             content_type="text/html; charset=utf-8"),
        "/h/huge.xml": Route(stream_bytes=50_000_000),
        "/h/huge-declared.xml": Route(stream_bytes=50_000_000, headers={"Content-Length": "50000000"}),
        "/h/bomb.xml": Route(body=gzip_bomb(), content_encoding="gzip"),
        "/h/loop-a.xml": Route(location=base + "/h/loop-b.xml", status=302),
        "/h/loop-b.xml": Route(location=base + "/h/loop-a.xml", status=302),
        "/h/to-file.xml": Route(location=f"file://{secret_file}", status=301),
        "/h/to-js.xml": Route(location="javascript:alert(1)", status=302),
        "/h/encoding.xml": Route(body=encoding, content_type="application/rss+xml; charset=utf-8"),
        "/h/laughs.xml": Route(body=laughs),
        "/h/xxe-file.xml": Route(body=xxe_file),
        "/h/xxe-net.xml": Route(body=xxe_net),
        "/h/xxe-probe.dtd": Route(body=b'<!ENTITY leaked "PROBE-FETCHED">', content_type="text/plain"),
        "/h/xxe-probe.txt": Route(body=b"PROBE-FETCHED", content_type="text/plain"),
        "/h/big.xml": Route(body=big_feed()),
        "/h/odd.xml": Route(body=odd),
        "/h/links.xml": Route(body=links),
        "/h/tls.xml": Route(body=good),
    }


@functools.cache
def big_feed() -> bytes:
    return rss_feed([f"<item><title>Entry {i}</title><guid>big-{i}</guid>"
                     f"<pubDate>Mon, 02 Mar 2026 09:00:00 GMT</pubDate></item>" for i in range(BIG_ENTRIES)])


@functools.cache
def gzip_bomb(megabytes: int = 200) -> bytes:
    """About 200 KB of gzip that inflates to 200 MB of spaces (built without holding 200 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = b" " * 1_000_000
    parts = [packer.compress(b"<rss>")]
    parts.extend(packer.compress(chunk) for _ in range(megabytes))
    parts.append(packer.flush())
    return b"".join(parts)


def case_url(served: Served, case: Case, tls_port: int | None) -> str:
    if case.scheme == "https":
        return f"https://127.0.0.1:{served.server.port}{case.path}"
    if case.scheme == "https-self-signed":
        return f"https://127.0.0.1:{tls_port}{case.path}"
    return served.server.url(case.path)


@contextmanager
def hostile_servers(folder: Path, healthy: int = 3, cert: tuple[Path, Path] | None = None
                    ) -> Iterator[Served]:
    """A FeedServer with every case and `healthy` good feeds, plus a self-signed TLS server."""
    secret_file = folder / "secret.txt"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    server = FeedServer().start()
    server._server.handle_error = _quiet  # type: ignore[method-assign] # clients hang up on purpose
    try:
        with self_signed_server(cert or make_cert(folder)) as tls_port:
            served = Served(server)
            for path, route in _routes(server, secret_file).items():
                server.add(path, route)
            for case in CASES:
                served.urls[case.name] = case_url(served, case, tls_port)
            for n in range(healthy):
                served.healthy.append(server.add(f"/ok/{n}.xml", Route(body=healthy_feed(n), etag="auto")))
            yield served
    finally:
        server.close()


@contextmanager
def self_signed_server(pair: tuple[Path, Path]) -> Iterator[int]:
    """An HTTPS server on 127.0.0.1 with a throwaway self-signed certificate; yields its port."""
    cert, key = pair
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls = _TLSServer(("127.0.0.1", 0), _Reject, context)
    thread = threading.Thread(target=tls.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield tls.server_address[1]
    finally:
        tls.shutdown()
        tls.server_close()


def _quiet(request: object, client_address: object) -> None:
    pass


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (cert.pem, key.pem)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, address = self.socket.accept()
        sock.settimeout(2)
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client refusing our certificate is the point


class _Reject(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = rss_feed([item(title="Should never be stored", guid="tls-ok")])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass
