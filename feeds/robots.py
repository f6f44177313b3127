"""robots.txt for article pages: fetched once per host per poll, read by urllib.robotparser.

Feeds are made to be polled, so they are fetched without asking; an article page is a page of
the site, so before partwatch fetches one it asks the site's robots.txt, as the partwatch
User-Agent (robotparser matches its product token, `partwatch`).

What an answer means (RFC 9309, except that 401/403 are read as urllib.robotparser reads them):
- 2xx: the rules it states; an empty file allows everything.
- 401 or 403: everything disallowed (the site refuses robots even its rules).
- any other 4xx (404, 410, ...): there are no rules, everything is allowed.
- 429, 5xx, a timeout, a network error, a body over max_bytes: unknown, so nothing is fetched
  from that host this poll (conservative); the pages keep their teaser, record why, and a later
  poll asks again.
Redirects are followed with the feed fetcher's limits (feeds/fetch.py), so a robots.txt moved
to another host is read from there; a page's redirect to another host is checked against that
host's robots.txt before it is followed (feeds/pages.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from feeds.fetch import fetch_feed
from feeds.records import FeedResult, FeedState, PollSettings

ACCEPT = "text/plain, */*;q=0.5"


@dataclass(frozen=True)
class Verdict:
    """May this page be fetched? When not, `reason` is the line recorded for the page."""

    allowed: bool
    reason: str | None = None
    retry: bool = False


@dataclass(frozen=True)
class _Rules:
    parser: RobotFileParser | None     # None: the answer decided for every path
    allow_all: bool = True
    reason: str | None = None
    retry: bool = False


class Robots:
    """The robots.txt rules of each host seen in one poll; concurrent pages of one host share
    one fetch."""

    def __init__(self, client: httpx.AsyncClient, settings: PollSettings, now: datetime) -> None:
        self.client = client
        self.settings = settings
        self.now = now
        self.hosts: dict[str, asyncio.Task[_Rules]] = {}

    async def check(self, url: str) -> Verdict:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        task = self.hosts.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self.hosts[origin] = task
        rules = await asyncio.shield(task)
        if rules.parser is None:
            return Verdict(rules.allow_all, None if rules.allow_all else rules.reason, rules.retry)
        if rules.parser.can_fetch(self.settings.user_agent, url):
            return Verdict(True)
        return Verdict(False, "robots.txt disallows this page for partwatch")

    async def _load(self, origin: str) -> _Rules:
        robots_url = f"{origin}/robots.txt"
        fetched = await fetch_feed(self.client, FeedState(url=robots_url), self.settings, self.now,
                                   accept=ACCEPT)
        if not isinstance(fetched, FeedResult):
            parser = RobotFileParser(robots_url)
            parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
            return _Rules(parser)
        return _without_rules(fetched)

    async def aclose(self) -> None:
        for task in self.hosts.values():
            task.cancel()
        await asyncio.gather(*self.hosts.values(), return_exceptions=True)


def _without_rules(result: FeedResult) -> _Rules:
    """What a robots.txt that gave no body means (see the module docstring)."""
    status = result.http_status
    if status is not None and 200 <= status < 300:
        return _Rules(None)                         # an empty robots.txt
    if status in (401, 403):
        return _Rules(None, False, f"robots.txt answered HTTP {status}: the site refuses robots")
    if status is not None and 400 <= status < 500 and status != 429:
        return _Rules(None)
    return _Rules(None, False, f"robots.txt could not be fetched ({result.error}); page not fetched",
                  retry=True)
