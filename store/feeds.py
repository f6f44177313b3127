"""Feeds: the rows the poller works through, and what each poll leaves behind.

Two sources of feeds share one table. `config` feeds mirror config.toml on every run
(sync_config_feeds); `user` feeds come from `partwatch feeds add` or an OPML import, so the
user's TOML is never rewritten. A feed that leaves config.toml, or that `feeds remove` drops,
is not deleted: its row gets a `removed` time, it stops being polled and listed, and its
articles stay, because stories, timelines and question evidence point at them and a config
edit must never destroy history. Re-adding the URL revives the row. Only
`remove_feed(..., purge=True)` deletes a feed with its articles.

A permanent redirect moves `url`; the URL as the user wrote it is kept in `requested_url`, so
the next sync recognises the config entry instead of adding the old URL again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import sqlite_utils

from feeds.records import FeedResult, FeedState, PollSettings
from feeds.schedule import after_result, is_due
from store.articles import store_articles
from store.db import StoreError, transaction
from store.records import Feed
from store.timefmt import from_db, to_db

_FEED_COLUMNS = """
    f.id, f.url, f.name, f.title, f.source, f.full_text, f.etag, f.last_modified, f.last_polled,
    f.last_status, f.http_status, f.last_error, f.warning, f.failures, f.next_due, f.gone,
    (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id), f.removed
"""


# A feed put back after a removal starts afresh: a 410 Gone or a backoff is forgotten.
_FRESH_START = (", gone = 0, failures = 0, next_due = NULL,"
                " last_status = CASE WHEN last_status = 'gone' THEN NULL ELSE last_status END")


class FeedSpec(Protocol):
    """A configured feed (partwatch.config.FeedConfig fits; store/ cannot import partwatch/)."""

    @property
    def url(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def full_text(self) -> bool: ...


class FeedError(StoreError):
    """A feeds command that cannot be done as asked (unknown URL, a config feed, a duplicate)."""


@dataclass(frozen=True)
class StoredResult:
    """What storing one FeedResult did: the feed's id afterwards and the articles it touched."""

    feed_id: int
    new_ids: list[int]
    updated_ids: list[int]


def _row_to_feed(row: Sequence[Any]) -> Feed:
    return Feed(
        id=row[0], url=row[1], name=row[2], title=row[3], source=row[4], full_text=bool(row[5]),
        etag=row[6], last_modified=row[7], last_polled=from_db(row[8]) if row[8] else None,
        last_status=row[9], http_status=row[10], last_error=row[11], warning=row[12],
        failures=row[13], next_due=from_db(row[14]) if row[14] else None, gone=bool(row[15]),
        articles=row[16], removed=from_db(row[17]) if row[17] else None,
    )


def _find(db: sqlite_utils.Database, url: str) -> Feed | None:
    row = db.conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.url = ? OR f.requested_url = ? "
        "ORDER BY f.url = ? DESC LIMIT 1",
        (url, url, url),
    ).fetchone()
    return _row_to_feed(row) if row else None


def get_feed(db: sqlite_utils.Database, url: str) -> Feed | None:
    """The feed stored at `url`, or first requested as `url` before a redirect moved it."""
    return _find(db, url)


def get_feed_by_id(db: sqlite_utils.Database, feed_id: int) -> Feed | None:
    row = db.conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    return _row_to_feed(row) if row else None


def list_feeds(db: sqlite_utils.Database, *, include_removed: bool = False) -> list[Feed]:
    """Feeds with their article counts, config feeds first, then by name."""
    where = "" if include_removed else "WHERE f.removed IS NULL"
    rows = db.conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds f {where} "
        "ORDER BY f.source = 'user', COALESCE(f.name, f.title, f.url) COLLATE NOCASE, f.id"
    )
    return [_row_to_feed(row) for row in rows]


def sync_config_feeds(db: sqlite_utils.Database, specs: Sequence[FeedSpec], now: datetime) -> None:
    """Make the config feeds in the table match config.toml (see the module docstring).

    A URL that is also a user feed becomes a config feed: config.toml is the stronger claim.
    Every command runs this, so when nothing changed it only reads: a write would have to wait
    for a poll's long refresh transaction to finish.
    """
    if _in_sync(db, specs):
        return
    stamp = to_db(now)
    with transaction(db):
        conn = db.conn
        keep: set[int] = set()
        for spec in specs:
            found = _find(db, spec.url)
            if found is None:
                cursor = conn.execute(
                    "INSERT INTO feeds (url, name, source, full_text, added) VALUES (?, ?, 'config', ?, ?)",
                    (spec.url, spec.name, int(spec.full_text), stamp),
                )
                assert cursor.lastrowid is not None
                keep.add(cursor.lastrowid)
            else:
                fresh = _FRESH_START if found.removed is not None else ""
                conn.execute(
                    f"UPDATE feeds SET name = ?, full_text = ?, source = 'config', removed = NULL {fresh}"
                    " WHERE id = ?",
                    (spec.name, int(spec.full_text), found.id),
                )
                keep.add(found.id)
        current = [row[0] for row in conn.execute(
            "SELECT id FROM feeds WHERE source = 'config' AND removed IS NULL")]
        for feed_id in current:
            if feed_id not in keep:
                conn.execute("UPDATE feeds SET removed = ? WHERE id = ?", (stamp, feed_id))


