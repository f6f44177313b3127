"""Adding new articles to the search index (articles_fts) in batches rather than row by row.

Why: indexing each feed's rows as the poll's writer thread stores them was ~90% of its CPU in a
cold poll (bench/poll.sh), and that thread shares the event loop's process. Schema migration 7
makes the insert trigger list each new row in `fts_pending` (same transaction as the article,
so a kill never loses one); `index_pending` then indexes them with one INSERT ... SELECT per
chunk, on a connection of its own while the poll refreshes stories. SQLite tokenises without
the GIL, so that work can use the second core. Updates and deletes of indexed rows still go
through the triggers; a pending row is indexed with whatever values it has when its turn comes.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from store.db import transaction

CHUNK = 2000
"""Rows per transaction: short enough that a writer beside it (the poll's stories refresh)
waits a fraction of a second for the lock, long enough that FTS5 writes few segments."""


def index_pending(db: sqlite_utils.Database, chunk: int = CHUNK) -> int:
    """Index every article listed in fts_pending, oldest first; returns how many."""
    done = 0
    while True:
        with transaction(db):
            row = db.conn.execute(
                "SELECT MIN(article_id), MAX(article_id), COUNT(*) FROM "
                "(SELECT article_id FROM fts_pending ORDER BY article_id LIMIT ?)", (chunk,)).fetchone()
            if not row[2]:
                return done
            index_range(db.conn, int(row[0]), int(row[1]))
        done += int(row[2])


def index_range(conn: sqlite3.Connection, first: int, last: int) -> None:
    """Index the pending articles with ids first..last; the caller holds the write transaction."""
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, text) "
        "SELECT a.id, a.title, COALESCE(a.full_text, a.text) FROM fts_pending p "
        "JOIN articles a ON a.id = p.article_id WHERE p.article_id BETWEEN ? AND ?", (first, last))
    conn.execute("DELETE FROM fts_pending WHERE article_id BETWEEN ? AND ?", (first, last))


def pending_count(db: sqlite_utils.Database) -> int:
    """How many stored articles search cannot find yet."""
    return int(db.conn.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0])
