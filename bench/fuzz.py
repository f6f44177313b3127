"""Fuzz the parse-to-store path for longer than the test suite does.

    .venv/bin/python bench/fuzz.py [--examples N] [--seed S]

Runs the property of tests/hostile/test_fuzz.py (tests/hostile/strategies.py) with N examples
(default 3000) and prints how many documents were tried, how many stored articles, and the wall
time. A failure prints Hypothesis' minimal failing document and exits 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.hostile.strategies import check_parse_to_store, feed_documents  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    tally = {"documents": 0, "articles": 0, "feeds": 0}

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(feed_documents())
    def run(document: tuple[bytes, str]) -> None:
        stored = check_parse_to_store(*document)
        tally["documents"] += 1
        tally["articles"] += stored
        tally["feeds"] += stored > 0

    if args.seed is not None:
        run = seed(args.seed)(run)
    started = time.perf_counter()
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - report and fail
        traceback.print_exception(exc)
        print(f"FAILED after {tally['documents']} documents: {type(exc).__name__}: {exc}")
        return 1
    wall = time.perf_counter() - started
    print(f"documents tried:         {tally['documents']}")
    print(f"documents with articles: {tally['feeds']}")
    print(f"articles stored:         {tally['articles']}")
    print(f"wall time:               {wall:.1f} s")
    print("no exception escaped; every stored article had a guid, a title and a valid UTC date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
