"""Records of the partnership desk that leave store/ (read by tracking/, the CLI and the TUI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Source:
    """One article as cited by the desk: where a story, fact, evidence or hit comes from."""

    article_id: int
    feed: str
    url: str | None
    title: str
    published: datetime
    first_seen: datetime


@dataclass(frozen=True)
class StoryRef:
    """A story as the timeline needs it; `members`: the origin first, then publication order."""

    id: int
    title: str
    url: str | None
    origin: str
    outlets: int
    first_published: datetime
    summary: str
    members: tuple[Source, ...]


@dataclass(frozen=True)
class FactRecord:
    """A dated fact as stored: one sentence of one article, with its resolved date."""

    partnership: str
    date: date
    precision: str
    expression: str
    sentence: str
    source: Source
    story_id: int | None = None


@dataclass(frozen=True)
class Evidence:
    """A sentence of an article that bears on a question."""

    source: Source
    sentence: str


@dataclass(frozen=True)
class Hit:
    """A watch item's hit: the article, the sentence that matched, when it was found."""

    item_id: str
    source: Source
    sentence: str
    found: datetime
    seen: bool = False


@dataclass(frozen=True)
class AdoptedQuestion:
    """A suggested question the user adopted (kept in the database, not in config.toml)."""

    id: str
    partnership: str | None
    text: str
    terms: tuple[tuple[str, ...], ...]
