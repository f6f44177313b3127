"""The delivery pass that ends every poll: queue the new watch hits, send what is due.

Runs inside the poll lock (partwatch/polling.py), so two polls never send the same hit.

Rules (README, "Watch alerts"):
- An entry gets the unseen hits found since it first appeared in config.toml: `register`, at
  the start of the first poll that sees it, puts every hit stored until then in its outbox as
  skipped. The hits are filtered by the entry's `watch` and `partnerships` lists.
  A new entry is not flooded with old hits; a new watch item's hits on stored articles are
  found when the item is added, so they do go out, as `poll --quiet` prints them.
- The queue is derived from watch_hits at every pass (store/notify.py), so a hit stored by a
  poll killed before this pass is queued by the next one.
- A hit the user marks seen before it goes out is skipped; a hit that stops matching is dropped.
- Sent means the receiver said so (exit status 0, HTTP 2xx); the row is marked sent in its own
  transaction at once. A process killed between the answer and that commit sends it again at
  the next poll: receivers that must never see a repeat deduplicate on the payload's `id`.
- Failures are retried as retry.py decides; each entry that failed gets one line in `lines`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import sqlite_utils

from partwatch.config import Config
from partwatch.notify import retry
from partwatch.notify.payload import hit_payload
from partwatch.notify.send import Sent, http_client, send
from partwatch.notify_config import NotifyEntry
from store import notify as outbox
from store.db import transaction
from store.timefmt import now as utc_now


@dataclass
class NotifyReport:
    """What the pass did. `to_json()` is `poll --json`'s public `notifications` object."""

    sent: int = 0
    failed: int = 0         # deliveries tried this poll that failed every try
    pending: int = 0        # hits still waiting after the pass (the failed ones included)
    lines: list[str] = field(default_factory=list)   # one per failing entry, for a human

    def to_json(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "pending": self.pending}


def register(db: sqlite_utils.Database, entries: tuple[NotifyEntry, ...], now: datetime) -> None:
    """Start the entries new in config.toml, forget those gone (writes only when there are);
    run before the poll stores anything, so the hits it finds count as found after."""
    known = outbox.entries(db)
    wanted = [e.id for e in entries]
    new = [i for i in wanted if i not in known]
    gone = [i for i in known if i not in wanted]
    if new or gone:
        with transaction(db):
            outbox.drop_entries(db, gone)
            outbox.add_entries(db, new, now)


def deliver(db: sqlite_utils.Database, config: Config, *,
            sleep: Callable[[float], None] = time.sleep) -> NotifyReport:
    """Queue the hits not yet queued and send what is due (entries come from `register`)."""
    report = NotifyReport()
    _queue(db, config.notify)
    if not config.notify or not outbox.has_pending(db):
        return report
    with http_client(config.poll.user_agent) as client:
        for entry in config.notify:
            _deliver_entry(db, config, entry, client, sleep, report)
    report.pending = outbox.pending_count(db)
    return report


def _queue(db: sqlite_utils.Database, entries: tuple[NotifyEntry, ...]) -> None:
    """Bring the outbox up to date with the hits; writes only when something changed, so a warm
    poll with nothing new never takes the write lock for it."""
    queues = {e.id: outbox.queue_candidates(db, e.id, e.watch, e.partnerships) for e in entries}
    stale = outbox.has_unsendable(db)
    if not (stale or any(queues.values())):
        return
    now = utc_now()
    with transaction(db):
        for entry_id, pairs in queues.items():
            outbox.queue(db, entry_id, pairs, now)
        outbox.drop_unsendable(db, now)


def _deliver_entry(db: sqlite_utils.Database, config: Config, entry: NotifyEntry, client: httpx.Client,
                   sleep: Callable[[float], None], report: NotifyReport) -> None:
    waiting = outbox.pending(db, entry.id, utc_now())
    for done, hit in enumerate(waiting):
        outcome, tries = try_send(entry, hit_payload(config, hit), client, sleep)
        now = utc_now()
        with transaction(db):
            if outcome.ok:
                outbox.mark_sent(db, hit, tries, now)
            else:
                outbox.mark_failed(db, hit, tries, outcome.error or "failed", now,
                                   retry.next_try(now, outcome.retry_after))
        if outcome.ok:
            report.sent += 1
            continue
        report.failed += 1
        left = len(waiting) - done
        report.lines.append(f"notify {entry.id}: not delivered: {outcome.error}; {left} "
                            f"hit{'s' if left != 1 else ''} waiting, tried again at the next poll")
        return


def try_send(entry: NotifyEntry, payload: dict[str, Any], client: httpx.Client,
             sleep: Callable[[float], None]) -> tuple[Sent, int]:
    """Send with the in-poll retries of retry.py; returns the last outcome and the tries made."""
    outcome = send(entry, payload, client)
    tries = 1
    for delay in retry.IN_POLL_DELAYS:
        if outcome.ok or not outcome.transient:
            break
        sleep(delay)
        outcome = send(entry, payload, client)
        tries += 1
    return outcome, tries
