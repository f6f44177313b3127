"""poll_feeds against a loopback server: conditional GET, redirects, limits, errors."""

from __future__ import annotations

import dataclasses
import gzip
import threading
import time
from datetime import UTC, datetime

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

import feeds.poll
from feeds.fetch import Fetched
from feeds.poll import poll_feeds
from feeds.records import FeedResult, FeedState, PollSettings
from tests.feedserver import FeedServer, Request, Route, http_date, item, rss_feed

FAST = PollSettings(timeout=2.0, concurrency=8)
NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
FEED = rss_feed([item(title="Hello", guid="g1"), item(title="World", guid="g2")], title="Loop Wire")


async def poll(urls: list[str] | list[FeedState], settings: PollSettings = FAST,
               **kwargs: object) -> dict[str, FeedResult]:
    states = [u if isinstance(u, FeedState) else FeedState(u) for u in urls]
    results = [r async for r in poll_feeds(states, settings, now=NOW, **kwargs)]  # type: ignore[arg-type]
    assert len(results) == len(states)
    return {r.url: r for r in results}


async def poll_one(url: str | FeedState, settings: PollSettings = FAST) -> FeedResult:
    key = url.url if isinstance(url, FeedState) else url
    return (await poll([url], settings))[key]  # type: ignore[list-item]


async def test_ok_result_carries_articles_and_validators(feed_server: FeedServer) -> None:
    url = feed_server.add("/f.xml", Route(body=FEED, etag="auto", last_modified="auto"))
    result = await poll_one(url)
    assert result.status == "ok" and result.http_status == 200
    assert result.feed_title == "Loop Wire"
    assert [a.guid for a in result.articles] == ["g1", "g2"]
    assert result.etag and result.last_modified
    (request,) = feed_server.requests
    assert request.headers["user-agent"].startswith("partwatch/")
    assert {"gzip", "deflate", "br"} <= {e.strip() for e in request.headers["accept-encoding"].split(",")}