def _in_sync(db: sqlite_utils.Database, specs: Sequence[FeedSpec]) -> bool:
    by_url: dict[str, tuple[int, str | None, bool, str, bool]] = {}
    by_requested: dict[str, tuple[int, str | None, bool, str, bool]] = {}
    for feed_id, url, requested, name, full_text, source, removed in db.conn.execute(
        "SELECT id, url, requested_url, name, full_text, source, removed FROM feeds"
    ):
        stored = (int(feed_id), name, bool(full_text), str(source), removed is None)
        by_url[url] = stored
        if requested:
            by_requested[requested] = stored
    matched: set[int] = set()
    for spec in specs:
        found = by_url.get(spec.url) or by_requested.get(spec.url)
        if found is None or found[1:] != (spec.name, spec.full_text, "config", True):
            return False
        matched.add(found[0])
    active = {row[0] for row in by_url.values() if row[3] == "config" and row[4]}
    return active <= matched


def add_feed(db: sqlite_utils.Database, url: str, now: datetime, *, name: str | None = None,
             full_text: bool = False) -> Feed:
    """Add a user feed (or revive a removed one); FeedError when it is already polled."""
    with transaction(db):
        found = _find(db, url)
        if found is not None and found.removed is None:
            raise FeedError(f"{url}: already in the feed list "
                            f"(as {found.source} feed {found.display_name!r})")
        if found is None:
            db.conn.execute(
                "INSERT INTO feeds (url, name, source, full_text, added) VALUES (?, ?, 'user', ?, ?)",
                (url, name, int(full_text), to_db(now)),
            )
        else:
            db.conn.execute(
                "UPDATE feeds SET source = 'user', name = COALESCE(?, name), full_text = ?, removed = NULL"
                f" {_FRESH_START} WHERE id = ?",
                (name, int(full_text), found.id),
            )
    feed = _find(db, url)
    assert feed is not None
    return feed


def remove_feed(db: sqlite_utils.Database, url: str, now: datetime, *, purge: bool = False) -> Feed:
    """Stop polling a user feed, keeping its articles (or delete them too with `purge`).

    Config feeds are refused: they would come back on the next run; the fix is to edit
    config.toml.
    """
    with transaction(db):
        found = _find(db, url)
        if found is None or (found.removed is not None and not purge):
            raise FeedError(f"{url}: not in the feed list; see `partwatch feeds list`")
        if found.source == "config" and found.removed is None:
            raise FeedError(f"{url}: comes from config.toml; delete its [[feeds]] entry there instead")
        if purge:
            db.conn.execute("DELETE FROM articles WHERE feed_id = ?", (found.id,))
            db.conn.execute("DELETE FROM feeds WHERE id = ?", (found.id,))
        else:
            db.conn.execute("UPDATE feeds SET removed = ? WHERE id = ?", (to_db(now), found.id))
    return found


def due_feeds(db: sqlite_utils.Database, now: datetime, settings: PollSettings, *,
              force: bool = False) -> tuple[list[Feed], list[Feed]]:
    """(due, skipped) among the active feeds, as feeds.schedule.is_due decides.

    `force` polls every active feed now, whatever min_interval or a backoff says; a feed that
    answered 410 Gone or was removed stays out even then.
    """
    due: list[Feed] = []
    skipped: list[Feed] = []
    for feed in list_feeds(db):
        if feed.gone:
            skipped.append(feed)
        elif is_due(last_polled=feed.last_polled, last_status=feed.last_status, failures=feed.failures,
                    retry_after=None, next_due=feed.next_due, min_interval=settings.min_interval,
                    now=now, force=force):
            due.append(feed)
        else:
            skipped.append(feed)
    return due, skipped


def feed_state(feed: Feed) -> FeedState:
    """What the poller needs to know about a stored feed."""
    return FeedState(url=feed.url, etag=feed.etag, last_modified=feed.last_modified)


def store_result(db: sqlite_utils.Database, feed: Feed, result: FeedResult, now: datetime,
                 settings: PollSettings, *, defer_index: bool = False) -> StoredResult:
    """Store one poll's outcome: its articles and the feed's new state, in ONE transaction.

    A process killed halfway leaves either the whole batch with the feed's new ETag, or
    neither: never articles without state (which would refetch) or state without articles
    (which would 304 and lose them forever). `defer_index`: see store_articles.
    """
    with transaction(db):
        feed_id = _follow_redirect(db, feed, result)
        new_ids: list[int] = []
        updated_ids: list[int] = []
        if result.status == "ok" and result.articles:
            new_ids, updated_ids = store_articles(db, feed_id, result.articles, now,
                                                  defer_index=defer_index)
        if new_ids or updated_ids:
            mark_pending_refresh(db, feed_id, new_ids + updated_ids)
        _record(db, feed_id, feed.failures, result, now, settings)
    return StoredResult(feed_id, new_ids, updated_ids)


