"""The whole hostile-feed set in one poll beside 200 healthy feeds: does the poll survive it?

    .venv/bin/python bench/hostile.py [--healthy 200] [--timeout 5]

Serves every case of tests/hostile/catalog.py (HTTP errors, 410, a server that never answers,
a 1 byte/s trickle, truncated XML, HTML, a 50 MB body, a gzip bomb, redirect loops and schemes,
a wrong encoding, billion laughs, external entities, 10,000 entries, odd entries, unsafe links,
TLS failures) and N healthy feeds on loopback, runs `partwatch poll --json` once in a child
process, and prints: feeds tried, healthy feeds stored (must be all), errors recorded, wall
time and peak memory (largest resident set of the poll or its parser processes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.articles import count_articles  # noqa: E402
from store.db import open_db  # noqa: E402
from store.feeds import list_feeds  # noqa: E402
from tests.hostile.catalog import CASES, hostile_servers  # noqa: E402
from tests.hostile.cli import config_toml, make_cli, run_measured  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthy", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=5.0, help="[poll] timeout, seconds")
    parser.add_argument("--max-bytes", type=int, default=5_000_000, help="[poll] max_bytes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp, \
            hostile_servers(Path(tmp), healthy=args.healthy) as served:
        folder = Path(tmp)
        hostile = [served.urls[case.name] for case in CASES]
        cli = make_cli(folder, config_toml([*hostile, *served.healthy], timeout=args.timeout,
                                           max_bytes=args.max_bytes))
        run = run_measured(cli.argv("poll", "--json"), timeout=300)
        summary = json.loads(run.stdout)
        db = open_db(cli.db)
        try:
            feeds = {feed.url: feed for feed in list_feeds(db)}
            healthy_ok = sum(1 for url in served.healthy
                             if feeds[url].last_status == "ok" and count_articles(db, feeds[url].id) == 3)
            recorded = sum(1 for url in hostile if feeds[url].last_error or feeds[url].warning)
            articles = count_articles(db)
        finally:
            db.conn.close()
    print(f"feeds tried:            {summary['feeds']} "
          f"({len(hostile)} hostile + {len(served.healthy)} healthy)")
    print(f"healthy feeds stored:   {healthy_ok} / {len(served.healthy)}"
          + ("" if healthy_ok == len(served.healthy) else "   <-- NOT ALL"))
    print(f"errors recorded:        {summary['failed']} failed feeds (last_error), "
          f"{len(summary['warnings'])} parse warnings (warning); {recorded} / {len(hostile)} hostile feeds"
          " have one (the rest are valid feeds with odd entries, stored)")
    print(f"articles stored:        {articles}")
    print(f"exit code:              {run.returncode} (1 = some feeds failed)")
    seconds = summary["seconds"]
    print(f"wall time:              {run.seconds:.1f} s (fetch and store {seconds['fetch_and_store']} s,"
          f" stories {seconds.get('stories', 0)} s, desk {seconds.get('desk', 0)} s)")
    print(f"peak memory:            {run.peak_mb:.0f} MB (largest process: poll or parser worker)")
    for case in CASES:
        feed = feeds[served.urls[case.name]]
        record = feed.last_error or feed.warning or ""
        print(f"  {case.name:<22} {feed.last_status or '-':<7} {record[:90]}")
    return 0 if healthy_ok == len(served.healthy) and run.returncode == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
