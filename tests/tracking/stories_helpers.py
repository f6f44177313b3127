"""Builders for the story tests: a store with feeds and articles, and the demo feeds loaded."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from feeds.parse import parse_feed
from feeds.records import ParsedArticle
from partwatch.config import Config, load_config
from store.articles import store_articles
from store.feeds import add_feed, get_feed
from tracking.model import DedupeSettings

DEMO = Path(__file__).resolve().parents[2] / "partwatch" / "demo"
SEEN = datetime(2026, 11, 30, tzinfo=UTC)


def parsed(guid: str, title: str, text: str, published: datetime, url: str | None = None) -> ParsedArticle:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    link = url or f"https://example.com/{guid}"
    return ParsedArticle(
        guid=guid,
        url=link,
        canonical_url=link,
        title=title,
        text=text,
        author=None,
        published=published,
        content_hash=digest,
    )


def feed_id(db: sqlite_utils.Database, name: str) -> int:
    url = f"https://{name.lower().replace(' ', '')}.example/feed"
    found = get_feed(db, url)
    if found is None:
        found = add_feed(db, url, SEEN, name=name)
    return found.id


def add(db: sqlite_utils.Database, outlet: str, items: Sequence[ParsedArticle]) -> list[int]:
    new, updated = store_articles(db, feed_id(db, outlet), items, SEEN)
    return new + updated


def config(tmp_path: Path, **dedupe: object) -> Config:
    cfg = load_config(DEMO / "config.toml", tmp_path / "stories.db")
    return replace(cfg, dedupe=replace(DedupeSettings(), **dedupe)) if dedupe else cfg


def load_demo(db: sqlite_utils.Database, cfg: Config) -> dict[str, int]:
    """Parse every bundled demo feed and store it; return guid -> article id."""
    ids: dict[str, int] = {}
    for spec in cfg.feeds:
        slug = spec.url.rsplit("/", 1)[-1]
        body = (DEMO / "feeds" / slug).read_bytes()
        result = parse_feed(body, spec.url, {"content-type": "application/xml"}, SEEN)
        fid = feed_id(db, spec.name or slug)
        store_articles(db, fid, result.articles, SEEN)
        for guid, article_id in db.conn.execute("SELECT guid, id FROM articles WHERE feed_id = ?", (fid,)):
            ids[guid] = int(article_id)
    return ids
