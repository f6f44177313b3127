"""Full text for summary-only feeds, end to end: `partwatch poll` on a loopback site whose feed
carries teasers and whose article pages carry the text (issue #7)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from store import desk as store_desk
from store.articles import all_articles
from store.db import open_db
from store.partnerships import article_ids_for
from store.reading import article as read_article
from store.records import Article
from tests.feeds.article_pages import BODY_SENTENCES, COMMENT_TEXT, article_page
from tests.feedserver import FeedServer, Route, item, rss_feed
from tests.partwatch.conftest import Partwatch

Runner = Callable[[str], Partwatch]
HTML = "text/html; charset=utf-8"
PARTNERSHIP = """
[[partnerships]]
id = "openai-aws"
name = "OpenAI and AWS"
parties = { OpenAI = ["Open AI"], Amazon = ["AWS", "Amazon Web Services"] }
"""


def config(*feeds: str, full_text: bool = True, max_pages: int = 10, max_bytes: int = 5_000_000) -> str:
    entries = "".join(f'[[feeds]]\nurl = "{url}"\nfull_text = {str(full_text).lower()}\n' for url in feeds)
    return (f"[poll]\nmin_interval = 0\ntimeout = 5\nmax_bytes = {max_bytes}\n"
            f"full_text_max_pages = {max_pages}\n{entries}{PARTNERSHIP}")


def serve_feed(server: FeedServer, path: str, items: list[tuple[str, str, str]],
               teaser: str | None = "Read the story.") -> str:
    """A feed of (guid, title, page path) items whose description is a one-line teaser."""
    body = rss_feed([item(title=title, guid=guid, link=server.url(page), description=teaser,
                          date=f"Thu, 19 Mar 2026 {10 + n:02d}:00:00 GMT")
                     for n, (guid, title, page) in enumerate(items)])
    return server.add(path, Route(body=body))


def serve_page(server: FeedServer, path: str, body: bytes | None = None, status: int = 200) -> None:
    server.add(path, Route(body=article_page() if body is None else body, status=status, content_type=HTML))


def stored(db_path: Path) -> dict[str, Article]:
    db = open_db(db_path)
    try:
        return {a.guid: a for a in all_articles(db)}
    finally:
        db.conn.close()


def test_the_page_text_replaces_the_teaser_which_is_kept(feed_server: FeedServer, partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "OpenAI's AWS deal", "/a.html")])
    serve_page(feed_server, "/a.html")
    pw = partwatch(config(feed))
    result = pw("poll", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["full_text"] == {"fetched": 1, "failed": 0, "errors": []}
    article = stored(pw.db)["g1"]
    assert all(sentence in article.text for sentence in BODY_SENTENCES)
    assert COMMENT_TEXT not in article.text
    assert article.teaser == "Read the story." and article.full_text_error is None
    db = open_db(pw.db)
    try:
        shown = read_article(db, article.id)            # what the dashboard's reader pane shows
        facts = store_desk.facts_for(db, "openai-aws")
    finally:
        db.conn.close()
    assert shown is not None and BODY_SENTENCES[0] in shown.text
    # The dated fact is only in the page: the desk read the full text, not the teaser.
    assert [(f.date.isoformat()[:7], f.sentence) for f in facts] == [("2026-02", BODY_SENTENCES[0])]


def test_a_page_that_404s_keeps_the_teaser_and_records_why(feed_server: FeedServer,
                                                          partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "OpenAI's AWS deal", "/missing.html"),
                                              ("g2", "Another", "/a.html")])
    serve_page(feed_server, "/a.html")
    pw = partwatch(config(feed))
    result = pw("poll")
    assert result.exit_code == 0, result.output          # a page is not a feed: the poll succeeded
    assert "full text: 1 pages fetched, 1 failed" in result.stdout
    assert f"full text failed: {feed_server.url('/missing.html')}: HTTP 404 Not Found" in result.stdout
    article = stored(pw.db)["g1"]
    assert article.text == "Read the story." and article.teaser is None
    assert article.full_text_error == "HTTP 404 Not Found"
    listed = json.loads(pw("feeds", "list", "--json").stdout)[0]
    assert listed["full_text_pages"] == {"fetched": 1, "failed": 1, "waiting": 0,
                                         "last_error": "HTTP 404 Not Found"}
    assert "full text: 1 fetched, 1 failed, 0 waiting; last error: HTTP 404 Not Found" in pw("feeds").stdout
    assert pw("poll", "--quiet").stdout == ""             # cron mails nothing about pages
    assert feed_server.hits("/missing.html") == 1         # a 404 is final: never asked again


def test_a_page_over_max_bytes_keeps_the_teaser(feed_server: FeedServer, partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "Big", "/big.html")])
    serve_page(feed_server, "/big.html", article_page(tuple(f"Sentence {i} on AWS." for i in range(5000))))
    pw = partwatch(config(feed, max_bytes=60_000))
    summary = json.loads(pw("poll", "--json").stdout)
    assert summary["full_text"]["errors"] == [{"url": feed_server.url("/big.html"),
                                               "error": "response larger than 60000 bytes (max_bytes)"}]
    assert stored(pw.db)["g1"].text == "Read the story."


def test_at_most_max_pages_per_feed_per_poll_newest_first_and_never_refetched(
        feed_server: FeedServer, partwatch: Runner) -> None:
    items = [(f"g{n}", f"Story {n}", f"/p{n}.html") for n in range(5)]
    feed = serve_feed(feed_server, "/f.xml", items)
    for _, _, page in items:
        serve_page(feed_server, page)
    pw = partwatch(config(feed, max_pages=2))
    fetched = []
    for _ in range(4):
        summary = json.loads(pw("poll", "--json").stdout)
        fetched.append(summary["full_text"]["fetched"])
    assert fetched == [2, 2, 1, 0]
    assert [feed_server.hits(page) for _, _, page in items] == [1, 1, 1, 1, 1]
    first = [r.path for r in feed_server.requests if r.path.startswith("/p")][:2]
    assert sorted(first) == ["/p3.html", "/p4.html"]     # the newest entries first
    assert all(a.teaser == "Read the story." for a in stored(pw.db).values())


def test_feeds_without_full_text_fetch_no_page(feed_server: FeedServer, partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "OpenAI's AWS deal", "/a.html")])
    serve_page(feed_server, "/a.html")
    pw = partwatch(config(feed, full_text=False))
    summary = json.loads(pw("poll", "--json").stdout)
    assert summary["full_text"]["fetched"] == 0
    assert feed_server.hits("/a.html") == 0 and feed_server.hits("/robots.txt") == 0


def test_robots_txt_disallow_keeps_the_teaser(feed_server: FeedServer, partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "OpenAI's AWS deal", "/a.html")])
    serve_page(feed_server, "/a.html")
    feed_server.add("/robots.txt", Route(body=b"User-agent: *\nDisallow: /a.html\n",
                                         content_type="text/plain"))
    pw = partwatch(config(feed))
    pw("poll")
    assert feed_server.hits("/a.html") == 0
    assert stored(pw.db)["g1"].full_text_error == "robots.txt disallows this page for partwatch"


@pytest.mark.parametrize("full_text", [True, False])
def test_dedupe_folds_syndicated_copies_by_their_full_text(feed_server: FeedServer, partwatch: Runner,
                                                           full_text: bool) -> None:
    """Two outlets' teasers say nothing alike; their pages carry the same wire copy."""
    one = serve_feed(feed_server, "/one.xml", [("a", "AWS invests $50 billion in OpenAI", "/one.html")])
    two = serve_feed(feed_server, "/two.xml", [("b", "Frontier talks: what the AWS money buys", "/two.html")])
    serve_page(feed_server, "/one.html")
    serve_page(feed_server, "/two.html")
    pw = partwatch(config(one, two, full_text=full_text))
    assert pw("poll").exit_code == 0
    stories = json.loads(pw("stories", "--json").stdout)
    assert len(stories) == (1 if full_text else 2)