PENDING_REFRESH = "refresh_pending:"
"""meta keys `refresh_pending:<feed id>`: articles stored (in the same transaction) whose refresh
(stories, desk) has not completed yet. A poll killed between storing and refreshing, or whose
refresh failed, leaves them here, and the next poll refreshes them with its own."""


def mark_pending_refresh(db: sqlite_utils.Database, feed_id: int, ids: list[int]) -> None:
    key = f"{PENDING_REFRESH}{feed_id}"
    row = db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    known: list[int] = json.loads(row[0]) if row else []
    db.conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(list(dict.fromkeys([*known, *ids])))),
    )


def pending_refresh(db: sqlite_utils.Database) -> list[int]:
    """Ids of stored articles whose refresh has not completed (see PENDING_REFRESH)."""
    ids: list[int] = []
    for (value,) in db.conn.execute("SELECT value FROM meta WHERE key GLOB ?", (PENDING_REFRESH + "*",)):
        ids.extend(json.loads(value))
    return list(dict.fromkeys(ids))


def clear_pending_refresh(db: sqlite_utils.Database) -> None:
    """Forget the pending ids once a refresh over all of them has completed."""
    with transaction(db):
        db.conn.execute("DELETE FROM meta WHERE key GLOB ?", (PENDING_REFRESH + "*",))


def record_result(db: sqlite_utils.Database, feed: Feed, result: FeedResult, now: datetime,
                  settings: PollSettings) -> int:
    """Update the feed's state after a poll without storing articles; returns its id afterwards."""
    return store_result(db, feed, _without_articles(result), now, settings).feed_id


def _without_articles(result: FeedResult) -> FeedResult:
    return replace(result, articles=[])


def _record(db: sqlite_utils.Database, feed_id: int, failures: int, result: FeedResult, now: datetime,
            settings: PollSettings) -> None:
    failed = result.status == "failed"
    due, failures = after_result(result.status, now=now, failures=failures,
                                 min_interval=settings.min_interval, retry_after=result.retry_after)
    values: dict[str, Any] = {
        "last_polled": to_db(now),
        "last_status": result.status,
        "http_status": result.http_status,
        "last_error": result.error if failed or result.status == "gone" else None,
        "warning": result.warning,
        "failures": failures,
        "next_due": to_db(due) if due is not None else None,
        "gone": int(result.status == "gone"),
    }
    if result.status != "not_modified":
        # After a failure the validators are dropped (the poller returns None) so that the next
        # poll fetches in full instead of getting a 304 for a body it never stored.
        values["etag"] = result.etag
        values["last_modified"] = result.last_modified
    else:
        # A 304 may carry fresh validators; keep the old ones when it does not.
        if result.etag:
            values["etag"] = result.etag
        if result.last_modified:
            values["last_modified"] = result.last_modified
    if result.feed_title:
        values["title"] = result.feed_title
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.conn.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*values.values(), feed_id))


def _follow_redirect(db: sqlite_utils.Database, feed: Feed, result: FeedResult) -> int:
    """Apply a permanent redirect to the stored URL; return the id the result belongs to.

    When another row already holds the new URL (the user had both), the two are merged into
    it: articles whose guid it lacks move over, the rest are the same entries and go with the
    old row, and the old URL is remembered as the survivor's requested_url when it has none.
    """
    new_url = result.new_url
    if not new_url or new_url == feed.url or result.status == "failed":
        return feed.id
    conn = db.conn
    other = conn.execute("SELECT id, requested_url, source FROM feeds WHERE url = ?", (new_url,)).fetchone()
    requested = conn.execute("SELECT requested_url FROM feeds WHERE id = ?", (feed.id,)).fetchone()[0]
    original = requested or feed.url
    if other is None:
        conn.execute("UPDATE feeds SET url = ?, requested_url = ? WHERE id = ?", (new_url, original, feed.id))
        return feed.id
    target = int(other[0])
    conn.execute("UPDATE OR IGNORE articles SET feed_id = ? WHERE feed_id = ?", (target, feed.id))
    conn.execute("DELETE FROM articles WHERE feed_id = ?", (feed.id,))
    conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
    if other[1] is None:
        conn.execute("UPDATE feeds SET requested_url = ? WHERE id = ?", (original, target))
    if feed.source == "config":
        conn.execute("UPDATE feeds SET source = 'config', removed = NULL WHERE id = ?", (target,))
    return target
