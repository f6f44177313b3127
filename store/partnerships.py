"""Which articles concern which partnership (the article_partnerships table, migration 3)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

_CHUNK = 500


def article_ids_for(db: sqlite_utils.Database, partnership_id: str) -> list[int]:
    """The ids of the articles that concern the partnership, in id order."""
    rows = db.conn.execute(
        "SELECT article_id FROM article_partnerships WHERE partnership = ? ORDER BY article_id",
        (partnership_id,),
    )
    return [int(row[0]) for row in rows]


def replace_tags(db: sqlite_utils.Database, article_ids: Iterable[int],
                 tags: Iterable[tuple[int, str]]) -> None:
    """Forget the tags of `article_ids` and store `tags` (article id, partnership) instead.
    The caller holds the transaction."""
    conn = db.conn
    ids = list(article_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        conn.execute(f"DELETE FROM article_partnerships WHERE article_id IN ({','.join('?' * len(chunk))})",
                     chunk)
    conn.executemany("INSERT OR IGNORE INTO article_partnerships (article_id, partnership) VALUES (?, ?)",
                     list(tags))


def clear_tags(db: sqlite_utils.Database) -> None:
    db.conn.execute("DELETE FROM article_partnerships")
