"""Story placement speed and memory, beside naive all-pairs rapidfuzz.

Articles come from bench/corpus.py (real GNews polls in published order, replayed past 74k).
Prints, for 10k / 30k / 100k articles placed from empty: seconds, articles a second, and the
time per article (flat = linear growth; the index holds one window, so it stays flat); then
1,000 new articles placed into the 100k index; then the same 1k through the store path
(`partwatch.stories_sync.place` on a SQLite store of N articles: window load + placement +
writes) when --store is given; peak memory (tracemalloc of Python allocations, and the
process's max RSS); and naive all-pairs `rapidfuzz.process.cdist(fuzz.ratio)` over the
titles plus union-find at 60, on the sizes it can reach.

    .venv/bin/python bench/dedupe_speed.py [--sizes 10000,30000,100000] [--naive 1000,3000,10000]
        [--store 20000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/tracking.py must not shadow tracking/

from corpus import iter_corpus_articles  # noqa: E402

from tracking.dedupe import ArticleInput, features  # noqa: E402
from tracking.model import DedupeSettings  # noqa: E402
from tracking.stories import StoryIndex  # noqa: E402


def inputs(n: int) -> list[ArticleInput]:
    out = []
    for i, (feed, a) in enumerate(iter_corpus_articles(n), 1):
        assert a.published is not None
        out.append(
            ArticleInput(
                id=i,
                feed=feed,
                url=a.url,
                canonical_url=a.canonical_url,
                title=a.title,
                text=a.text,
                published=a.published,
            )
        )
    return out


def place(
    articles: list[ArticleInput], settings: DedupeSettings, index: StoryIndex | None = None
) -> tuple[StoryIndex, float]:
    index = index or StoryIndex(settings)
    started = time.perf_counter()
    for article in articles:
        index.place(features(article, settings))
    return index, time.perf_counter() - started


def naive(titles: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    matrix = process.cdist(
        titles,
        titles,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        workers=-1,
        dtype=np.uint8,
        score_cutoff=60,
    )
    parent = list(range(len(titles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, cols = np.nonzero(np.triu(matrix >= 60, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        parent[root(i)] = root(j)
    return time.perf_counter() - started, len({root(i) for i in range(len(titles))})


def store_increment(n: int, settings_note: str) -> None:
    import tempfile

    from corpus import build_db

    from partwatch import stories_sync
    from partwatch.config import load_config
    from store.db import open_db

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        build_db(path, n + 1000)
        db = open_db(path)
        cfg = load_config(ROOT / "partwatch" / "demo" / "config.toml", path)
        ordered = [int(r[0]) for r in db.conn.execute("SELECT id FROM articles ORDER BY published, id")]
        head, tail = ordered[:n], ordered[n:]
        db.conn.execute("DELETE FROM meta WHERE key = ?", (stories_sync.SETTINGS_KEY,))
        print(
            f"  store of {n + 1000:,} articles built in {time.perf_counter() - started:.1f} s{settings_note}"
        )
        started = time.perf_counter()
        db.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            (stories_sync.SETTINGS_KEY, stories_sync._settings_stamp(cfg.dedupe)),
        )
        stories_sync.place(db, cfg, head)
        print(f"  store path: first {n:,} placed (one batch) in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        stories_sync.place(db, cfg, tail)
        print(
            f"  store path: 1,000 new into {n:,} in {time.perf_counter() - started:.3f} s "
            "(window load + placement + story rows)"
        )
        started = time.perf_counter()
        stories_sync.rebuild(db, cfg)
        print(f"  store path: `stories rebuild` of {n + 1000:,} in {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--naive", default="1000,3000,10000")
    parser.add_argument("--store", type=int, default=0, help="also time the store path on a store of N")
    args = parser.parse_args()
    settings = DedupeSettings()
    sizes = [int(x) for x in args.sizes.split(",")]
    biggest = max(sizes)
    started = time.perf_counter()
    articles = inputs(biggest + 1000)
    print(f"generated {len(articles):,} articles from the corpus in {time.perf_counter() - started:.1f} s")
    print(f"\n{'articles':>9} {'seconds':>8} {'per s':>8} {'us/article':>11} {'stories':>8}")
    big_index: StoryIndex | None = None
    for n in sizes:
        tracemalloc.start()
        index, took = place(articles[:n], settings)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{n:>9,} {took:>8.2f} {n / took:>8,.0f} {took / n * 1e6:>11.1f} {len(index.members):>8,}"
            f"   peak traced {peak / 2**20:.0f} MB"
        )
        if n == biggest:
            big_index = index
    assert big_index is not None
    _, took = place(articles[biggest : biggest + 1000], settings, big_index)
    print(f"\n1,000 new into {biggest:,} (in memory): {took:.3f} s")
    print(
        f"max RSS of this process so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(
        f"\nnaive all-pairs rapidfuzz (cdist fuzz.ratio >= 60 + union-find, {process.__name__}, all cores):"
    )
    print(f"{'articles':>9} {'naive s':>8} {'partwatch s':>12} {'ratio':>7}")
    for n in [int(x) for x in args.naive.split(",") if x]:
        took_naive, _ = naive([a.title for a in articles[:n]])
        _, took_ours = place(articles[:n], settings)
        print(f"{n:>9,} {took_naive:>8.2f} {took_ours:>12.2f} {took_naive / took_ours:>7.1f}x")
    if args.store:
        print()
        store_increment(args.store, "")


if __name__ == "__main__":
    main()
