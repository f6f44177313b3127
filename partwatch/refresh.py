"""What runs after every poll, on the articles it added or changed.

`partwatch poll`, `partwatch demo` and the dashboard's poll all end here, so stories, tags,
question evidence and watch hits are brought up to date the same way whichever started the poll.
Each step is incremental: it gets only the ids of new and updated articles. The steps run in
order because the desk (tagging, evidence, watch hits) reads the stories the first step placed.

Adding a step: call it below in `after_poll` and add the field it reports to RefreshReport.
Anything that needs a human (a new watch hit) goes into `alerts` as one plain line: that is
what `poll --quiet` prints, so cron mails it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlite_utils

from partwatch.config import Config
from partwatch.stamps import STORIES_SETTINGS_KEY, desk_hashes, stories_stamp
from store.desk import get_meta

if TYPE_CHECKING:
    from partwatch import desk_sync, stories_sync


@dataclass
class RefreshReport:
    """What the refresh did; `alerts` are one-line messages for a human (printed by poll --quiet)."""

    changed: int = 0
    alerts: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)     # wall time per step, for bench/
    desk: desk_sync.DeskReport | None = None
    stories: stories_sync.StoriesReport | None = None


def preload() -> None:
    """Import the steps' modules ahead of time.

    They pull in numpy and scipy (through datasketch) and dateparser: about a second of imports
    that `partwatch --help` or `feeds list` should never pay, and that a poll with new articles
    pays in a thread while it waits on the network (partwatch/polling.py) rather than after it.
    A poll where nothing changed never imports them (see `after_poll`).
    """
    from partwatch import desk_sync, stories_sync  # noqa: F401


def after_poll(db: sqlite_utils.Database, config: Config, changed_ids: Sequence[int]) -> RefreshReport:
    """Bring everything derived from articles up to date with `changed_ids` (new and updated).

    With no changed ids and the config stamps unchanged, both steps would return at once; they
    are skipped before their modules are imported, which is most of a warm poll's time.
    """
    report = RefreshReport(changed=len(changed_ids))
    if not changed_ids and _stamps_unchanged(db, config):
        report.seconds.update(stories=0.0, desk=0.0)
        return report
    from partwatch import desk_sync, stories_sync

    with _timed(report, "stories"):
        report.stories = stories_sync.place(db, config, changed_ids)
    with _timed(report, "desk"):
        report.desk = desk_sync.refresh(db, config, changed_ids)
    report.alerts += [hit.line() for hit in report.desk.new_hits]
    return report


def _stamps_unchanged(db: sqlite_utils.Database, config: Config) -> bool:
    """Whether the stories and desk steps last ran with this config (partwatch/stamps.py)."""
    if get_meta(db, STORIES_SETTINGS_KEY) != stories_stamp(config.dedupe):
        return False
    return all(get_meta(db, key) == value for key, value in desk_hashes(config).items())


@contextmanager
def _timed(report: RefreshReport, step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[step] = round(time.perf_counter() - started, 3)
