"""What `partwatch doctor` reads from a database, without ever writing to it.

The file is opened with SQLite's read-only mode (`mode=ro`), so no statement, checkpoint or
migration can change it, even by mistake; in WAL mode SQLite may still create the empty `-wal`
and `-shm` companions every reader needs (the next read-write close removes them). The feed
rows are read only when the schema is exactly this version's: an older one is upgraded by the
next ordinary command, a newer one may have columns that mean something else.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from store.db import BUSY_TIMEOUT_MS, StoreError, latest_version, schema_version
from store.feeds import list_feeds, pending_refresh
from store.records import Feed

MAX_PROBLEMS = 20
"""integrity_check stops after this many problems: the first few say enough to act on."""


@dataclass(frozen=True)
class DatabaseHealth:
    schema_version: int
    journal_mode: str
    problems: tuple[str, ...]         # what PRAGMA integrity_check reported; empty when sound
    feeds: tuple[Feed, ...] | None    # active feeds; None when the schema is not this version's
    pending_refresh: int              # articles whose stories/desk refresh has not completed


def open_read_only(path: Path) -> sqlite_utils.Database:
    """A connection that cannot write to `path` (which must exist: read-only never creates)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database read-only ({exc})") from exc
    return sqlite_utils.Database(conn)


def inspect_database(path: Path) -> DatabaseHealth:
    """Schema version, journal mode, integrity and feed rows of the database at `path`.

    StoreError when the file is not an SQLite database at all (or cannot be read); damage
    inside a database is reported in `problems` instead, with whatever could still be read.
    """
    db = open_read_only(path)
    try:
        try:
            version = schema_version(db)
            mode = str(db.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a readable SQLite database ({exc})") from exc
        problems = _integrity_problems(db)
        feeds: tuple[Feed, ...] | None = None
        pending = 0
        if version == latest_version():
            try:
                feeds = tuple(list_feeds(db))
                pending = len(pending_refresh(db))
            except sqlite3.DatabaseError as exc:
                problems = (*problems, f"reading the feeds failed: {exc}")
        return DatabaseHealth(version, mode, problems, feeds, pending)
    finally:
        db.conn.close()


def _integrity_problems(db: sqlite_utils.Database) -> tuple[str, ...]:
    try:
        rows = db.conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    except sqlite3.DatabaseError as exc:
        return (str(exc),)
    found = tuple(str(row[0]) for row in rows)
    return () if found == ("ok",) else found
