"""What the dashboard reads and the little it writes: keyset pages of articles, counts, reading
state, and the database's change counter.

Every list is read in keyset pages (`after` = the last row of the previous page) so the cost of
a page does not grow with how far the user has scrolled, and no query ever loads a whole table.
Reading state is `articles.read_at`: NULL until the user opens the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from store.articles import get_article
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
    """The reader pane's article (the one store query for it: store.articles.get_article)."""
    return get_article(db, article_id)


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



@dataclass(frozen=True)
class StoryLine:
    """One line of the story list: the story row, its origin's outlet and whether it is all read."""

    id: int
    title: str
    first_published: datetime
    last_published: datetime
    articles: int
    outlets: int
    contradictions: int
    origin: str
    lead_id: int
    lead_url: str | None
    unread: int


_STORY_SELECT = (
    f"SELECT s.id, s.title, s.first_published, s.last_published, s.articles, s.outlets, s.contradictions, "
    f"{_OUTLET}, s.lead_id, lead.url, "
    "(SELECT count(*) FROM story_articles m JOIN articles r ON r.id = m.article_id "
    " WHERE m.story_id = s.id AND r.read_at IS NULL) "
    "FROM stories s JOIN articles o ON o.id = s.origin_id JOIN feeds f ON f.id = o.feed_id "
    "LEFT JOIN articles lead ON lead.id = s.lead_id"
)


def _story(row: tuple[Any, ...]) -> StoryLine:
    return StoryLine(id=int(row[0]), title=str(row[1]), first_published=from_db(row[2]),
                     last_published=from_db(row[3]), articles=int(row[4]), outlets=int(row[5]),
                     contradictions=int(row[6]), origin=str(row[7]), lead_id=int(row[8]), lead_url=row[9],
                     unread=int(row[10]))


def story_page(db: sqlite_utils.Database, *, after: StoryLine | None = None, limit: int = 500,
               partnership: str | None = None) -> list[StoryLine]:
    """Stories newest first (by last publication, then id), keyset-paged like the articles."""
    if not _has_table(db, "stories"):
        return []
    where: list[str] = []
    params: list[object] = []
    if after is not None:
        where.append("(s.last_published, s.id) < (?, ?)")
        params += [to_db(after.last_published), after.id]
    if partnership is not None:
        if not _has_table(db, "article_partnerships"):
            return []
        where.append("s.id IN (SELECT m.story_id FROM story_articles m JOIN article_partnerships p "
                     "ON p.article_id = m.article_id WHERE p.partnership = ?)")
        params.append(partnership)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    sql = f"{_STORY_SELECT}{clause} ORDER BY s.last_published DESC, s.id DESC LIMIT ?"
    return [_story(row) for row in db.execute(sql, [*params, limit]).fetchall()]


def story_line(db: sqlite_utils.Database, story_id: int) -> StoryLine | None:
    if not _has_table(db, "stories"):
        return None
    row = db.execute(f"{_STORY_SELECT} WHERE s.id = ?", [story_id]).fetchone()
    return _story(row) if row else None


def story_count(db: sqlite_utils.Database, partnership: str | None = None) -> int:
    if not _has_table(db, "stories"):
        return 0
    if partnership is None:
        return int(db.execute("SELECT count(*) FROM stories").fetchone()[0])
    return int(db.execute("SELECT count(DISTINCT m.story_id) FROM story_articles m "
                          "JOIN article_partnerships p ON p.article_id = m.article_id "
                          "WHERE p.partnership = ?",
                          [partnership]).fetchone()[0])


def story_members(db: sqlite_utils.Database, story_id: int) -> list[ArticleLine]:
    """The story's articles in publication order (the origin usually first)."""
    sql = (f"SELECT a.id, {_OUTLET}, a.title, a.published, a.url, a.read_at IS NOT NULL "
           "FROM story_articles m JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id "
           "WHERE m.story_id = ? ORDER BY a.published, a.id")
    return [_line(row) for row in db.execute(sql, [story_id]).fetchall()]


def new_story_count(db: sqlite_utils.Database, partnership: str, since: datetime | None) -> int:
    """Stories of the partnership with an article first seen after `since` (all when None)."""
    if not (_has_table(db, "story_articles") and _has_table(db, "article_partnerships")):
        return 0
    sql = ("SELECT count(DISTINCT m.story_id) FROM article_partnerships p "
           "JOIN story_articles m ON m.article_id = p.article_id ")
    params: list[object] = [partnership]
    if since is not None:
        sql += "JOIN articles a ON a.id = p.article_id WHERE p.partnership = ? AND a.first_seen > ?"
        params.append(to_db(since))
    else:
        sql += "WHERE p.partnership = ?"
    return int(db.execute(sql, params).fetchone()[0])


def new_hit_count(db: sqlite_utils.Database, item_ids: list[str], scoped_to: str | None = None) -> int:
    """Unseen hits of these watch items; with `scoped_to`, only among that partnership's articles."""
    if not item_ids or not _has_table(db, "watch_hits"):
        return 0
    marks = ",".join("?" * len(item_ids))
    sql = f"SELECT count(*) FROM watch_hits h WHERE h.seen = 0 AND h.item_id IN ({marks})"
    params: list[object] = list(item_ids)
    if scoped_to is not None:
        sql += " AND h.article_id IN (SELECT article_id FROM article_partnerships WHERE partnership = ?)"
        params.append(scoped_to)
    return int(db.execute(sql, params).fetchone()[0])
