"""Opening the database: WAL, a busy timeout and schema migrations.

WAL lets a cron poll write while an open dashboard reads the same file; the busy timeout
makes a writer wait for another writer instead of failing with "database is locked".
One connection per thread: callers that use threads open their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """A database problem, with a one-line message that names the file and the fix."""


def latest_version() -> int:
    return max(version for version, _ in MIGRATIONS)


def open_db(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) and upgrade the database at `path`.

    A database written by a newer partwatch is refused untouched: its schema may hold
    meaning this version would destroy.
    """
    target = Path(path)
    try:
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                               isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if migrate:
            # Before switching to WAL, which rewrites the header of a file we must leave untouched.
            _refuse_newer(int(conn.execute("PRAGMA user_version").fetchone()[0]), target, conn)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal" and str(target) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if migrate:
            _migrate(db, target)
        return db
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{target}: cannot open the database ({exc}); check the path and permissions, "
                         "or move the file aside to start afresh") from exc
    except OSError as exc:
        raise StoreError(f"{target}: cannot create the database's folder ({exc.strerror}); "
                         "check the path and permissions") from exc


def memory_db() -> sqlite_utils.Database:
    """A fresh migrated in-memory database, for tests and benchmarks."""
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    _migrate(db, Path(":memory:"))
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(current: int, target: Path, conn: sqlite3.Connection | None = None) -> None:
    newest = latest_version()
    if current > newest:
        if conn is not None:
            conn.close()
        raise StoreError(
            f"{target}: database schema version {current} is newer than this partwatch supports "
            f"({newest}); upgrade partwatch (the file was left untouched)"
        )


def _migrate(db: sqlite_utils.Database, target: Path) -> None:
    current = schema_version(db)
    _refuse_newer(current, target)
    pending = [(version, sql) for version, sql in sorted(MIGRATIONS) if version > current]
    if not pending:
        return
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the write lock.
        current = schema_version(db)
        for version, sql in pending:
            if version <= current:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a script into statements; executescript() would commit our open transaction."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return [s for s in statements if s and not all(ln.strip().startswith("--") for ln in s.splitlines())]


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction (BEGIN IMMEDIATE, so the write lock is taken up front and a
    concurrent writer waits on the busy timeout rather than failing halfway)."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        # SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR); a second
        # ROLLBACK would replace the real error with "no transaction is active".
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
