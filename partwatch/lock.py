"""The poll lock: one `partwatch poll` per database at a time.

Two polls of one database would fetch every feed twice and race on the same rows; SQLite's
busy timeout would make the second one hang for seconds and then fail with "database is
locked". Instead the poll takes an exclusive, non-blocking flock on `<database>.lock` beside
the database, and a second poll exits at once with a message naming the lock and the pid that
holds it. The kernel drops the lock when the holding process dies, so a killed poll never
leaves a stale lock behind (the file itself stays and is harmless).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store.db import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class LockBusy(Exception):
    """Another process holds the poll lock; the message names the lock file and the fix."""


def _pid_in(fd: int) -> str:
    """The pid the lock's holder wrote into it ("?" when unreadable)."""
    return os.read(fd, 32).decode("ascii", "replace").strip() or "?"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def poll_lock(db_path: Path) -> Iterator[Path]:
    """Hold the poll lock for `db_path` for the duration of the block, or raise LockBusy."""
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the poll lock ({exc.strerror}); "
                         "check that the database's folder is writable") from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockBusy(
                    f"another partwatch poll (pid {_pid_in(fd)}) is already polling {db_path}; "
                    f"this one stops here (lock: {path})"
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)


@dataclass(frozen=True)
class LockHolder:
    pid: str                    # as the holder wrote it ("?" when unreadable)
    since: datetime             # when it took the lock (the lock file's mtime: it writes its pid then)


def lock_holder(db_path: Path) -> LockHolder | None:
    """Who holds the poll lock of `db_path` now, or None; takes nothing a poll would notice.

    It tries a shared, non-blocking flock and lets go at once: it fails exactly while a poll
    holds the exclusive one. A poll starting in that instant would see the lock busy and exit
    as for any second poll, which cron simply retries.
    """
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None                     # no lock file: no poll ever ran on this database
    try:
        if fcntl is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return LockHolder(_pid_in(fd), datetime.fromtimestamp(os.fstat(fd).st_mtime, UTC))
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
