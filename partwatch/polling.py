"""One poll, start to finish: the code path shared by `partwatch poll`, `partwatch demo` and the
dashboard.

Threading model: the event loop (feeds.poll.poll_feeds) only fetches and hands over results;
a single writer thread with its own SQLite connection stores each feed's batch as it arrives
(articles and the feed's new state together, store.feeds.store_result; the results waiting in
its inbox share one transaction). Writing on
the loop would stall every fetch in flight for the length of each transaction; measured with
bench/poll.sh, a cold batch of 20 entries takes a few milliseconds to store, a thousand feeds a
few seconds in all, which the thread overlaps with the network. Results go to the writer
through an unbounded queue, so the loop never waits on the disk. When the loop is done the
writer drains the queue, and after_poll runs on the caller's connection.

The poll lock (partwatch.lock) is held for the whole run, so a second poll of the same
database exits at once instead of waiting on SQLite's busy timeout.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from feeds.poll import poll_feeds
from feeds.records import FeedResult
from partwatch.config import Config
from partwatch.full_text import FullTextSummary, fetch_full_texts
from partwatch.lock import poll_lock
from partwatch.notify.deliver import NotifyReport, deliver, register
from partwatch.refresh import RefreshReport, after_poll, preload
from partwatch.search_indexer import SearchIndexer
from partwatch.store_writer import StoreWriter
from store.db import StoreError, open_db, transaction
from store.feeds import (
    StoredResult,
    clear_pending_refresh,
    due_feeds,
    feed_state,
    pending_refresh,
    store_result,
    sync_config_feeds,
)
from store.records import Feed
from store.search_index import pending_count
from store.timefmt import now as utc_now

# Called after each feed is fetched: (feeds done, feeds due, the feed's URL).
ProgressHook = Callable[[int, int, str], None]


@dataclass
class PollSummary:
    """What one poll did. `to_json()` is the public `poll --json` object (keys are stable)."""

    feeds: int = 0                  # feeds polled this run
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0                # not due (min_interval, backoff, gone); --force polls them
    new_articles: int = 0
    updated_articles: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)      # (url, one-line error)
    warnings: list[tuple[str, str]] = field(default_factory=list)    # (url, parse warning)
    moved: list[tuple[str, str]] = field(default_factory=list)       # permanent redirects (old, new)
    changed_ids: list[int] = field(default_factory=list)
    refresh: RefreshReport = field(default_factory=RefreshReport)
    fetch_seconds: float = 0.0      # wall time of fetching, parsing and storing
    index_seconds: float = 0.0      # wall time of the search index thread (beside the refresh)
    refresh_error: str | None = None  # after_poll failed: articles are stored, derived data is stale
    notifications: NotifyReport = field(default_factory=NotifyReport)
    notify_error: str | None = None   # the delivery pass failed: the hits stay queued
    full_text: FullTextSummary = field(default_factory=FullTextSummary)   # article pages (full_text feeds)

    @property
    def exit_code(self) -> int:
        """0 when every polled feed succeeded (or nothing was due), 1 when any failed, the
        refresh after storing failed or a watch alert could not be delivered."""
        failed_alerts = self.notifications.failed or self.notify_error
        return 1 if self.failed or self.refresh_error or failed_alerts else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "feeds": self.feeds,
            "ok": self.ok,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "skipped": self.skipped,
            "new_articles": self.new_articles,
            "updated_articles": self.updated_articles,
            "errors": [{"url": url, "error": error} for url, error in self.errors],
            "warnings": [{"url": url, "warning": warning} for url, warning in self.warnings],
            "moved": [{"from": old, "to": new} for old, new in self.moved],
            "alerts": list(self.refresh.alerts),
            "refresh_error": self.refresh_error,
            "seconds": {"fetch_and_store": self.fetch_seconds, "full_text": self.full_text.seconds,
                        **self.refresh.seconds, "search_index": self.index_seconds},
            "notifications": self.notifications.to_json(),
            "full_text": self.full_text.to_json(),
        }


def run_poll(config: Config, *, force: bool = False, transport: httpx.AsyncBaseTransport | None = None,
             progress: ProgressHook | None = None,
             on_start: Callable[[int], None] | None = None,
             on_refresh: Callable[[], None] | None = None) -> PollSummary:
    """Poll every due feed of `config` once, store the results, refresh what depends on them.

    Raises LockBusy when another poll holds the lock and StoreError when the database cannot be
    opened; a failing feed is never an exception, it is counted in the summary.
    """
    with poll_lock(config.db_path):
        if config.db_path.exists() and not os.access(config.db_path, os.W_OK):
            # Otherwise every feed is fetched and each fails to store with the same error.
            raise StoreError(f"{config.db_path}: the database file is read-only; make it writable "
                             "(chmod u+w) to poll")
        db = open_db(config.db_path)
        try:
            now = utc_now()
            sync_config_feeds(db, config.feeds, now)
            register(db, config.notify, now)
            due, skipped = due_feeds(db, now, config.poll, force=force)
            summary = PollSummary(feeds=len(due), skipped=len(skipped))
            if on_start is not None:
                on_start(len(due))
            loader = _Preloader()
            if due:
                started = time.perf_counter()
                _fetch_and_store(config, due, summary, transport, progress, loader)
                summary.fetch_seconds = round(time.perf_counter() - started, 3)
                summary.full_text = fetch_full_texts(config, db, due, transport, loader.start)
                summary.changed_ids.extend(summary.full_text.changed_ids)
            # Overlaps the refresh below; a killed poll's leftovers are indexed with this one's.
            indexer = SearchIndexer(config.db_path) if pending_count(db) else None
            if indexer is not None:
                indexer.start()
            try:
                _refresh_and_deliver(db, config, summary, loader, on_refresh)
            finally:
                if indexer is not None:
                    indexer.join()
            if indexer is not None:
                summary.index_seconds = indexer.seconds
                if indexer.error is not None and summary.refresh_error is None:
                    summary.refresh_error = indexer.error
            return summary
        finally:
            db.conn.close()


def _refresh_and_deliver(db: Any, config: Config, summary: PollSummary, loader: _Preloader,
                         on_refresh: Callable[[], None] | None) -> None:
    """Refresh what depends on the stored articles, then deliver the watch alerts."""
    loader.join()
    if on_refresh is not None:
        on_refresh()
    try:
        # With the ids a killed poll stored but never refreshed (store.feeds.PENDING_REFRESH).
        pending = pending_refresh(db)
        changed = list(dict.fromkeys([*summary.changed_ids, *pending]))
        summary.refresh = after_poll(db, config, changed)
        if pending:
            clear_pending_refresh(db)
    except Exception as exc:  # noqa: BLE001 - the articles are stored; say what failed after
        summary.refresh_error = f"{type(exc).__name__}: {exc}"
    try:
        summary.notifications = deliver(db, config)
    except Exception as exc:  # noqa: BLE001 - the hits stay queued for the next poll
        summary.notify_error = f"{type(exc).__name__}: {exc}"


class _Preloader:
    """Runs refresh.preload in a thread, started by the first feed that stored new articles.

    A warm poll (every feed 304) never starts it: the imports would take the GIL from the
    fetching loop for over a second, and after_poll does not need them then.
    """

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=preload, name="partwatch-preload", daemon=True)
            self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


def _fetch_and_store(config: Config, due: Sequence[Feed], summary: PollSummary,
                     transport: httpx.AsyncBaseTransport | None, progress: ProgressHook | None,
                     loader: _Preloader) -> None:
    by_url = {feed.url: feed for feed in due}
    inbox: queue.Queue[tuple[Feed, FeedResult] | None] = queue.Queue()
    _Writer(config, inbox, summary, loader).run_beside(
        _fetch(config, due, by_url, inbox, transport, progress, summary))


async def _fetch(config: Config, due: Sequence[Feed], by_url: dict[str, Feed],
                 inbox: queue.Queue[tuple[Feed, FeedResult] | None],
                 transport: httpx.AsyncBaseTransport | None, progress: ProgressHook | None,
                 summary: PollSummary) -> None:
    done = 0
    seen: set[str] = set()
    states = [feed_state(feed) for feed in due]
    missing = "no result from the poller"
    try:
        async for result in poll_feeds(states, config.poll, transport=transport, now=utc_now()):
            feed = by_url.get(result.url)
            if feed is None or result.url in seen:
                continue
            seen.add(result.url)
            inbox.put((feed, result))
            done += 1
            if progress is not None:
                progress(done, len(due), result.url)
    except Exception as exc:  # noqa: BLE001 - a poller bug must not lose the feeds already stored
        missing = f"the poll stopped early ({type(exc).__name__}: {exc})"
    for feed in due:
        if feed.url not in seen:
            # The poller must answer for every feed; if it did not, say so rather than lose it.
            inbox.put((feed, FeedResult(url=feed.url, status="failed", error=missing)))


class _Writer(StoreWriter[tuple[Feed, FeedResult]]):
    """Stores each (feed, result) with its own connection and tallies the summary."""

    def __init__(self, config: Config, inbox: queue.Queue[tuple[Feed, FeedResult] | None],
                 summary: PollSummary, loader: _Preloader) -> None:
        super().__init__(config.db_path, inbox, "partwatch-writer")
        self.config = config
        self.summary = summary
        self.loader = loader

    def store_batch(self, db: Any, batch: list[tuple[Feed, FeedResult]]) -> None:
        """Store the results waiting in the inbox in one transaction instead of one each.

        Each feed's articles and new state are still written together, so a kill loses a whole
        batch or nothing: the next poll fetches those feeds in full again (their validators
        were not stored either). Fewer commits cost less, and while the network is faster than
        the disk the batches grow by themselves. Should a batch fail, each result is stored
        alone, so the error is recorded for the feed that caused it.
        """
        if len(batch) > 1:
            try:
                with transaction(db):
                    stored = [store_result(db, feed, result, utc_now(), self.config.poll, defer_index=True)
                              for feed, result in batch]
            except (sqlite3.Error, StoreError):
                pass
            else:
                for (feed, result), one in zip(batch, stored, strict=True):
                    self._tally(feed, result, one)
                return
        for feed, result in batch:
            self._store(db, feed, result)

    def _store(self, db: Any, feed: Feed, result: FeedResult) -> None:
        summary = self.summary
        try:
            stored = store_result(db, feed, result, utc_now(), self.config.poll, defer_index=True)
        except (sqlite3.Error, StoreError) as exc:
            # A full disk or a broken row fails this feed only; what is stored stays stored.
            summary.failed += 1
            summary.errors.append((feed.url, f"cannot store in {self.config.db_path}: {exc}"))
            return
        self._tally(feed, result, stored)

    def _tally(self, feed: Feed, result: FeedResult, stored: StoredResult) -> None:
        summary = self.summary
        if result.status == "ok":
            summary.ok += 1
        elif result.status == "not_modified":
            summary.not_modified += 1
        else:
            summary.failed += 1
            gone = "gone (HTTP 410): no longer polled"
            error = result.error or (gone if result.status == "gone" else "failed")
            summary.errors.append((feed.url, error))
        if result.warning:
            summary.warnings.append((feed.url, result.warning))
        if result.new_url and result.new_url != feed.url and result.status != "failed":
            summary.moved.append((feed.url, result.new_url))
        if stored.new_ids or stored.updated_ids:
            self.loader.start()
        summary.new_articles += len(stored.new_ids)
        summary.updated_articles += len(stored.updated_ids)
        summary.changed_ids.extend(stored.new_ids)
        summary.changed_ids.extend(stored.updated_ids)
