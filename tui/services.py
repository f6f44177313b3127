"""What the dashboard is given by the command line: the services it may call, as plain callables.

The TUI never fetches or exports by itself (no HTTP in tui/, and the pipeline lives in
partwatch/): `partwatch tui` and `partwatch demo` hand it these, and tests hand it fakes.
Both run in a thread worker, so they may block; `progress(done, total)` may be called from
that thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from store.desk_records import Hit
from tracking.model import Partnership, Question, WatchItem
from tracking.questions import QuestionView, Suggestion
from tracking.timeline import TimelineEntry


@dataclass(frozen=True)
class WatchHitNote:
    """One new watch hit, as a notification shows it."""

    item: str
    title: str
    feed: str
    url: str | None = None


@dataclass(frozen=True)
class PollSummary:
    """What one poll did, for the notification after it."""

    feeds: int = 0
    new_articles: int = 0
    failed: int = 0
    watch_hits: tuple[WatchHitNote, ...] = field(default_factory=tuple)
    errors: tuple[str, ...] = field(default_factory=tuple)
    alert_failures: tuple[str, ...] = field(default_factory=tuple)   # [[notify]] entries that failed


Progress = Callable[[int, int], None]
PollService = Callable[[Progress], PollSummary]
# export(partnership id or None for all, target path) -> the path written
ExportService = Callable[[str | None, Path], Path]
Clock = Callable[[], datetime]


class DeskConfig(Protocol):
    """The parts of partwatch's Config the dashboard reads."""

    @property
    def partnerships(self) -> tuple[Partnership, ...]: ...

    @property
    def questions(self) -> tuple[Question, ...]: ...

    @property
    def watch(self) -> tuple[WatchItem, ...]: ...


@dataclass(frozen=True)
class WatchLine:
    """A watch item as the Watch view lists it."""

    id: str
    title: str
    state: str                      # quiet | new | seen
    hits: tuple[Hit, ...]


class Desk(Protocol):
    """The partnership desk as the dashboard reads and changes it (partwatch/ assembles it from
    store/ and tracking/, the same code as the CLI; every call runs in a thread worker with that
    thread's connection `db`)."""

    def timeline(self, db: Any, partnership: str) -> list[TimelineEntry]: ...

    def questions(self, db: Any, partnership: str | None) -> list[QuestionView]: ...

    def suggestions(self, db: Any, partnership: str | None) -> list[Suggestion]: ...

    def watch(self, db: Any, partnership: str | None) -> list[WatchLine]: ...

    def looked(self, db: Any, partnership: str, when: datetime) -> None: ...

    def answer(self, db: Any, question_id: str, text: str | None, article_id: int | None,
               when: datetime) -> None: ...

    def reopen(self, db: Any, question_id: str, when: datetime) -> None: ...

    def adopt(self, db: Any, suggestion_id: str, partnership: str | None, when: datetime) -> str: ...

    def dismiss(self, db: Any, suggestion_id: str, when: datetime) -> None: ...

    def mark_seen(self, db: Any, item_ids: list[str] | None) -> int: ...

    def merge_stories(self, db: Any, story_a: int, story_b: int) -> int:
        """Merge two stories (a manual decision, kept across rebuilds); the id of the merged one."""
        ...

    def split_article(self, db: Any, article_id: int) -> int:
        """Take an article out of its story (kept across rebuilds); the id of its own new story."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
