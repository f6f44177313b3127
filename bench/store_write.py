"""How long storing one feed's batch takes, and whether the writer thread stalls the event loop.

    .venv/bin/python bench/store_write.py [FEEDS] [ENTRIES]     # default 1000 x 20

Prints per-batch store times (cold: all new; warm: unchanged entries, which must cost no write)
and the worst event-loop lag seen by a 1 ms ticker while the writer thread stores a cold poll's
worth of batches: the figure that justifies storing off the loop (partwatch/polling.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import queue
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feeds.records import FeedResult, ParsedArticle, PollSettings  # noqa: E402
from store.db import open_db  # noqa: E402
from store.feeds import add_feed, list_feeds, store_result  # noqa: E402
from store.records import Feed  # noqa: E402


def batch(feed: int, entries: int) -> list[ParsedArticle]:
    out = []
    for n in range(entries):
        text = f"Feed {feed} entry {n}: Microsoft, OpenAI and AWS. " * 40
        out.append(ParsedArticle(
            guid=f"{feed}-{n}", url=f"https://f{feed}.example/{n}", canonical_url=f"https://f{feed}.example/{n}",
            title=f"Story {n} from feed {feed}", text=text, author=None,
            published=datetime(2026, 3, 1, tzinfo=UTC), content_hash=hashlib.sha1(text.encode()).hexdigest()))
    return out


def main() -> None:
    feeds = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    entries = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    settings = PollSettings()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = open_db(path)
        now = datetime.now(UTC)
        for n in range(feeds):
            add_feed(db, f"https://f{n}.example/feed", now)
        rows = list_feeds(db)
        results = [FeedResult(url=f.url, status="ok", articles=batch(i, entries)) for i, f in enumerate(rows)]
        db.conn.close()

        for phase in ("cold", "warm"):
            inbox: queue.Queue[int | None] = queue.Queue()
            times: list[float] = []
            thread = threading.Thread(target=_writer, args=(path, rows, results, settings, inbox, times))
            started = time.perf_counter()
            thread.start()
            worst = asyncio.run(_feed_and_tick(len(rows), inbox))
            inbox.put(None)
            thread.join()
            total = time.perf_counter() - started
            print(f"{phase}: {feeds} batches x {entries} entries stored in {total:.2f} s; per batch "
                  f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms; "
                  f"worst event-loop lag {worst * 1000:.1f} ms")


def _writer(path: Path, rows: list[Feed], results: list[FeedResult], settings: PollSettings,
            inbox: queue.Queue[int | None], times: list[float]) -> None:
    wdb = open_db(path, migrate=False)
    while (index := inbox.get()) is not None:
        started = time.perf_counter()
        store_result(wdb, rows[index], results[index], datetime.now(UTC), settings)
        times.append(time.perf_counter() - started)
    wdb.conn.close()


async def _feed_and_tick(count: int, inbox: queue.Queue[int | None]) -> float:
    """Hand the writer one batch per 1 ms tick, as a poll would; return the worst tick overrun."""
    worst = 0.0
    for index in range(count):
        inbox.put(index)
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        worst = max(worst, time.perf_counter() - before - 0.001)
    return worst


if __name__ == "__main__":
    main()
