"""Persistence for watch alerts: the [[notify]] entries seen so far and the outbox.

Storage only: partwatch/notify/ decides what to queue, sends, and records the outcome here.
The outbox is derived from watch_hits (`queue_candidates`), not written beside them, so a poll
killed after storing hits and before queueing them loses nothing: the next poll queues them.
The caller holds the write transaction for the writing functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from store.desk import SOURCE_COLUMNS, id_chunks, source_of_row
from store.timefmt import from_db, to_db


@dataclass(frozen=True)
class Pending:
    """A hit waiting to go to one entry, with what its payload needs."""

    entry_id: str
    item_id: str
    article_id: int
    headline: str
    outlet: str
    url: str | None                 # the canonical URL when the article has one, else its link
    published: datetime
    found: datetime
    sentence: str
    partnerships: tuple[str, ...]   # the partnerships the article concerns


@dataclass(frozen=True)
class OutboxCounts:
    """One entry's outbox: hits sent, hits waiting (`failing` of them after a failed attempt)."""

    sent: int = 0
    pending: int = 0
    failing: int = 0
    last_error: str | None = None


def entries(db: sqlite_utils.Database) -> set[str]:
    """The ids of the entries polls have known."""
    return {str(r[0]) for r in db.conn.execute("SELECT id FROM notify_entries")}


def add_entries(db: sqlite_utils.Database, entry_ids: Iterable[str], since: datetime) -> None:
    """Start new entries with every hit stored so far in their outbox as skipped: an entry gets
    only the hits found after it appeared. Marking rows, not comparing found times, keeps a
    hit found in the same second as the entry appeared on the right side of the line."""
    for entry_id in entry_ids:
        db.conn.execute("INSERT OR IGNORE INTO notify_entries (id, since) VALUES (?, ?)",
                        (entry_id, to_db(since)))
        db.conn.execute(
            "INSERT OR IGNORE INTO notify_outbox (entry_id, item_id, article_id, state, queued, done) "
            "SELECT ?, item_id, article_id, 'skipped', ?, ? FROM watch_hits",
            (entry_id, to_db(since), to_db(since)))


def drop_entries(db: sqlite_utils.Database, entry_ids: Iterable[str]) -> None:
    """Forget entries gone from config.toml, with their outbox (the schema's ON DELETE CASCADE;
    a comeback starts afresh)."""
    db.conn.executemany("DELETE FROM notify_entries WHERE id = ?", [(e,) for e in entry_ids])


def queue_candidates(db: sqlite_utils.Database, entry_id: str, watch: Sequence[str],
                     partnerships: Sequence[str]) -> list[tuple[str, int]]:
    """(item id, article id) of the unseen hits that pass the filters (empty: no filter) and
    are not in the entry's outbox yet (the hits stored before the entry appeared are, see
    `add_entries`). Read-only, so a poll with nothing new to queue never takes the write lock."""
    sql = ("SELECT h.item_id, h.article_id FROM watch_hits h WHERE h.seen = 0 "
           "AND NOT EXISTS (SELECT 1 FROM notify_outbox o WHERE o.entry_id = ? "
           "AND o.item_id = h.item_id AND o.article_id = h.article_id)")
    params: list[object] = [entry_id]
    if watch:
        sql += f" AND h.item_id IN ({','.join('?' * len(watch))})"
        params += watch
    if partnerships:
        sql += (" AND EXISTS (SELECT 1 FROM article_partnerships p WHERE p.article_id = h.article_id "
                f"AND p.partnership IN ({','.join('?' * len(partnerships))}))")
        params += partnerships
    sql += " ORDER BY h.found, h.article_id, h.item_id"
    return [(str(item), int(article)) for item, article in db.conn.execute(sql, params)]


def queue(db: sqlite_utils.Database, entry_id: str, pairs: Iterable[tuple[str, int]], when: datetime) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO notify_outbox (entry_id, item_id, article_id, queued) VALUES (?, ?, ?, ?)",
        [(entry_id, item, article, to_db(when)) for item, article in pairs])


_PENDING = "FROM notify_outbox AS o WHERE o.state = 'pending'"
_HIT = "SELECT 1 FROM watch_hits h WHERE h.item_id = o.item_id AND h.article_id = o.article_id"


def has_pending(db: sqlite_utils.Database) -> bool:
    return db.conn.execute(f"SELECT 1 {_PENDING} LIMIT 1").fetchone() is not None


def pending_count(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute(f"SELECT count(*) {_PENDING}").fetchone()[0])


