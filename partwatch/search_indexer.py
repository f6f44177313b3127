"""Indexes the poll's new articles for search in a thread, while the poll refreshes stories.

The poll's writer stores articles without indexing them (store.search_index): the work left is
one INSERT ... SELECT per chunk, which SQLite runs without the GIL, so on a second core it
costs the poll almost no wall time. The thread has its own connection; the poll joins it before
it returns, so a search after `partwatch poll` (or the dashboard's `r`) finds every article. A
search while the poll runs may miss the articles not indexed yet. A failure (a full disk)
leaves them pending for the next poll and is reported in the summary.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from store.db import open_db
from store.search_index import index_pending


class SearchIndexer(threading.Thread):
    """`index_pending` on its own connection; `error` says why it failed, if it did."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(name="partwatch-search-index", daemon=True)
        self.db_path = db_path
        self.indexed = 0
        self.seconds = 0.0          # wall time, beside the refresh (poll --json `seconds`)
        self.error: str | None = None

    def run(self) -> None:
        started = time.perf_counter()
        try:
            db = open_db(self.db_path, migrate=False)
            try:
                self.indexed = index_pending(db)
            finally:
                db.conn.close()
        except Exception as exc:  # noqa: BLE001 - the rows stay pending; the poll reports it
            self.error = f"search index: {type(exc).__name__}: {exc}"
        self.seconds = round(time.perf_counter() - started, 3)
