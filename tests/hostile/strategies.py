"""Hypothesis strategies for feed documents: RSS 2.0, RSS 1.0, Atom and JSON Feed, with hostile
text, odd dates and links, random (and wrongly declared) encodings, then byte-level mutations.

Shared by tests/hostile/test_fuzz.py (a few seconds) and bench/fuzz.py (as long as you like).
`check_parse_to_store` is the property both run: parse_feed -> store_articles into a fresh
memory_db() never raises anything but NotAFeed, and what is stored is sane.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from feeds.parse import EARLIEST, FUTURE_SLACK, NotAFeed, parse_feed
from store.articles import all_articles, store_articles
from store.db import memory_db
from store.feeds import add_feed
from tests.hostile.cli import UNSAFE

FIRST_SEEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
ENCODINGS = ["utf-8", "utf-16", "latin-1", "windows-1252", "koi8-r", "shift_jis", "iso-8859-7", "ascii"]

nasty = st.sampled_from([
    "\x1b[31m", "\x1b]8;;https://evil.example\x07", "\x1b]0;title\x07", "\x00", "\u202e", "\u200b", "\ufeff",
    "[bold]", "[/]", "[@click=app.quit]", "<script>alert(1)</script>", "<img src=x>", "&amp;", "&#27;",
    "&lol;", "]]>", "<![CDATA[", "\r\n", "\x85", "\u2028", "\x9b", "<!--", "-->", "&#xD800;", "\ud7ff",
])
text = st.lists(st.one_of(st.text(max_size=12), nasty), max_size=6).map("".join)
years = st.integers(min_value=1, max_value=9999)
moments = st.builds(
    lambda y, days, secs: datetime(y, 1, 1, tzinfo=UTC) + timedelta(days=days, seconds=secs),
    years, st.integers(0, 364), st.integers(0, 86_399),
)
dates = st.one_of(
    moments.map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+14:00")),
    st.sampled_from(["", "yesterday", "Mon, 31 Feb 2026 25:61:00 +9999", "0000-00-00T00:00:00Z",
                     "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-13-45", "-1", "1e309"]),
    text,
)
links = st.one_of(
    st.sampled_from(["https://example.com/a", "http://example.com/b?utm_source=x#frag", "/relative/path",
                     "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "JAVASCRIPT:x", "",
                     "http://", "https://[::1", "mailto:a@b", " https://example.com/ws "]),
    text,
)
entries = st.fixed_dictionaries(
    {"title": text, "body": text, "link": links, "date": dates},
    optional={"guid": st.one_of(st.sampled_from(["same", "same", "", " "]), text), "author": text},
)


def _rss2(feed_title: str, items: list[dict[str, Any]]) -> str:
    parts = []
    for e in items:
        bits = [f"<title>{escape(e['title'])}</title>", f"<link>{escape(e['link'])}</link>",
                f"<pubDate>{escape(e['date'])}</pubDate>", f"<description>{escape(e['body'])}</description>"]
        if "guid" in e:
            bits.append(f"<guid>{escape(e['guid'])}</guid>")
        if "author" in e:
            bits.append(f"<author>{escape(e['author'])}</author>")
        parts.append("<item>" + "".join(bits) + "</item>")
    return (f'<rss version="2.0"><channel><title>{escape(feed_title)}</title>' + "".join(parts)
            + "</channel></rss>")


def _atom(feed_title: str, items: list[dict[str, Any]]) -> str:
    parts = []
    for e in items:
        bits = [f'<title type="html">{escape(e["title"])}</title>', f"<link href={quoteattr(e['link'])}/>",
                f"<updated>{escape(e['date'])}</updated>",
                f'<content type="html">{escape(e["body"])}</content>']
        if "guid" in e:
            bits.append(f"<id>{escape(e['guid'])}</id>")
        parts.append("<entry>" + "".join(bits) + "</entry>")
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(feed_title)}</title>'
            + "".join(parts) + "</feed>")


def _rss1(feed_title: str, items: list[dict[str, Any]]) -> str:
    parts = [
        f"<item rdf:about={quoteattr(e.get('guid', e['link']))}><title>{escape(e['title'])}</title>"
        f"<link>{escape(e['link'])}</link><dc:date>{escape(e['date'])}</dc:date>"
        f"<description>{escape(e['body'])}</description></item>"
        for e in items
    ]
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(feed_title)}</title></channel>" + "".join(parts) + "</rdf:RDF>")


def _json(feed_title: str, items: list[dict[str, Any]]) -> str:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": feed_title,
        "items": [{"id": e.get("guid", ""), "url": e["link"], "title": e["title"], "content_html": e["body"],
                   "date_published": e["date"], "authors": [{"name": e.get("author", "")}]} for e in items],
    })


DIALECTS = {"rss2": _rss2, "atom": _atom, "rss1": _rss1, "json": _json}


@st.composite
def feed_documents(draw: st.DrawFn) -> tuple[bytes, str]:
    """(body, content type): a feed of 0-8 entries, encoded, maybe declared wrongly, maybe mutated."""
    dialect = draw(st.sampled_from(sorted(DIALECTS)))
    doc = DIALECTS[dialect](draw(text), draw(st.lists(entries, max_size=8)))
    sent = draw(st.sampled_from(ENCODINGS))
    if dialect == "json":
        body = doc.encode("utf-8")
        ctype = draw(st.sampled_from(["application/feed+json", "application/json", ""]))
    else:
        declared = draw(st.one_of(st.just(sent), st.sampled_from(ENCODINGS)))
        prolog = f'<?xml version="1.0" encoding="{declared}"?>\n' if draw(st.booleans()) else ""
        body = (prolog + doc).encode(sent, "xmlcharrefreplace" if sent != "utf-16" else "surrogatepass")
        charset = draw(st.one_of(st.none(), st.sampled_from(ENCODINGS)))
        ctype = "application/rss+xml" + (f"; charset={charset}" if charset else "")
    return draw(mutated(body)), ctype


@st.composite
def mutated(draw: st.DrawFn, body: bytes) -> bytes:
    """The body unchanged, cut short, with bytes flipped, inserted or removed."""
    kind = draw(st.sampled_from(["none", "none", "truncate", "flip", "insert", "delete"]))
    if kind == "none" or not body:
        return body
    at = draw(st.integers(0, len(body) - 1))
    if kind == "truncate":
        return body[:at]
    if kind == "flip":
        return body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1:]
    if kind == "insert":
        return body[:at] + draw(st.binary(min_size=1, max_size=16)) + body[at:]
    return body[:at] + body[at + draw(st.integers(1, 64)):]


def check_parse_to_store(body: bytes, ctype: str) -> int:
    """The property: parse then store; returns how many articles were stored."""
    try:
        parsed = parse_feed(body, "https://fuzz.example/feed.xml", {"content-type": ctype}, FIRST_SEEN)
    except NotAFeed:
        return 0
    db = memory_db()
    try:
        feed = add_feed(db, "https://fuzz.example/feed.xml", FIRST_SEEN)
        new_ids, _ = store_articles(db, feed.id, parsed.articles, FIRST_SEEN)
        again, changed = store_articles(db, feed.id, parsed.articles, FIRST_SEEN)
        assert (again, changed) == ([], [])                      # storing is idempotent
        stored = list(all_articles(db))
        assert len(stored) == len(new_ids) == len({a.guid for a in parsed.articles})
        for (published,) in db.execute("SELECT published FROM articles"):
            assert STAMP.fullmatch(published), published
        for article in stored:
            assert article.guid.strip()
            assert article.title.strip() and not UNSAFE.search(article.title)
            assert not UNSAFE.search(article.text)
            assert article.published.utcoffset() == timedelta(0)
            assert EARLIEST <= article.published <= FIRST_SEEN + FUTURE_SLACK
            for link in (article.url, article.canonical_url):
                assert link is None or link.lower().startswith(("http://", "https://")), link
        return len(stored)
    finally:
        db.conn.close()
