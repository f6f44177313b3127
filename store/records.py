"""Records that leave store/: rows as typed, immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    name: str | None
    title: str | None
    source: str                 # "config" | "user"
    full_text: bool
    etag: str | None
    last_modified: str | None
    last_polled: datetime | None
    last_status: str | None     # ok | not_modified | failed | gone
    http_status: int | None
    last_error: str | None
    warning: str | None
    failures: int
    next_due: datetime | None
    gone: bool
    articles: int = 0
    removed: datetime | None = None     # set when the feed left config.toml or was removed

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url


@dataclass(frozen=True)
class Article:
    """One stored article. `feed` is the outlet's display name (the feed's name or title)."""

    id: int
    feed_id: int
    feed: str
    guid: str
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    author: str | None
    published: datetime
    first_seen: datetime
    updated: datetime
    read: bool = False
    teaser: str | None = None           # the feed's own text, when `text` is the page's full text
    full_text_error: str | None = None  # why the article's page gave no full text (full_text feeds)


@dataclass(frozen=True)
class PageCounts:
    """Article pages of one full_text feed: extracted, failed for good, still to fetch."""

    fetched: int = 0
    failed: int = 0
    waiting: int = 0
    last_error: str | None = None
