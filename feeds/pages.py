"""Fetch article pages for full_text feeds and extract their main text.

The same limits as feeds (feeds/fetch.py does the fetching): `concurrency` pages in flight at
once, `timeout` per page, bodies over `max_bytes` refused while streaming, redirects checked.
Which pages and how many per feed (`full_text_max_pages`) is the caller's choice
(store/full_text.py `pending_pages`); this module fetches what it is given, asking each
host's robots.txt first (feeds/robots.py), and again for the host of each redirect.

Extraction (feeds/extract.py, trafilatura) is CPU work: it runs in one worker thread, never on
the event loop, so the other pages' sockets are served meanwhile. One thread because
trafilatura holds the GIL; a page cannot take longer than a few seconds of CPU as its size is
bounded by max_bytes, but a slower one is abandoned after `EXTRACT_TIMEOUT_MIN` (or the fetch
timeout, if longer) and fails alone.

Results are yielded in completion order, one PageResult per job; no page-level problem raises.
Use `contextlib.aclosing(fetch_pages(...))` when you may stop early.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from datetime import UTC, datetime

import httpx

from feeds.extract import NotExtracted, extract_text
from feeds.fetch import fetch_feed, make_client, one_line
from feeds.records import FeedResult, FeedState, PageJob, PageResult, PollSettings
from feeds.robots import Robots, Verdict
from feeds.tasks import as_finished

ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
EXTRACT_TIMEOUT_MIN = 60.0


async def fetch_pages(
    jobs: Sequence[PageJob],
    settings: PollSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    now: datetime | None = None,
) -> AsyncIterator[PageResult]:
    """Fetch each job's page and extract its text; yield one PageResult per job as it is done."""
    when = now or datetime.now(UTC)
    concurrency = max(1, settings.concurrency)
    slots = asyncio.Semaphore(concurrency)
    client = make_client(settings, transport, connections=concurrency)
    robots = Robots(client, settings, when)
    thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="partwatch-extract")
    timeout = max(EXTRACT_TIMEOUT_MIN, settings.timeout)
    try:
        async with aclosing(as_finished(_one(job, client, robots, thread, settings, when, slots, timeout)
                                        for job in jobs)) as results:
            async for result in results:
                yield result
    finally:
        await robots.aclose()
        await client.aclose()
        thread.shutdown(wait=False, cancel_futures=True)


async def _one(job: PageJob, client: httpx.AsyncClient, robots: Robots,
               thread: concurrent.futures.ThreadPoolExecutor, settings: PollSettings, now: datetime,
               slots: asyncio.Semaphore, timeout: float) -> PageResult:
    try:
        async with slots:
            refused: list[Verdict] = []

            async def check(url: str) -> str | None:
                verdict = await robots.check(url)
                if verdict.allowed:
                    return None
                refused.append(verdict)
                return verdict.reason or "robots.txt disallows this page"

            # The first host is asked before the page's deadline starts; a redirect's host
            # (a feed's click-tracking redirector, say) is asked before the hop is followed.
            if await check(job.url):
                return _failed(job, str(refused[0].reason), refused[0].retry)
            fetched = await fetch_feed(client, FeedState(url=job.url), settings, now, accept=ACCEPT,
                                       check_redirect=check)
        if isinstance(fetched, FeedResult) and refused:
            return _failed(job, str(refused[-1].reason), refused[-1].retry)
        if isinstance(fetched, FeedResult):
            status = fetched.http_status
            transient = status is None or status == 429 or status >= 500
            return _failed(job, fetched.error or "failed", transient)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                text = await loop.run_in_executor(
                    thread, extract_text, fetched.body, fetched.final_url,
                    fetched.headers.get("content-type", ""), job.teaser_chars)
        except NotExtracted as exc:
            return _failed(job, str(exc), False)
        except TimeoutError:
            return _failed(job, f"extracting the text took longer than {timeout:g} s", False)
        return PageResult(article_id=job.article_id, url=job.url, text=text)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - one page must never stop the others
        return _failed(job, one_line(f"unexpected error: {type(exc).__name__}: {exc}")[:300], True)


def _failed(job: PageJob, error: str, retry: bool) -> PageResult:
    return PageResult(article_id=job.article_id, url=job.url, error=error, retry=retry)
