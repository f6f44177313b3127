"""Records that leave feeds/: what to poll, how, and what came back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

USER_AGENT = "partwatch/0.1 (+https://github.com/partwatch/partwatch; feed monitor)"


@dataclass(frozen=True)
class PollSettings:
    """The [poll] table of config.toml, validated."""

    concurrency: int = 16
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    min_interval: int = 900
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    parse_workers: int = 2  # processes parsing feeds in parallel; 0 parses in a thread of the poll
    full_text_max_pages: int = 10  # article pages fetched per full_text feed per poll; 0 fetches none


@dataclass(frozen=True)
class FeedState:
    """One feed as the poller needs it: where it is and what the last poll left behind."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class ParsedArticle:
    """One entry of one feed, as plain text; `published` is UTC or None when the feed gave no date."""

    guid: str
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    author: str | None
    published: datetime | None
    content_hash: str


FetchStatus = Literal["ok", "not_modified", "failed", "gone"]


@dataclass(frozen=True)
class FeedResult:
    """The outcome of polling one feed once.

    `status` is "ok" (a body was parsed), "not_modified" (304), "failed" (see `error`) or
    "gone" (410: stop polling). `new_url` is set when a permanent redirect moved the feed.
    `warning` records a parse problem when some entries still parsed.
    `etag`/`last_modified` are the validators to store for the next poll: on "ok" the response's,
    on "not_modified" the response's or else the ones sent, on "failed"/"gone" None (so a feed that
    failed, e.g. with an HTML page, is fetched in full next time instead of answering 304).
    `retry_after` (seconds) is set from a 429/503 Retry-After header.
    """

    url: str
    status: FetchStatus
    http_status: int | None = None
    new_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed_title: str | None = None
    articles: list[ParsedArticle] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class PageJob:
    """One article page to fetch for a full_text feed; `teaser_chars` is the length of the feed's
    own text, which an extraction must beat to replace it."""

    article_id: int
    url: str
    teaser_chars: int = 0


@dataclass(frozen=True)
class PageResult:
    """The outcome of fetching one article page: its extracted `text`, or the `error` why not.

    `retry` is set when the failure may pass (network error, timeout, HTTP 429 or 5xx, an
    unreachable robots.txt), so a later poll may try again; a 404, a robots.txt disallow or a
    page without article text is final.
    """

    article_id: int
    url: str
    text: str | None = None
    error: str | None = None
    retry: bool = False
