"""The full-text step of a poll: fetch the article pages of full_text feeds, store their text.

It runs after the feeds are fetched and stored (so new articles have their ids) and before the
refresh, which then sees each article whose text arrived as a changed article: stories
re-place it and the desk re-tags it and redoes its facts, questions and watch hits from the
full text. Only the full_text feeds polled in this run take part, at most
`[poll] full_text_max_pages` pages each (store/full_text.py picks them); a poll with none to
fetch costs one query and imports nothing (trafilatura is imported by the first extraction).

Threading as in partwatch/polling.py: the event loop fetches (feeds/pages.py, whose extraction
runs in a worker thread), and a writer thread with its own connection stores the results
waiting in its inbox in one transaction at a time, so a killed poll keeps the pages it stored.
A failed page is not a failed feed: it never changes the exit status; it is counted, and its
reason is stored with the article (`feeds list` and the dashboard's reader show it).
"""

from __future__ import annotations

import queue
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlite_utils

from feeds.pages import fetch_pages
from feeds.records import PageJob, PageResult
from partwatch.config import Config
from partwatch.store_writer import StoreWriter
from store.db import StoreError
from store.full_text import pending_pages, store_pages
from store.records import Feed
from store.timefmt import now as utc_now


@dataclass
class FullTextSummary:
    """What the step did; `to_json()` is the `full_text` object of `poll --json`."""

    fetched: int = 0
    failed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)     # (page URL, one-line reason)
    changed_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched,
            "failed": self.failed,
            "errors": [{"url": url, "error": error} for url, error in self.errors],
        }


def fetch_full_texts(config: Config, db: sqlite_utils.Database, polled: Sequence[Feed],
                     transport: httpx.AsyncBaseTransport | None = None,
                     on_text: Callable[[], None] | None = None) -> FullTextSummary:
    """Fetch and store the pages due for the full_text feeds among `polled`."""
    summary = FullTextSummary()
    jobs = pending_pages(db, [feed.id for feed in polled if feed.full_text], config.poll.full_text_max_pages)
    if not jobs:
        return summary
    started = time.perf_counter()
    inbox: queue.Queue[PageResult | None] = queue.Queue()
    _Writer(config, inbox, summary, on_text).run_beside(_fetch(jobs, config, transport, inbox))
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


async def _fetch(jobs: Sequence[PageJob], config: Config, transport: httpx.AsyncBaseTransport | None,
                 inbox: queue.Queue[PageResult | None]) -> None:
    async for result in fetch_pages(jobs, config.poll, transport=transport, now=utc_now()):
        inbox.put(result)


class _Writer(StoreWriter[PageResult]):
    """Stores the page results waiting in the inbox, a batch per transaction, and tallies them."""

    batch_size = 100

    def __init__(self, config: Config, inbox: queue.Queue[PageResult | None], summary: FullTextSummary,
                 on_text: Callable[[], None] | None) -> None:
        super().__init__(config.db_path, inbox, "partwatch-pages-writer")
        self.config = config
        self.summary = summary
        self.on_text = on_text

    def store_batch(self, db: sqlite_utils.Database, batch: list[PageResult]) -> None:
        summary = self.summary
        try:
            arrived = store_pages(db, batch, utc_now())
        except (sqlite3.Error, StoreError) as exc:
            # The pages stay to fetch (nothing was recorded): the next poll tries them again.
            summary.failed += len(batch)
            summary.errors += [(r.url, f"cannot store in {self.config.db_path}: {exc}") for r in batch]
            return
        for result in batch:
            if result.text is None:
                summary.failed += 1
                summary.errors.append((result.url, result.error or "failed"))
        summary.fetched += len(arrived)
        summary.changed_ids += arrived
        if arrived and self.on_text is not None:
            self.on_text()