async def test_second_poll_is_conditional_304_and_costs_no_parse(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.add("/f.xml", Route(body=FEED, etag="auto", last_modified="auto"))
    first = await poll_one(url)

    def no_parse(*args: object) -> None:
        raise AssertionError("a 304 must not be parsed")

    monkeypatch.setattr(feeds.poll, "parse_feed", no_parse)
    second = await poll_one(FeedState(url, etag=first.etag, last_modified=first.last_modified))
    assert second.status == "not_modified" and second.http_status == 304
    assert second.articles == [] and second.etag == first.etag
    sent = feed_server.requests[-1].headers
    assert sent["if-none-match"] == first.etag and sent["if-modified-since"] == first.last_modified


async def test_last_modified_alone_gives_304(feed_server: FeedServer) -> None:
    url = feed_server.add("/lm.xml", Route(body=FEED, last_modified="auto"))
    first = await poll_one(url)
    assert first.etag is None
    second = await poll_one(FeedState(url, last_modified=first.last_modified))
    assert second.status == "not_modified" and second.last_modified == first.last_modified


async def test_gzip_response_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.add("/gz.xml", Route(body=FEED, gzip=True))
    result = await poll_one(url)
    assert result.status == "ok" and len(result.articles) == 2


async def test_brotli_response_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.add("/br.xml", Route(body=brotli.compress(FEED), content_encoding="br"))
    assert len((await poll_one(url)).articles) == 2


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect_sets_new_url(feed_server: FeedServer, status: int) -> None:
    old = feed_server.add("/old.xml", Route(location="/moved.xml", status=status))
    new = feed_server.add("/moved.xml", Route(body=FEED))
    result = await poll_one(old)
    assert result.status == "ok" and result.url == old and result.new_url == new
    assert len(result.articles) == 2


async def test_temporary_redirect_keeps_the_url(feed_server: FeedServer) -> None:
    url = feed_server.add("/tmp.xml", Route(location="/real.xml", status=302))
    feed_server.add("/real.xml", Route(body=FEED))
    result = await poll_one(url)
    assert result.status == "ok" and result.new_url is None


async def test_permanent_then_temporary_keeps_the_permanent_target(feed_server: FeedServer) -> None:
    url = feed_server.add("/a", Route(location="/b", status=301))
    feed_server.add("/b", Route(location="/c", status=302))
    feed_server.add("/c", Route(body=FEED))
    result = await poll_one(url)
    assert result.status == "ok" and result.new_url == feed_server.url("/b")


async def test_redirect_loop_fails(feed_server: FeedServer) -> None:
    url = feed_server.add("/loop1", Route(location="/loop2", status=302))
    feed_server.add("/loop2", Route(location="/loop1", status=302))
    result = await poll_one(url)
    assert result.status == "failed" and result.error and "redirect loop" in result.error


async def test_too_many_redirects_fail(feed_server: FeedServer) -> None:
    for i in range(7):
        feed_server.add(f"/r{i}", Route(location=f"/r{i + 1}", status=302))
    feed_server.add("/r7", Route(body=FEED))
    result = await poll_one(feed_server.url("/r0"))
    assert result.status == "failed" and result.error == "too many redirects (more than 5)"
    assert (await poll_one(feed_server.url("/r2"))).status == "ok"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.com/f"])
async def test_redirect_to_non_http_scheme_fails(feed_server: FeedServer, target: str) -> None:
    url = feed_server.add("/evil", Route(location=target, status=302))
    result = await poll_one(url)
    assert result.status == "failed" and result.error and "http or https" in result.error


async def test_hanging_server_ends_within_timeout(feed_server: FeedServer) -> None:
    hang = feed_server.add("/hang", Route(hang=True))
    good = feed_server.add("/good", Route(body=FEED))
    started = time.monotonic()
    results = await poll([hang, good], PollSettings(timeout=0.5))
    assert time.monotonic() - started < 1.5
    assert results[good].status == "ok"
    assert results[hang].status == "failed" and results[hang].error and "timed out" in results[hang].error


async def test_trickling_server_hits_the_total_deadline(feed_server: FeedServer) -> None:
    # A byte every 0.1 s never trips the 0.6 s read timeout; only the total deadline stops it.
    url = feed_server.add("/trickle", Route(body=FEED, trickle_s=0.1))
    started = time.monotonic()
    result = await poll_one(url, PollSettings(timeout=0.6))
    assert time.monotonic() - started < 1.6
    assert result.status == "failed" and result.error == "timed out after 0.6 s"


async def test_oversize_declared_body_is_refused(feed_server: FeedServer) -> None:
    big = rss_feed([item(title=f"t{i}", guid=str(i), description="x" * 1000) for i in range(50)])
    url = feed_server.add("/big", Route(body=big))
    result = await poll_one(url, PollSettings(timeout=2, max_bytes=10_000))
    assert result.status == "failed"
    assert result.error == "response larger than 10000 bytes (max_bytes)"


async def test_oversize_streamed_body_is_refused_without_reading_it_all(feed_server: FeedServer) -> None:
    url = feed_server.add("/stream", Route(stream_bytes=50_000_000))
    started = time.monotonic()
    result = await poll_one(url, PollSettings(timeout=5, max_bytes=100_000))
    assert time.monotonic() - started < 3
    assert result.status == "failed" and result.error == "response larger than 100000 bytes (max_bytes)"


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
async def test_compression_bomb_is_refused_by_decompressed_size(
    feed_server: FeedServer, encoding: str
) -> None:
    payload = b"<rss>" + b" " * 20_000_000
    if encoding == "gzip":
        body = gzip.compress(payload, 9)
    elif encoding == "br":
        body = brotli.compress(payload)
    else:
        import zlib
        body = zlib.compress(payload, 9)
    assert len(body) < 100_000
    url = feed_server.add("/bomb", Route(body=body, content_encoding=encoding))
    result = await poll_one(url, PollSettings(timeout=5, max_bytes=1_000_000))
    assert result.status == "failed" and result.error == "response larger than 1000000 bytes (max_bytes)"


async def test_html_page_instead_of_feed(feed_server: FeedServer) -> None:
    page = b"<!doctype html><html><head><title>Blog</title></head><body><h1>Hi</h1></body></html>"
    url = feed_server.add("/page", Route(body=page, content_type="text/html; charset=utf-8", etag="auto"))
    result = await poll_one(url)
    assert result.status == "failed"
    assert result.error == "not a feed: the server sent an HTML page"
    assert result.etag is None, "a failed body must not be cached as a 304 next time"


@pytest.mark.parametrize(("status", "message"), [
    (500, "HTTP 500 Internal Server Error"),
    (404, "HTTP 404 Not Found"),
    (403, "HTTP 403 Forbidden"),
])
async def test_http_errors(feed_server: FeedServer, status: int, message: str) -> None:
    url = feed_server.add("/err", Route(status=status, body=b"oops", content_type="text/plain"))
    result = await poll_one(url)
    assert (result.status, result.http_status, result.error) == ("failed", status, message)


async def test_gone(feed_server: FeedServer) -> None:
    url = feed_server.add("/gone", Route(status=410, body=b""))
    result = await poll_one(url)
    assert result.status == "gone" and result.http_status == 410 and result.error


async def test_retry_after_seconds_and_date(feed_server: FeedServer) -> None:
    seconds = feed_server.add("/busy", Route(status=429, retry_after="120"))
    dated = feed_server.add("/down", Route(status=503, retry_after=http_date(NOW.timestamp() + 3600)))
    junk = feed_server.add("/junk", Route(status=503, retry_after="soon-ish"))
    results = await poll([seconds, dated, junk])
    assert results[seconds].retry_after == 120.0 and results[seconds].error == "HTTP 429 Too Many Requests"
    assert results[dated].retry_after == 3600.0
    assert results[junk].retry_after is None and results[junk].status == "failed"


async def test_encodings_over_http(feed_server: FeedServer) -> None:
    latin = feed_server.add("/latin", Route(
        body=rss_feed([item(title="Café", guid="c")], encoding="iso-8859-1"),
        content_type="application/rss+xml; charset=ISO-8859-1"))
    cp1252 = feed_server.add("/cp1252", Route(
        body=rss_feed([item(title="“smart” quotes", guid="q")], encoding="windows-1252"),
        content_type="text/xml"))
    results = await poll([latin, cp1252])
    assert results[latin].articles[0].title == "Café"
    assert results[cp1252].articles[0].title == "“smart” quotes"


async def test_connection_refused_is_a_short_message() -> None:
    server = FeedServer()
    url = server.url("/closed")
    server.close()  # never started: the port is closed
    result = await poll_one(url)
    assert result.status == "failed" and result.error == "connection refused"


@pytest.mark.parametrize(("exc", "message"), [
    (httpx.ConnectError("[Errno -2] Name or service not known"), "DNS lookup failed: host not found"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                        "self-signed certificate (_ssl.c:1006)"),
     "TLS error: certificate verify failed: self-signed certificate"),
    (httpx.ReadTimeout("timed out"), "timed out waiting for the server"),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."),
     "the server closed the connection without a complete response"),
])
async def test_transport_errors_become_one_line(exc: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    results = [r async for r in poll_feeds([FeedState("https://feed.example/x")], FAST,
                                           transport=httpx.MockTransport(handler))]
    assert results[0].status == "failed" and results[0].error == message


async def test_invalid_feed_url_fails_cleanly() -> None:
    results = await poll(["ftp://example.com/feed", "not a url"])
    assert all(r.status == "failed" and r.error for r in results.values())


async def test_one_broken_feed_never_stops_the_others_and_results_stream(feed_server: FeedServer) -> None:
    release = threading.Event()

    def held_back(request: Request) -> Route:
        release.wait(5)
        return Route(body=FEED)

    slow = feed_server.add("/slow", Route(handler=held_back))
    urls = [feed_server.add(f"/ok{i}", Route(body=rss_feed([item(guid=f"{i}")]))) for i in range(6)]
    bad = [feed_server.add("/500", Route(status=500)), feed_server.add("/html", Route(
        body=b"<html><body>x</body></html>", content_type="text/html")), feed_server.url("/missing")]
    order = []
    async for result in poll_feeds([FeedState(u) for u in [slow, *urls, *bad]],
                                   PollSettings(timeout=5, concurrency=16, parse_workers=0), now=NOW):
        order.append(result.url)
        if len(order) == len(urls) + len(bad):
            release.set()  # the slow feed answers only once every other result was handed over
    assert order[-1] == slow
    assert sorted(order) == sorted([slow, *urls, *bad])


async def test_big_poll_moves_parsing_to_the_process_pool(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.poll, "POOL_AFTER", 2)
    started: list[int] = []
    original = feeds.poll._Parser.start_pool

    async def start_pool(self: feeds.poll._Parser) -> None:
        started.append(self.workers)  # the pool may come up after the last body: still cleaned up
        await original(self)

    monkeypatch.setattr(feeds.poll._Parser, "start_pool", start_pool)
    urls = [feed_server.add(f"/p{i}", Route(body=rss_feed([item(title=f"T{i}", guid=f"g{i}")])))
            for i in range(8)]
    results = await poll(urls, PollSettings(timeout=10, parse_workers=2))
    assert started == [2]
    assert all(r.status == "ok" and len(r.articles) == 1 for r in results.values())
    assert results[urls[5]].articles[0].title == "T5"


async def test_pool_worker_parses_like_the_thread() -> None:
    parser = feeds.poll._Parser(PollSettings(parse_workers=1), use_pool=True)
    try:
        await parser.start_pool()
        assert parser.pool is not None
        fetched = Fetched(url="https://e.example/f", final_url="https://e.example/f", http_status=200,
                          headers={"content-type": "application/rss+xml"}, body=FEED, new_url=None,
                          etag='"e"', last_modified=None)
        result = await parser.parse(fetched, NOW)
        page = dataclasses.replace(fetched, body=b"<html><body>x</body></html>")
        html = await parser.parse(page, NOW)
    finally:
        await parser.aclose()
    assert result.status == "ok" and [a.guid for a in result.articles] == ["g1", "g2"]
    assert result.etag == '"e"' and result.feed_title == "Loop Wire"
    assert html.status == "failed" and html.error == "not a feed: the server sent an HTML page"


async def test_small_polls_never_start_processes(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(self: object) -> None:
        raise AssertionError("a small poll must parse in the thread")

    monkeypatch.setattr(feeds.poll._Parser, "_new_pool", no_pool)
    urls = [feed_server.add(f"/s{i}", Route(body=FEED)) for i in range(feeds.poll.POOL_AFTER)]
    results = await poll(urls, PollSettings(timeout=5, parse_workers=2))
    assert all(r.status == "ok" for r in results.values())


async def test_tls_failure_is_a_short_message(feed_server: FeedServer) -> None:
    # https:// to a plain-HTTP port: the handshake fails, as with a broken certificate setup.
    feed_server.add("/tls", Route(body=FEED))
    result = await poll_one(feed_server.url("/tls").replace("http://", "https://"))
    assert result.status == "failed" and result.error and result.error.startswith("TLS error: ")
    assert "\n" not in result.error and len(result.error) < 200