def has_unsendable(db: sqlite_utils.Database) -> bool:
    """Whether a pending row's hit was marked seen or is gone (what drop_unsendable clears)."""
    return db.conn.execute(
        f"SELECT 1 {_PENDING} AND (NOT EXISTS ({_HIT}) OR EXISTS ({_HIT} AND h.seen = 1)) LIMIT 1"
    ).fetchone() is not None


def drop_unsendable(db: sqlite_utils.Database, when: datetime) -> None:
    """Skip what the user has seen before it went out; drop what no longer matches (the article
    changed or its watch item left config.toml): a hit that matches again is queued again."""
    db.conn.execute(f"UPDATE notify_outbox AS o SET state = 'skipped', done = ? "
                    f"WHERE o.state = 'pending' AND EXISTS ({_HIT} AND h.seen = 1)", (to_db(when),))
    db.conn.execute(f"DELETE {_PENDING} AND NOT EXISTS ({_HIT})")


def pending(db: sqlite_utils.Database, entry_id: str, now: datetime) -> list[Pending]:
    """The entry's hits waiting to go out and due at `now`, in the order they were found."""
    rows = db.conn.execute(
        f"SELECT o.item_id, h.found, h.sentence, {SOURCE_COLUMNS} "
        "FROM notify_outbox o JOIN watch_hits h ON h.item_id = o.item_id AND h.article_id = o.article_id "
        "JOIN articles a ON a.id = o.article_id JOIN feeds f ON f.id = a.feed_id "
        "WHERE o.entry_id = ? AND o.state = 'pending' AND h.seen = 0 "
        "AND (o.next_try IS NULL OR o.next_try <= ?) "
        "ORDER BY h.found, a.published, o.article_id, o.item_id", (entry_id, to_db(now))).fetchall()
    hits = [(str(r[0]), from_db(r[1]), str(r[2]), source_of_row(r, 3)) for r in rows]
    tags: dict[int, list[str]] = {}
    for marks, chunk in id_chunks(sorted({source.article_id for *_, source in hits})):
        for article_id, partnership in db.conn.execute(
            f"SELECT article_id, partnership FROM article_partnerships WHERE article_id IN ({marks}) "
            "ORDER BY partnership", chunk
        ):
            tags.setdefault(int(article_id), []).append(str(partnership))
    return [Pending(entry_id=entry_id, item_id=item_id, article_id=source.article_id, headline=source.title,
                    outlet=source.feed, url=source.url, published=source.published, found=found,
                    sentence=sentence, partnerships=tuple(tags.get(source.article_id, ())))
            for item_id, found, sentence, source in hits]


def mark_sent(db: sqlite_utils.Database, hit: Pending, attempts: int, when: datetime) -> None:
    db.conn.execute(
        "UPDATE notify_outbox SET state = 'sent', attempts = attempts + ?, last_try = ?, done = ?, "
        "last_error = NULL, next_try = NULL WHERE entry_id = ? AND item_id = ? AND article_id = ?",
        (attempts, to_db(when), to_db(when), hit.entry_id, hit.item_id, hit.article_id))


def mark_failed(db: sqlite_utils.Database, hit: Pending, attempts: int, error: str, when: datetime,
                next_try: datetime | None) -> None:
    db.conn.execute(
        "UPDATE notify_outbox SET attempts = attempts + ?, last_try = ?, last_error = ?, next_try = ? "
        "WHERE entry_id = ? AND item_id = ? AND article_id = ?",
        (attempts, to_db(when), error, to_db(next_try) if next_try else None, hit.entry_id, hit.item_id,
         hit.article_id))


def counts(db: sqlite_utils.Database) -> dict[str, OutboxCounts]:
    """Entry id -> its outbox counts (entries with an empty outbox are absent)."""
    found: dict[str, OutboxCounts] = {}
    for entry_id, sent, waiting, failing in db.conn.execute(
        "SELECT entry_id, sum(state = 'sent'), sum(state = 'pending'), "
        "sum(state = 'pending' AND last_error IS NOT NULL) FROM notify_outbox GROUP BY entry_id"
    ):
        last = db.conn.execute(
            "SELECT last_error FROM notify_outbox WHERE entry_id = ? AND state = 'pending' "
            "AND last_error IS NOT NULL ORDER BY last_try DESC LIMIT 1", (entry_id,)).fetchone()
        found[str(entry_id)] = OutboxCounts(sent=int(sent), pending=int(waiting), failing=int(failing),
                                            last_error=None if last is None else str(last[0]))
    return found
