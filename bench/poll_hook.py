#!/usr/bin/env python3
"""Benchmark hook (PROJECT_POLL_CMD contract of ../shared/bench) that drives feeds.poll directly.

Used by bench/poll.sh when the `partwatch` CLI is not available (or PARTWATCH_BENCH_DIRECT=1):
it measures the fetch+parse engine without the store. Validators and articles are kept in a
small SQLite file under DATA_DIR so warm runs send conditional requests like the real CLI.

env: FEEDS_FILE, DATA_DIR, WORKERS (ignored: concurrency is CONCURRENCY, default 64).
Prints `entries=<articles stored>` last.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feeds.poll import poll_feeds  # noqa: E402
from feeds.records import FeedState, PollSettings  # noqa: E402


async def main() -> int:
    urls = [u.strip() for u in Path(os.environ["FEEDS_FILE"]).read_text().splitlines()
            if u.strip() and not u.startswith("#")]
    db = sqlite3.connect(Path(os.environ["DATA_DIR"]) / "hook.sqlite")
    db.execute("PRAGMA journal_mode = WAL")  # as the real store: a commit per feed, no fsync each
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript("""
        CREATE TABLE IF NOT EXISTS feed(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
        CREATE TABLE IF NOT EXISTS article(feed TEXT, guid TEXT, title TEXT, text TEXT,
                                           PRIMARY KEY(feed, guid));""")
    known = {u: (e, m) for u, e, m in db.execute("SELECT url, etag, last_modified FROM feed")}
    states = [FeedState(u, *known.get(u, (None, None))) for u in urls]
    settings = PollSettings(concurrency=int(os.environ.get("CONCURRENCY", "64")))
    counts = {"ok": 0, "not_modified": 0, "failed": 0, "gone": 0}
    started = time.perf_counter()
    async for result in poll_feeds(states, settings):
        counts[result.status] += 1
        if result.status == "failed":
            print(f"ERROR {result.url}: {result.error}")
        with db:
            if result.status in ("ok", "not_modified"):
                db.execute("INSERT OR REPLACE INTO feed VALUES (?, ?, ?)",
                           (result.url, result.etag, result.last_modified))
            db.executemany("INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?)",
                           [(result.url, a.guid, a.title, a.text) for a in result.articles])
    total = db.execute("SELECT count(*) FROM article").fetchone()[0]
    print(f"poll_s={time.perf_counter() - started:.3f} " + " ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"entries={total}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
