"""What the dashboard reads and the little it writes: keyset pages of articles, counts, reading
state, and the database's change counter.

Every list is read in keyset pages (`after` = the last row of the previous page) so the cost of
a page does not grow with how far the user has scrolled, and no query ever loads a whole table.
Reading state is `articles.read_at`: NULL until the user opens the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from store.records import Article
from store.timefmt import from_db, to_db

_OUTLET = "coalesce(f.name, f.title, f.url)"


@dataclass(frozen=True)
class ArticleLine:
    """One line of an article list: enough to draw it, and the key of the next page."""

    id: int
    feed: str
    title: str
    published: datetime
    url: str | None
    read: bool


@dataclass(frozen=True)
class Counts:
    articles: int
    unread: int
    feeds: int


def data_version(db: sqlite_utils.Database) -> int:
    """SQLite's per-connection change counter: it moves when another connection commits."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return row is not None


def _line(row: tuple[object, ...]) -> ArticleLine:
    return ArticleLine(id=int(str(row[0])), feed=str(row[1]), title=str(row[2]),
                       published=from_db(str(row[3])), url=None if row[4] is None else str(row[4]),
                       read=bool(row[5]))


def article_page(db: sqlite_utils.Database, *, after: ArticleLine | None = None, limit: int = 500,
                 partnership: str | None = None, unread_only: bool = False) -> list[ArticleLine]:
    """Articles newest first, `limit` of them after `after` (keyset on (published, id))."""
    where: list[str] = []
    params: list[object] = []
    if after is not None:
        where.append("(a.published, a.id) < (?, ?)")
        params += [to_db(after.published), after.id]
    if unread_only:
        where.append("a.read_at IS NULL")
    if partnership is not None:
        if not _has_table(db, "article_partnerships"):
            return []
        where.append("a.id IN (SELECT article_id FROM article_partnerships WHERE partnership = ?)")
        params.append(partnership)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = (f"SELECT a.id, {_OUTLET}, a.title, a.published, a.url, a.read_at IS NOT NULL "
           f"FROM articles a JOIN feeds f ON f.id = a.feed_id {clause} "
           "ORDER BY a.published DESC, a.id DESC LIMIT ?")
    return [_line(row) for row in db.execute(sql, [*params, limit]).fetchall()]


def article_lines(db: sqlite_utils.Database, ids: list[int]) -> list[ArticleLine]:
    """The lines for these article ids, newest first (for search results and story members)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    sql = (f"SELECT a.id, {_OUTLET}, a.title, a.published, a.url, a.read_at IS NOT NULL "
           f"FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id IN ({marks}) "
           "ORDER BY a.published DESC, a.id DESC")
    return [_line(row) for row in db.execute(sql, ids).fetchall()]


def counts(db: sqlite_utils.Database, partnership: str | None = None) -> Counts:
    feeds = int(db.execute("SELECT count(*) FROM feeds").fetchone()[0])
    if partnership is None:
        row = (db.execute("SELECT count(*) FROM articles").fetchone()[0],
               db.execute("SELECT count(*) FROM articles WHERE read_at IS NULL").fetchone()[0])
    elif _has_table(db, "article_partnerships"):
        row = db.execute(
            "SELECT count(*), count(*) - count(a.read_at) FROM articles a "
            "JOIN article_partnerships p ON p.article_id = a.id WHERE p.partnership = ?",
            [partnership]).fetchone()
    else:
        row = (0, 0)
    return Counts(articles=int(row[0] or 0), unread=int(row[1] or 0), feeds=feeds)


def article(db: sqlite_utils.Database, article_id: int) -> Article | None:
    row = db.execute(
        f"SELECT a.id, a.feed_id, {_OUTLET}, a.guid, a.url, a.canonical_url, a.title, a.text, a.author, "
        "a.published, a.first_seen, a.updated, a.read_at IS NOT NULL "
        "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?", [article_id]).fetchone()
    if row is None:
        return None
    return Article(id=row[0], feed_id=row[1], feed=row[2], guid=row[3], url=row[4], canonical_url=row[5],
                   title=row[6], text=row[7], author=row[8], published=from_db(row[9]),
                   first_seen=from_db(row[10]), updated=from_db(row[11]), read=bool(row[12]))


def mark_read(db: sqlite_utils.Database, article_ids: list[int], when: datetime) -> int:
    """Mark articles read (the first time only: `read_at` keeps when it was first opened)."""
    if not article_ids:
        return 0
    marks = ",".join("?" * len(article_ids))
    cursor = db.execute(f"UPDATE articles SET read_at = ? WHERE read_at IS NULL AND id IN ({marks})",
                        [to_db(when), *article_ids])
    return int(cursor.rowcount)


def mark_unread(db: sqlite_utils.Database, article_ids: list[int]) -> int:
    if not article_ids:
        return 0
    marks = ",".join("?" * len(article_ids))
    cursor = db.execute(f"UPDATE articles SET read_at = NULL WHERE id IN ({marks})", article_ids)
    return int(cursor.rowcount)


def articles_per_day(db: sqlite_utils.Database, *, until: datetime, days: int = 30,
                     partnership: str | None = None) -> list[int]:
    """Articles published on each of the `days` UTC days ending with `until`'s day, oldest first."""
    last = until.date()
    first = last - timedelta(days=days - 1)
    start = to_db(datetime(first.year, first.month, first.day, tzinfo=until.tzinfo))
    end = to_db(datetime(last.year, last.month, last.day, tzinfo=until.tzinfo) + timedelta(days=1))
    if partnership is None:
        rows = db.execute("SELECT substr(published, 1, 10), count(*) FROM articles "
                          "WHERE published >= ? AND published < ? GROUP BY 1", [start, end]).fetchall()
    elif _has_table(db, "article_partnerships"):
        rows = db.execute(
            "SELECT substr(a.published, 1, 10), count(*) FROM articles a "
            "JOIN article_partnerships p ON p.article_id = a.id "
            "WHERE p.partnership = ? AND a.published >= ? AND a.published < ? GROUP BY 1",
            [partnership, start, end]).fetchall()
    else:
        rows = []
    by_day = {str(day): int(n) for day, n in rows}
    return [by_day.get((first + timedelta(days=i)).isoformat(), 0) for i in range(days)]


def last_poll(db: sqlite_utils.Database) -> datetime | None:
    """When a feed was last polled (by the dashboard or by cron)."""
    row = db.execute("SELECT max(last_polled) FROM feeds").fetchone()
    return from_db(row[0]) if row and row[0] else None


def latest_published(db: sqlite_utils.Database) -> datetime | None:
    row = db.execute("SELECT max(published) FROM articles").fetchone()
    return from_db(row[0]) if row and row[0] else None


def ui_get(db: sqlite_utils.Database, key: str) -> str | None:
    """Small UI state kept in `meta` under a `ui.` prefix (e.g. the partnership in focus)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [f"ui.{key}"]).fetchone()
    return None if row is None else str(row[0])


def ui_set(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [f"ui.{key}", value])

