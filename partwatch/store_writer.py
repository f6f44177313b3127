"""The thread that stores what a poll's event loop hands over, on its own SQLite connection.

Why a thread: writing on the loop would stall every fetch in flight for the length of each
transaction (partwatch/polling.py measures it). The loop puts items in an unbounded queue and
never waits on the disk; `None` ends the stream. The items waiting are stored together, up to
`batch_size` a transaction: fewer commits cost less, and while the network is faster than the
disk the batches grow by themselves. When the database cannot be opened, the thread keeps
`fatal` for the caller to raise and drains the queue so the loop never blocks.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Generic, TypeVar

import sqlite_utils

from store.db import StoreError, open_db

T = TypeVar("T")


class StoreWriter(threading.Thread, Generic[T]):
    """Opens its connection, hands each batch waiting in the inbox to `store_batch` until the
    inbox ends, then closes it."""

    batch_size = 200

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

    def run_beside(self, fetch: Coroutine[Any, Any, None]) -> None:
        """Store while `fetch` runs on an event loop and fills the inbox; then raise what kept
        the thread from storing."""
        self.start()
        try:
            asyncio.run(fetch)
        finally:
            self.inbox.put(None)
            self.join()
        if self.fatal is not None:
            raise self.fatal

    def consume(self, db: sqlite_utils.Database) -> None:
        while (item := self.inbox.get()) is not None:
            batch = [item]
            while len(batch) < self.batch_size:
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    break
                batch.append(item)
            self.store_batch(db, batch)
            if item is None:
                break

    def store_batch(self, db: sqlite_utils.Database, batch: list[T]) -> None:
        """Store these items (subclasses)."""
        raise NotImplementedError
