"""The thread that stores what a poll's event loop hands over, on its own SQLite connection.

Why a thread: writing on the loop would stall every fetch in flight for the length of each
transaction (partwatch/polling.py measures it). The loop puts items in an unbounded queue and
never waits on the disk; `None` ends the stream. When the database cannot be opened, the
thread keeps `fatal` for the caller to raise and drains the queue so the loop never blocks.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Generic, TypeVar

import sqlite_utils

from store.db import StoreError, open_db

T = TypeVar("T")


class StoreWriter(threading.Thread, Generic[T]):
    """Opens its connection, hands it to `consume` until the inbox ends, then closes it."""

    def __init__(self, db_path: Path, inbox: queue.Queue[T | None], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.db_path = db_path
        self.inbox = inbox
        self.fatal: BaseException | None = None

    def run(self) -> None:
        try:
            db = open_db(self.db_path, migrate=False)
        except StoreError as exc:
            self.fatal = exc
            while self.inbox.get() is not None:
                pass
            return
        try:
            self.consume(db)
        finally:
            db.conn.close()

    def consume(self, db: sqlite_utils.Database) -> None:
        """Take items from the inbox until None and store them (subclasses)."""
        raise NotImplementedError
