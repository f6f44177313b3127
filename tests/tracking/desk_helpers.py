"""Builders for the desk's tests: the bundled demo feeds loaded into a database without HTTP,
and hand-written articles."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from feeds.parse import parse_feed
from feeds.records import ParsedArticle
from partwatch.config import Config, load_config
from store.articles import store_articles
from store.feeds import add_feed

DEMO = Path(__file__).resolve().parents[2] / "partwatch" / "demo"
SEEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def demo_config(db_path: Path | None = None) -> Config:
    return load_config(DEMO / "config.toml", db_path)


def load_demo_feeds(db: sqlite_utils.Database, seen: datetime = SEEN) -> list[int]:
    """Parse every bundled feed file and store it; returns the new article ids."""
    ids: list[int] = []
    for path in sorted((DEMO / "feeds").glob("*.xml")):
        url = f"http://127.0.0.1/{path.name}"
        feed = add_feed(db, url, seen)
        parsed = parse_feed(path.read_bytes(), url, {"content-type": "application/xml"}, seen)
        new, _ = store_articles(db, feed.id, parsed.articles, seen)
        if parsed.title:
            db.conn.execute("UPDATE feeds SET title = ? WHERE id = ?", (parsed.title, feed.id))
        ids += new
    return ids


def guid_ids(db: sqlite_utils.Database) -> dict[str, int]:
    return {str(guid): int(i) for i, guid in db.conn.execute("SELECT id, guid FROM articles")}


def make_article(guid: str, title: str, text: str, published: datetime) -> ParsedArticle:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return ParsedArticle(guid=guid, url=f"https://news.example/{guid}", canonical_url=f"https://news.example/{guid}",
                         title=title, text=text, author=None, published=published, content_hash=digest)


def store_hand_written(db: sqlite_utils.Database, feed_name: str, articles: list[ParsedArticle],
                       seen: datetime = SEEN) -> list[int]:
    url = f"https://{feed_name.lower().replace(' ', '')}.example/feed"
    feed = add_feed(db, url, seen, name=feed_name)
    new, _ = store_articles(db, feed.id, articles, seen)
    return new


_DEMO_DESK: list[sqlite_utils.Database] = []


def demo_desk() -> tuple[sqlite_utils.Database, Config]:
    """A private copy of a database holding the demo feeds after a desk refresh. The original
    is built once per test process (parsing and analysing the feeds is the slow part)."""
    from partwatch import desk_sync
    from store.db import memory_db

    config = demo_config()
    if not _DEMO_DESK:
        built = memory_db()
        desk_sync.refresh(built, config, load_demo_feeds(built))
        _DEMO_DESK.append(built)
    copy = memory_db()
    _DEMO_DESK[0].conn.backup(copy.conn)
    return copy, config
