"""`partwatch doctor`'s checks: config, database, poll lock and feeds, each finding one line.

Every finding has a level, and a fix when there is something to do:
- ok: a check passed (the line says what was checked: the file, its size, the counts);
- note: worth knowing, nothing to fix (a feed that failed once and retries; a parse warning,
  which is the publisher's to fix; an older schema the next command upgrades);
- warning: something to fix for partwatch to do its job (a feed failing FAILING_AFTER times in a
  row or gone, feeds never polled, a poll lock held for hours, no feeds at all);
- error: partwatch cannot work on this file (unreadable, damaged, newer schema, not writable)
  or the config is bad.
A bad config stops the checks there (the database path may come from it) with exit code 2;
otherwise the exit code is 1 when anything is a warning or an error, else 0.

Nothing here writes: the database is opened read-only (store/health.py), the lock is probed
with a shared flock released at once (partwatch/lock.py).
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from feeds.text import fold_line
from partwatch.config import Config, ConfigError, default_config_path, find_config, load_config
from partwatch.lock import lock_holder
from store.db import StoreError, latest_version
from store.feeds import get_feed
from store.health import MAX_PROBLEMS, DatabaseHealth, inspect_database, open_read_only
from store.records import Feed
from store.timefmt import to_db

FAILING_AFTER = 3
"""Consecutive failures that make a feed a warning: one or two are usually a server's bad
minute, and the backoff retries them; three (at least min_interval x 3 apart) rarely heal."""

LARGE_WAL = 64 * 1024 * 1024
"""A -wal file this big outlives normal use (SQLite folds it back every ~4 MB when no reader
holds an old snapshot): a dashboard left open for days, or a process killed mid-write."""

STUCK_LOCK = timedelta(hours=1)
"""A poll holding its lock longer than this is stuck: a poll of a thousand feeds takes minutes."""

MANY_NEVER_POLLED = 5
"""More feeds never polled than this make one line, not one each: after an OPML import of 300
feeds, 300 lines would bury every other finding."""

@dataclass(frozen=True)
class Finding:
    level: str          # ok | note | warning | error
    check: str          # config | database | lock | feed
    subject: str        # the file or the feed URL it is about
    message: str        # what was found, one line
    fix: str | None = None

    def line(self) -> str:
        text = f"{self.level}: {self.message}"
        return fold_line(f"{text}: {self.fix}" if self.fix else text)


@dataclass(frozen=True)
class DatabaseFacts:
    path: Path
    exists: bool
    size: int | None = None
    wal_size: int | None = None
    writable: bool | None = None
    health: DatabaseHealth | None = None


@dataclass
class Report:
    config_path: Path | None = None
    config: Config | None = None
    database: DatabaseFacts | None = None
    lock_pid: str | None = None
    findings: list[Finding] = field(default_factory=list)
    config_error: bool = False

    def add(self, level: str, check: str, subject: object, message: str, fix: str | None = None) -> None:
        self.findings.append(Finding(level, check, str(subject), message, fix))

    @property
    def exit_code(self) -> int:
        if self.config_error:
            return 2
        return 1 if any(f.level in ("warning", "error") for f in self.findings) else 0


def diagnose(config_path: Path | None, db_path: Path | None, now: datetime) -> Report:
    """Run every check that applies (a bad config stops them); see the module docstring."""
    report = Report()
    config = _check_config(report, config_path, db_path)
    if config is None:
        return report
    facts = _check_database(report, config.db_path)
    report.database = facts
    if facts.exists:
        _check_lock(report, config.db_path, now)
    if facts.health is not None and facts.health.feeds is not None:
        _check_feeds(report, config, facts.path, facts.health.feeds, now)
    elif not facts.exists and not config.feeds:
        _no_feeds(report, config.db_path)
    return report


def _check_config(report: Report, config_path: Path | None, db_path: Path | None) -> Config | None:
    target, _ = find_config(config_path)
    report.config_path = target
    try:
        config = load_config(config_path, db_path)
    except ConfigError as exc:
        report.config_error = True
        report.add("error", "config", target, str(exc))
        return None
    report.config = config
    if config.path is None:
        report.add("note", "config", target, f"no config file at {target} (built-in defaults, no [[feeds]])",
                   "`partwatch init` writes the commented default there")
    else:
        report.add("ok", "config", config.path,
                   f"config {config.path}: {len(config.feeds)} feeds, "
                   f"{len(config.partnerships)} partnerships, {len(config.questions)} questions, "
                   f"{len(config.watch)} watch items")
    return config


def _check_database(report: Report, path: Path) -> DatabaseFacts:
    if not path.exists():
        report.add("warning", "database", path, f"database {path} does not exist yet",
                   "`partwatch poll` creates it (or point --db or [store] path at yours)")
        return DatabaseFacts(path, exists=False)
    if path.is_dir():
        report.add("error", "database", path, f"database {path} is a folder",
                   "point --db or [store] path at a file")
        return DatabaseFacts(path, exists=True)
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else None
    writable = _writable(path)
    facts = DatabaseFacts(path, True, path.stat().st_size, wal_size, writable)
    try:
        health = inspect_database(path)
    except StoreError as exc:
        report.add("error", "database", path, str(exc),
                   "if it is not yours to keep, move it aside and `partwatch poll` starts a new one; "
                   "else restore it from a backup")
        return facts
    facts = DatabaseFacts(path, True, facts.size, wal_size, writable, health)
    if health.problems:
        count = f"{len(health.problems)}{'+' if len(health.problems) >= MAX_PROBLEMS else ''}"
        report.add("error", "database", path,
                   f"database {path} is damaged ({count} problems; first: {health.problems[0]})",
                   f"stop partwatch, copy the file aside, then `sqlite3 {shlex.quote(str(path))} .recover "
                   "| sqlite3 recovered.db` and use recovered.db, or start afresh without it")
    newest = latest_version()
    if health.schema_version > newest:
        report.add("error", "database", path,
                   f"database schema version {health.schema_version} is newer than this partwatch knows "
                   f"({newest})", "upgrade partwatch (`pipx upgrade partwatch`, `uv tool upgrade partwatch` "
                   "or `pip install -U .`); the file is untouched")
    elif health.schema_version < newest:
        report.add("note", "database", path,
                   f"database schema version {health.schema_version}; this partwatch's is {newest}",
                   "the next `partwatch poll` (or any command) upgrades it")
    if health.journal_mode != "wal":
        report.add("note", "database", path, f"journal mode is {health.journal_mode}, not wal",
                   "the next `partwatch poll` (or any command) switches it to WAL")
    if wal_size is not None and wal_size >= LARGE_WAL:
        report.add("warning", "database", path, f"leftover write-ahead log {wal} of {_size(wal_size)}",
                   "close dashboards left open and let running polls finish: the last connection to "
                   "close folds it back into the database")
    if not writable:
        report.add("error", "database", path, f"database {path} (or its folder) is not writable by you",
                   "polls will fail until you fix the permissions (chmod/chown) or use another --db")
    if not health.problems and health.schema_version <= newest:
        feeds = f", {len(health.feeds)} feeds" if health.feeds is not None else ""
        wal_note = f" (+{_size(wal_size)} WAL)" if wal_size else ""
        report.add("ok", "database", path,
                   f"database {path}: {_size(facts.size or 0)}{wal_note}, schema {health.schema_version}, "
                   f"journal {health.journal_mode}, integrity ok{feeds}")
    if health.pending_refresh:
        report.add("note", "database", path,
                   f"{health.pending_refresh} articles await the refresh of stories and the desk "
                   "(a poll was killed or its refresh failed)", "the next `partwatch poll` does it")
    return facts


def _check_lock(report: Report, db_path: Path, now: datetime) -> None:
    holder = lock_holder(db_path)
    if holder is None:
        return
    report.lock_pid = holder.pid
    if now - holder.since >= STUCK_LOCK:
        report.add("warning", "lock", db_path,
                   f"a poll (pid {holder.pid}) has held the poll lock since {to_db(holder.since)}",
                   f"if it is stuck, stop it (`kill {holder.pid}`): the kernel frees the lock when it exits")
    else:
        report.add("note", "lock", db_path,
                   f"a poll (pid {holder.pid}) is running now (since {to_db(holder.since)})")


def _check_feeds(report: Report, config: Config, db_path: Path, feeds: tuple[Feed, ...],
                 now: datetime) -> None:
    known = {feed.url for feed in feeds}
    missing = [spec.url for spec in config.feeds if spec.url not in known]
    if missing:
        # Config feeds not in the table yet, or moved by a redirect (stored under the new URL).
        db = open_read_only(db_path)
        try:
            missing = [url for url in missing if get_feed(db, url) is None]
        finally:
            db.conn.close()
    never = [(url, f"{_name(url)} (config)") for url in missing]
    never += [(feed.url, _name(feed.display_name)) for feed in feeds
              if feed.last_polled is None and not feed.gone]
    if len(never) > MANY_NEVER_POLLED:
        names = ", ".join(name for _, name in never[:3])
        report.add("warning", "feed", db_path, f"{len(never)} feeds have never been polled ({names}, ...)",
                   "run `partwatch poll`")
    else:
        for url, name in never:
            report.add("warning", "feed", url, f"feed {name} has never been polled", "run `partwatch poll`")
    for feed in feeds:
        _check_feed(report, config, feed, now)
    if not feeds and not missing:
        _no_feeds(report, db_path)


def _no_feeds(report: Report, db_path: Path) -> None:
    report.add("warning", "feed", db_path, "no feeds to poll",
               "run `partwatch init` and list feeds under [[feeds]], or `partwatch feeds add URL`")


def _check_feed(report: Report, config: Config, feed: Feed, now: datetime) -> None:
    name = _name(feed.display_name)
    if feed.gone:
        report.add("warning", "feed", feed.url, f"feed {name} answered 410 Gone and is no longer polled",
                   _remove_fix(config, feed))
    elif feed.last_status == "failed" and feed.failures > 0:
        error = fold_line(feed.last_error or "no error recorded")[:160]
        retry = (f"; backing off, next try {to_db(feed.next_due)}"
                 if feed.next_due is not None and feed.next_due > now else "; due now")
        times = "once" if feed.failures == 1 else f"{feed.failures} times"
        message = f"feed {name} has failed {times} in a row ({error}){retry}"
        if feed.failures >= FAILING_AFTER:
            report.add("warning", "feed", feed.url, message, f"check the URL ({fold_line(feed.url)}) or "
                       + _remove_fix(config, feed))
        else:
            report.add("note", "feed", feed.url, message)
    if feed.warning:
        report.add("note", "feed", feed.url,
                   f"feed {name} parsed with a warning ({fold_line(feed.warning)[:160]})",
                   "its articles were stored; the feed's publisher can fix its markup")


def _writable(path: Path) -> bool:
    """A poll writes the file and creates the -wal, -shm and .lock files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _remove_fix(config: Config, feed: Feed) -> str:
    if feed.source == "config":
        where = config.path or default_config_path()
        return f"delete its [[feeds]] entry from {where}"
    return f"`partwatch feeds remove {shlex.quote(fold_line(feed.url))}`"


def _name(text: str) -> str:
    return f'"{fold_line(text)[:60]}"'


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
