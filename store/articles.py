"""Articles: idempotent storing of parsed entries and the read helpers other packages use.

Storing is an upsert by (feed_id, guid), written as plain SQL rather than sqlite-utils'
upsert_all because the caller must learn which rows are new and which changed (stories and the
desk only reprocess those), and because an unchanged entry, the common case on every re-poll,
must cost no write at all: we compare content hashes first and touch only what differs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from feeds.records import ParsedArticle
from store.db import transaction
from store.records import Article
from store.search_index import index_range
from store.timefmt import from_db, to_db

# SQLite's default limit on bound parameters is 999 on old builds; stay well below it.
_CHUNK = 500

ARTICLE_COLUMNS = """
    a.id, a.feed_id, COALESCE(f.name, f.title, f.url) AS feed, a.guid, a.url, a.canonical_url,
    a.title, COALESCE(a.full_text, a.text), a.author, a.published, a.first_seen, a.updated, a.read_at,
    CASE WHEN a.full_text IS NOT NULL THEN a.text END, a.full_text_error
"""
"""`text` is the page's extracted text when a full_text feed got it (store/full_text.py), else
the feed's; the feed's own text is then `teaser`."""
ARTICLE_FROM = "articles a JOIN feeds f ON f.id = a.feed_id"


def row_to_article(row: Sequence[Any]) -> Article:
    """An Article from a row selected with ARTICLE_COLUMNS (other store modules reuse both)."""
    return Article(
        id=row[0], feed_id=row[1], feed=row[2], guid=row[3], url=row[4], canonical_url=row[5],
        title=row[6], text=row[7], author=row[8], published=from_db(row[9]),
        first_seen=from_db(row[10]), updated=from_db(row[11]), read=row[12] is not None,
        teaser=row[13], full_text_error=row[14],
    )


def store_articles(db: sqlite_utils.Database, feed_id: int, articles: Sequence[ParsedArticle],
                   now: datetime, *, defer_index: bool = False) -> tuple[list[int], list[int]]:
    """Insert new entries and update changed ones; return (new_ids, updated_ids).

    An entry whose guid is already stored for this feed with the same content_hash is skipped
    without a write; with a different hash its row is updated in place (same id, so stories
    and evidence pointing at it stay valid) and `first_seen` is kept. A guid repeated within
    one batch keeps its first occurrence, as feeds list newest first. `published` falls back to
    `now` (the first-seen time) when the feed gave no date. Runs in one transaction, joining
    the caller's if one is open, so a batch is stored whole or not at all. New rows are
    searchable at once unless `defer_index`: then they wait in fts_pending for
    store.search_index.index_pending (the poll's writer, which must not spend its CPU on it).
    """
    batch: dict[str, ParsedArticle] = {}
    for article in articles:
        batch.setdefault(article.guid, article)
    if not batch:
        return [], []
    stamp = to_db(now)
    inserts: list[tuple[Any, ...]] = []
    updated_ids: list[int] = []
    with transaction(db):
        conn = db.conn
        existing = _existing(conn, feed_id, list(batch))
        for guid, article in batch.items():
            published = to_db(article.published) if article.published is not None else None
            known = existing.get(guid)
            if known is None:
                inserts.append((feed_id, guid, article.url, article.canonical_url, article.title,
                                article.text, article.author, published or stamp, stamp, stamp,
                                article.content_hash))
            elif known[1] != article.content_hash:
                conn.execute(
                    "UPDATE articles SET url = ?, canonical_url = ?, title = ?, text = ?, author = ?,"
                    " published = COALESCE(?, published), updated = ?, content_hash = ? WHERE id = ?",
                    (article.url, article.canonical_url, article.title, article.text, article.author,
                     published, stamp, article.content_hash, known[0]),
                )
                updated_ids.append(known[0])
        new_ids = _insert(conn, inserts)
        if new_ids and not defer_index:
            index_range(conn, new_ids[0], new_ids[-1])
    return new_ids, updated_ids


def _insert(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert `rows` with one executemany and return their ids, in order.

    The ids are given explicitly as max(id)+1, +2, ...: what SQLite itself assigns to a rowid
    table without AUTOINCREMENT, and safe because the caller's transaction holds the write lock
    (BEGIN IMMEDIATE), so no other connection can insert in between. One call instead of one
    `execute` per row saves a cursor, a statement-cache lookup and the Python around them per
    row: work done holding the GIL, which the poll's event loop needs (partwatch/polling.py).
    """
    if not rows:
        return []
    first = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0])
    ids = list(range(first, first + len(rows)))
    conn.executemany(
        "INSERT INTO articles (id, feed_id, guid, url, canonical_url, title, text, author, published,"
        " first_seen, updated, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(article_id, *row) for article_id, row in zip(ids, rows, strict=True)],
    )
    return ids


def _existing(conn: sqlite3.Connection, feed_id: int, guids: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(guids), _CHUNK):
        chunk = guids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for article_id, guid, content_hash in conn.execute(
            f"SELECT id, guid, content_hash FROM articles WHERE feed_id = ? AND guid IN ({marks})",
            (feed_id, *chunk),
        ):
            found[guid] = (article_id, content_hash)
    return found


def get_articles(db: sqlite_utils.Database, ids: Iterable[int]) -> list[Article]:
    """The articles with these ids, in the order given; unknown ids are left out."""
    wanted = list(dict.fromkeys(ids))
    by_id: dict[int, Article] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in db.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} WHERE a.id IN ({marks})", chunk
        ):
            article = row_to_article(row)
            by_id[article.id] = article
    return [by_id[i] for i in wanted if i in by_id]


def get_article(db: sqlite_utils.Database, article_id: int) -> Article | None:
    found = get_articles(db, [article_id])
    return found[0] if found else None


def count_articles(db: sqlite_utils.Database, feed_id: int | None = None) -> int:
    if feed_id is None:
        return int(db.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    return int(db.conn.execute("SELECT COUNT(*) FROM articles WHERE feed_id = ?", (feed_id,)).fetchone()[0])


def iter_articles(db: sqlite_utils.Database, after_id: int = 0, limit: int = 1000) -> list[Article]:
    """One keyset page: up to `limit` articles with id > `after_id`, in id order.

    Keyset rather than OFFSET so that page N costs the same as page 1 on a big table; pass the
    last id of a page as `after_id` for the next one.
    """
    rows = db.conn.execute(
        f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} WHERE a.id > ? ORDER BY a.id LIMIT ?",
        (after_id, limit),
    )
    return [row_to_article(row) for row in rows]


def all_articles(db: sqlite_utils.Database, page: int = 1000) -> Iterator[Article]:
    """Every article in id order, read a keyset page at a time to bound memory."""
    after = 0
    while True:
        batch = iter_articles(db, after, page)
        if not batch:
            return
        yield from batch
        after = batch[-1].id


def recent_articles(db: sqlite_utils.Database, limit: int = 100) -> list[Article]:
    """The newest articles by published time (newest first), for listings such as the demo."""
    rows = db.conn.execute(
        f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} ORDER BY a.published DESC, a.id DESC LIMIT ?",
        (limit,),
    )
    return [row_to_article(row) for row in rows]