def test_trafilatura_is_imported_only_when_a_poll_has_pages_to_extract(
        feed_server: FeedServer, write_config: Callable[..., Path], tmp_path: Path) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "OpenAI's AWS deal", "/a.html")])
    serve_page(feed_server, "/a.html")
    plain_config = write_config(config(feed, full_text=False), name="plain.toml")
    full_config = write_config(config(feed), name="full.toml")
    code = (
        "import sys; from click.testing import CliRunner; from partwatch.cli import main\n"
        "for path, db in ((sys.argv[1], sys.argv[3]), (sys.argv[2], sys.argv[4])):\n"
        "    result = CliRunner().invoke(main, ['--config', path, '--db', db, 'poll', '--json'])\n"
        "    assert result.exit_code == 0, result.output\n"
        "    print('trafilatura' in sys.modules, 'lxml' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(plain_config), str(full_config),
                             str(tmp_path / "plain.db"), str(tmp_path / "full.db")],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split("\n")[:2] == ["False False", "True True"], result.stdout + result.stderr


def test_text_arriving_on_a_later_poll_retags_the_article_like_an_update(
        feed_server: FeedServer, partwatch: Runner) -> None:
    feed = serve_feed(feed_server, "/f.xml", [("g1", "Cloud deal", "/a.html")])
    serve_page(feed_server, "/a.html", b"busy", status=503)
    pw = partwatch(config(feed))
    first = json.loads(pw("poll", "--json").stdout)
    assert first["full_text"]["errors"] == [{"url": feed_server.url("/a.html"),
                                             "error": "HTTP 503 Service Unavailable"}]
    [article_id] = [a.id for a in stored(pw.db).values()]

    def desk() -> tuple[list[int], list[str]]:
        db = open_db(pw.db)
        try:
            return (article_ids_for(db, "openai-aws"),
                    [f.sentence for f in store_desk.facts_for(db, "openai-aws")])
        finally:
            db.conn.close()

    assert desk() == ([], [])                      # the teaser names neither party
    serve_page(feed_server, "/a.html")             # the page is back: tried again (503 may pass)
    second = json.loads(pw("poll", "--json").stdout)
    assert second["full_text"]["fetched"] == 1 and second["new_articles"] == 0
    assert desk() == ([article_id], [BODY_SENTENCES[0]])
    pw("poll", "--json")
    assert desk() == ([article_id], [BODY_SENTENCES[0]])      # nothing doubled, nothing refetched
    assert feed_server.hits("/a.html") == 2


def test_the_story_summary_is_the_teaser_or_the_full_text_when_the_feed_gave_none(
        feed_server: FeedServer, partwatch: Runner) -> None:
    one = serve_feed(feed_server, "/one.xml", [("a", "OpenAI and AWS sign a deal", "/a.html")],
                     teaser="OpenAI and AWS teaser.")
    two = serve_feed(feed_server, "/two.xml", [("b", "Frontier goes to Bedrock", "/b.html")], teaser=None)
    serve_page(feed_server, "/a.html")
    serve_page(feed_server, "/b.html", article_page(BODY_SENTENCES[:1], title="Frontier goes to Bedrock"))
    pw = partwatch(config(one, two))
    assert pw("poll").exit_code == 0
    db = open_db(pw.db)
    try:
        summaries = {ref.title: ref.summary for ref in store_desk.story_refs(db, "openai-aws")}
    finally:
        db.conn.close()
    assert summaries["OpenAI and AWS sign a deal"] == "OpenAI and AWS teaser."
    assert summaries["Frontier goes to Bedrock"].startswith("Frontier goes to Bedrock\nOpenAI and Amazon")
