"""feeds.pages against a loopback site: extraction, failures, limits and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime

from feeds.pages import fetch_pages
from feeds.records import PageJob, PageResult, PollSettings
from tests.feeds.article_pages import BODY_SENTENCES, COMMENT_TEXT, article_page
from tests.feedserver import FeedServer, Route

FAST = PollSettings(timeout=2.0, concurrency=4)
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
HTML = "text/html; charset=utf-8"


async def fetch(jobs: list[PageJob], settings: PollSettings = FAST) -> dict[int, PageResult]:
    results = [r async for r in fetch_pages(jobs, settings, now=NOW)]
    assert sorted(r.article_id for r in results) == sorted(j.article_id for j in jobs)
    return {r.article_id: r for r in results}


def page(server: FeedServer, path: str, body: bytes | None = None, **kwargs: object) -> str:
    return server.add(path, Route(body=article_page() if body is None else body, content_type=HTML,
                                  **kwargs))  # type: ignore[arg-type]


async def test_the_page_text_is_extracted_without_its_comments(feed_server: FeedServer) -> None:
    url = page(feed_server, "/a.html")
    result = (await fetch([PageJob(1, url, teaser_chars=40)]))[1]
    assert result.error is None and result.text is not None
    assert all(sentence in result.text for sentence in BODY_SENTENCES)
    assert COMMENT_TEXT not in result.text
    assert "text/html" in feed_server.requests_for("/a.html")[0].headers["accept"]
    assert feed_server.requests_for("/a.html")[0].headers["user-agent"].startswith("partwatch/")


async def test_a_page_that_404s_records_why_and_is_final(feed_server: FeedServer) -> None:
    url = page(feed_server, "/gone.html", body=b"<html><body>Not found</body></html>", status=404)
    result = (await fetch([PageJob(1, url)]))[1]
    assert result.text is None and result.error == "HTTP 404 Not Found" and result.retry is False


async def test_a_server_error_may_be_tried_again(feed_server: FeedServer) -> None:
    url = page(feed_server, "/busy.html", body=b"oops", status=503)
    result = (await fetch([PageJob(1, url)]))[1]
    assert result.error == "HTTP 503 Service Unavailable" and result.retry is True


async def test_a_page_over_max_bytes_is_refused(feed_server: FeedServer) -> None:
    big = article_page(tuple(f"Sentence {i} about Azure and AWS." for i in range(5000)))
    url = page(feed_server, "/big.html", body=big)
    streamed = feed_server.add("/stream.html", Route(stream_bytes=200_000, content_type=HTML))
    settings = PollSettings(timeout=2.0, concurrency=4, max_bytes=50_000)
    results = await fetch([PageJob(1, url), PageJob(2, streamed)], settings)
    for result in results.values():
        assert result.text is None and result.retry is False
        assert result.error == "response larger than 50000 bytes (max_bytes)"


async def test_robots_txt_disallow_is_honoured(feed_server: FeedServer) -> None:
    feed_server.add("/robots.txt", Route(body=b"User-agent: partwatch\nDisallow: /private/\n\n"
                                         b"User-agent: *\nDisallow: /\n", content_type="text/plain"))
    blocked = page(feed_server, "/private/a.html")
    allowed = page(feed_server, "/public/b.html")
    other = page(feed_server, "/c.html")
    results = await fetch([PageJob(1, blocked), PageJob(2, allowed), PageJob(3, other)])
    assert results[1].text is None and results[1].retry is False
    assert results[1].error == "robots.txt disallows this page for partwatch"
    assert results[2].text is not None and results[3].text is not None
    assert feed_server.hits("/private/a.html") == 0
    assert feed_server.hits("/robots.txt") == 1          # cached per host, shared by concurrent pages


async def test_a_robots_txt_that_404s_allows_everything(feed_server: FeedServer) -> None:
    url = page(feed_server, "/a.html")                   # no /robots.txt route: the server 404s
    assert (await fetch([PageJob(1, url)]))[1].text is not None
    assert feed_server.hits("/robots.txt") == 1


async def test_a_robots_txt_that_fails_blocks_the_host_and_says_why(feed_server: FeedServer) -> None:
    feed_server.add("/robots.txt", Route(body=b"down", status=500, content_type="text/plain"))
    url = page(feed_server, "/a.html")
    result = (await fetch([PageJob(1, url)]))[1]
    assert result.text is None and result.retry is True
    assert result.error == ("robots.txt could not be fetched (HTTP 500 Internal Server Error); "
                            "page not fetched")
    assert feed_server.hits("/a.html") == 0


async def test_a_robots_txt_that_forbids_robots_blocks_the_host(feed_server: FeedServer) -> None:
    feed_server.add("/robots.txt", Route(body=b"no", status=403, content_type="text/plain"))
    result = (await fetch([PageJob(1, page(feed_server, "/a.html"))]))[1]
    assert result.error == "robots.txt answered HTTP 403: the site refuses robots" and not result.retry


async def test_a_timeout_fails_the_page_only(feed_server: FeedServer) -> None:
    slow = feed_server.add("/slow.html", Route(hang=True, content_type=HTML))
    fine = page(feed_server, "/fine.html")
    settings = PollSettings(timeout=0.5, concurrency=4)
    results = await fetch([PageJob(1, slow), PageJob(2, fine)], settings)
    assert results[1].error == "timed out after 0.5 s" and results[1].retry is True
    assert results[2].text is not None


async def test_hostile_pages_fail_alone(feed_server: FeedServer) -> None:
    deep = page(feed_server, "/deep.html", body=b"<html><body>" + b"<div>" * 200_000 + b"<p>x")
    binary = feed_server.add("/bin", Route(body=bytes(range(256)) * 100, content_type=None))
    pdf = feed_server.add("/doc.pdf", Route(body=b"%PDF-1.7", content_type="application/pdf"))
    fine = page(feed_server, "/fine.html")
    results = await fetch([PageJob(1, deep), PageJob(2, binary), PageJob(3, pdf), PageJob(4, fine)])
    assert results[1].error == "no article text found on the page" and not results[1].retry
    assert results[2].error == "no article text found on the page"
    assert results[3].error == "not an HTML page (Content-Type application/pdf)"
    assert results[4].text is not None and BODY_SENTENCES[0] in results[4].text


async def test_the_robots_txt_of_a_redirects_host_is_honoured_before_the_hop(feed_server: FeedServer) -> None:
    other = FeedServer().start()
    try:
        rules = b"User-agent: *\nDisallow: /private/\n"
        other.add("/robots.txt", Route(body=rules, content_type="text/plain"))
        page(other, "/private/a.html")
        page(other, "/public/b.html")
        blocked = feed_server.add("/r1", Route(status=302, location=other.url("/private/a.html")))
        allowed = feed_server.add("/r2", Route(status=302, location=other.url("/public/b.html")))
        results = await fetch([PageJob(1, blocked), PageJob(2, allowed)])
        assert results[1].error == "robots.txt disallows this page for partwatch" and not results[1].retry
        assert results[2].text is not None
        assert other.hits("/private/a.html") == 0 and other.hits("/robots.txt") == 1
    finally:
        other.close()
