"""Stories as stored: membership of articles, story rows, manual decisions, contradictions.

Only SQL here; what a story is and where an article goes is decided in tracking/stories.py
and written by partwatch/stories_sync.py. Writers hold the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from store.articles import ARTICLE_FROM
from store.timefmt import from_db, to_db

_CHUNK = 500


@dataclass(frozen=True)
class StoryRow:
    id: int
    lead_id: int
    origin_id: int
    title: str
    first_published: datetime
    last_published: datetime
    articles: int
    outlets: int
    contradictions: int


@dataclass(frozen=True)
class ContradictionSide:
    story_id: int
    number: int
    position: int
    kind: str
    value: str
    article_id: int
    sentence: str


@dataclass(frozen=True)
class Decision:
    kind: str  # merge | split
    article_a: int
    article_b: int


def _chunks(ids: Sequence[int]) -> Iterator[tuple[str, list[int]]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        yield ",".join("?" * len(chunk)), chunk


# -- membership --------------------------------------------------------------------------------
def story_of(db: sqlite_utils.Database, article_ids: Iterable[int]) -> dict[int, int]:
    """article id -> story id, for the placed ones."""
    found: dict[int, int] = {}
    for marks, chunk in _chunks(list(dict.fromkeys(article_ids))):
        for article_id, story_id in db.conn.execute(
            f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", chunk
        ):
            found[int(article_id)] = int(story_id)
    return found


def members_of(db: sqlite_utils.Database, story_ids: Iterable[int]) -> dict[int, list[int]]:
    """story id -> its article ids (in published order)."""
    found: dict[int, list[int]] = {}
    for marks, chunk in _chunks(list(dict.fromkeys(story_ids))):
        for article_id, story_id in db.conn.execute(
            f"SELECT s.article_id, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
            f" WHERE s.story_id IN ({marks}) ORDER BY a.published, a.id",
            chunk,
        ):
            found.setdefault(int(story_id), []).append(int(article_id))
    return found


def set_story(db: sqlite_utils.Database, placements: Iterable[tuple[int, int]]) -> None:
    """Store (article id, story id) placements, replacing earlier ones."""
    db.conn.executemany(
        "INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)"
        " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
        list(placements),
    )


@dataclass(frozen=True)
class Placeable:
    """What story placement reads of an article (cheaper to load than store.records.Article)."""

    id: int
    feed: str
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    published: datetime


# The page's full text, when a full_text feed got it, replaces the feed's teaser for dedupe.
_PLACEABLE = ("a.id, COALESCE(f.name, f.title, f.url), a.url, a.canonical_url, a.title,"
              " COALESCE(a.full_text, a.text), a.published")


def _placeable(row: Sequence[Any]) -> Placeable:
    # fromisoformat reads the fixed-width UTC text (timefmt.FORMAT) about 20 times faster than
    # strptime, which matters when a poll loads a week of articles.
    return Placeable(int(row[0]), row[1], row[2], row[3], row[4], row[5], datetime.fromisoformat(row[6]))


def placeables(db: sqlite_utils.Database, ids: Iterable[int]) -> list[Placeable]:
    """The articles with these ids (unknown ids left out), in (published, id) order."""
    found: list[Placeable] = []
    for marks, chunk in _chunks(list(dict.fromkeys(ids))):
        rows = db.conn.execute(f"SELECT {_PLACEABLE} FROM {ARTICLE_FROM} WHERE a.id IN ({marks})", chunk)
        found += [_placeable(row) for row in rows]
    return sorted(found, key=lambda a: (a.published, a.id))


def articles_between(db: sqlite_utils.Database, start: datetime) -> list[tuple[Placeable, int]]:
    """(article, story id) of the placed articles published at or after `start`, in
    (published, id) order."""
    rows = db.conn.execute(
        f"SELECT {_PLACEABLE}, s.story_id FROM {ARTICLE_FROM} JOIN story_articles s ON s.article_id = a.id"
        " WHERE a.published >= ? ORDER BY a.published, a.id",
        (to_db(start),),
    )
    return [(_placeable(row), int(row[-1])) for row in rows]


def published_of(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, datetime]:
    """article id -> its publication time."""
    found: dict[int, datetime] = {}
    for marks, chunk in _chunks(list(dict.fromkeys(ids))):
        for article_id, published in db.conn.execute(
            f"SELECT id, published FROM articles WHERE id IN ({marks})", chunk
        ):
            found[int(article_id)] = datetime.fromisoformat(published)
    return found


def iter_all_articles(db: sqlite_utils.Database, page: int = 2000) -> Iterator[Placeable]:
    """Every article in (published, id) order, a keyset page at a time."""
    after: tuple[str, int] = ("", 0)
    while True:
        rows = db.conn.execute(
            f"SELECT {_PLACEABLE} FROM {ARTICLE_FROM} WHERE (a.published, a.id) > (?, ?)"
            " ORDER BY a.published, a.id LIMIT ?",
            (*after, page),
        ).fetchall()
        if not rows:
            return
        for row in rows:
            yield _placeable(row)
        after = (rows[-1][6], int(rows[-1][0]))


def clear(db: sqlite_utils.Database) -> None:
    """Forget every placement and story (the manual decisions stay)."""
    for table in ("story_contradictions", "stories", "story_articles"):
        db.conn.execute(f"DELETE FROM {table}")


# -- story rows --------------------------------------------------------------------------------
def write_story(db: sqlite_utils.Database, story: StoryRow, sides: Sequence[ContradictionSide]) -> None:
    conn = db.conn
    conn.execute(
        "INSERT OR REPLACE INTO stories (id, lead_id, origin_id, title, first_published, last_published,"
        " articles, outlets, contradictions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            story.id,
            story.lead_id,
            story.origin_id,
            story.title,
            to_db(story.first_published),
            to_db(story.last_published),
            story.articles,
            story.outlets,
            story.contradictions,
        ),
    )
    conn.execute("DELETE FROM story_contradictions WHERE story_id = ?", (story.id,))
    conn.executemany(
        "INSERT INTO story_contradictions (story_id, number, position, kind, value, article_id, sentence)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(s.story_id, s.number, s.position, s.kind, s.value, s.article_id, s.sentence) for s in sides],
    )


def delete_stories(db: sqlite_utils.Database, story_ids: Iterable[int]) -> None:
    for marks, chunk in _chunks(list(story_ids)):
        db.conn.execute(f"DELETE FROM story_contradictions WHERE story_id IN ({marks})", chunk)
        db.conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)


def _row(row: Sequence[Any]) -> StoryRow:
    return StoryRow(
        id=int(row[0]),
        lead_id=int(row[1]),
        origin_id=int(row[2]),
        title=row[3],
        first_published=from_db(row[4]),
        last_published=from_db(row[5]),
        articles=int(row[6]),
        outlets=int(row[7]),
        contradictions=int(row[8]),
    )


_STORY_COLUMNS = (
    "id, lead_id, origin_id, title, first_published, last_published, articles, outlets, contradictions"
)


def get_stories(db: sqlite_utils.Database, story_ids: Iterable[int]) -> dict[int, StoryRow]:
    found: dict[int, StoryRow] = {}
    for marks, chunk in _chunks(list(dict.fromkeys(story_ids))):
        for row in db.conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id IN ({marks})", chunk):
            found[int(row[0])] = _row(row)
    return found


def list_stories(
    db: sqlite_utils.Database, partnership: str | None = None, limit: int | None = None
) -> list[StoryRow]:
    """Stories newest first (by last publication, then id). With `partnership`, only those with a
    member tagged for it (the article_partnerships table of migration 3)."""
    sql = f"SELECT {_STORY_COLUMNS} FROM stories"
    params: list[Any] = []
    if partnership is not None:
        sql += (
            " WHERE id IN (SELECT s.story_id FROM story_articles s JOIN article_partnerships p"
            " ON p.article_id = s.article_id WHERE p.partnership = ?)"
        )
        params.append(partnership)
    sql += " ORDER BY last_published DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(row) for row in db.conn.execute(sql, params)]


def has_tags_table(db: sqlite_utils.Database) -> bool:
    return (
        db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_partnerships'"
        ).fetchone()
        is not None
    )


def contradictions_of(
    db: sqlite_utils.Database, story_ids: Iterable[int]
) -> dict[int, list[ContradictionSide]]:
    found: dict[int, list[ContradictionSide]] = {}
    for marks, chunk in _chunks(list(dict.fromkeys(story_ids))):
        for row in db.conn.execute(
            "SELECT story_id, number, position, kind, value, article_id, sentence FROM story_contradictions"
            f" WHERE story_id IN ({marks}) ORDER BY story_id, number, position",
            chunk,
        ):
            side = ContradictionSide(
                int(row[0]), int(row[1]), int(row[2]), row[3], row[4], int(row[5]), row[6]
            )
            found.setdefault(side.story_id, []).append(side)
    return found


# -- manual decisions --------------------------------------------------------------------------
def decisions(db: sqlite_utils.Database) -> list[Decision]:
    """Every manual decision, oldest first (a later one overrides an earlier contrary one)."""
    return [
        Decision(row[0], int(row[1]), int(row[2]))
        for row in db.conn.execute("SELECT kind, article_a, article_b FROM story_decisions ORDER BY id")
    ]


def add_decisions(
    db: sqlite_utils.Database, kind: str, pairs: Iterable[tuple[int, int]], made: datetime
) -> None:
    """Record decisions of one kind, dropping earlier decisions of the other kind on the same pairs."""
    conn = db.conn
    other = "split" if kind == "merge" else "merge"
    for a, b in pairs:
        conn.execute(
            "DELETE FROM story_decisions WHERE kind = ? AND ((article_a = ? AND article_b = ?)"
            " OR (article_a = ? AND article_b = ?))",
            (other, a, b, b, a),
        )
        conn.execute(
            "INSERT INTO story_decisions (kind, article_a, article_b, made) VALUES (?, ?, ?, ?)",
            (kind, a, b, to_db(made)),
        )


def drop_merges_of(db: sqlite_utils.Database, article_id: int) -> None:
    """A split undoes the merges that tied the article to others."""
    db.conn.execute(
        "DELETE FROM story_decisions WHERE kind = 'merge' AND (article_a = ? OR article_b = ?)",
        (article_id, article_id),
    )


# -- meta --------------------------------------------------------------------------------------
def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def drop_splits_between(db: sqlite_utils.Database, side_a: Sequence[int], side_b: Sequence[int]) -> None:
    """A merge undoes the splits that kept the two stories' members apart."""
    b = set(side_b)
    rows = db.conn.execute(
        "SELECT id, article_a, article_b FROM story_decisions WHERE kind = 'split'"
    ).fetchall()
    a = set(side_a)
    gone = [int(r[0]) for r in rows if (r[1] in a and r[2] in b) or (r[1] in b and r[2] in a)]
    for marks, chunk in _chunks(gone):
        db.conn.execute(f"DELETE FROM story_decisions WHERE id IN ({marks})", chunk)
