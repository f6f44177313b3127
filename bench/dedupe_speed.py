"""Story placement speed and memory, beside naive all-pairs rapidfuzz.

Articles come from bench/corpus.py (real GNews polls in published order, replayed past 74k).
Prints, for 10k / 30k / 100k articles placed from empty: wall seconds, articles a second, the
time per article (flat = linear growth: the index holds one window, so it stays flat) and the
CPU seconds of the placing process (wall time suffers when other jobs share the machine);
then 1,000 new articles placed into the 100k index; the process's max RSS; naive all-pairs
`rapidfuzz.process.cdist(fuzz.ratio)` over the titles plus union-find at 60, on the sizes it
can reach; and with --store N the store path (partwatch/stories_sync.py on a SQLite store of
N+1,000 articles: `stories rebuild`, then the last 1,000 placed again incrementally, with the
window load, placement and story rows).

    .venv/bin/python bench/dedupe_speed.py [--sizes 10000,30000,100000] [--naive 1000,3000,10000]
        [--store 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/tracking.py must not shadow tracking/

from corpus import build_db, iter_corpus_articles  # noqa: E402

from partwatch import stories_sync  # noqa: E402
from partwatch.config import load_config  # noqa: E402
from store.db import open_db  # noqa: E402
from tracking.dedupe import ArticleInput  # noqa: E402
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
    articles: list[ArticleInput],
    settings: DedupeSettings,
    index: StoryIndex | None = None,
    parallel: bool = False,
) -> tuple[StoryIndex, float, float]:
    """Place in order; returns the index, wall seconds and this process's CPU seconds."""
    index = index or StoryIndex(settings)
    started, cpu = time.perf_counter(), time.process_time()
    for feat in stories_sync.features_stream(articles, settings, parallel=parallel):
        index.place(feat)
    return index, time.perf_counter() - started, time.process_time() - cpu


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


def store_path(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        build_db(path, n + 1000)
        db = open_db(path)
        cfg = load_config(ROOT / "partwatch" / "demo" / "config.toml", path)
        print(f"store of {n + 1000:,} articles built in {time.perf_counter() - started:.1f} s")
        started, cpu = time.perf_counter(), time.process_time()
        stories_sync.rebuild(db, cfg)
        print(
            f"`stories rebuild` of {n + 1000:,}: {time.perf_counter() - started:.2f} s "
            f"(cpu {time.process_time() - cpu:.2f} s; with origin, lead and contradictions of every story)"
        )
        tail = [
            int(r[0])
            for r in db.conn.execute("SELECT id FROM articles ORDER BY published DESC, id DESC LIMIT 1000")
        ]
        marks = ",".join("?" * len(tail))
        db.conn.execute(f"DELETE FROM story_articles WHERE article_id IN ({marks})", tail)
        started, cpu = time.perf_counter(), time.process_time()
        report = stories_sync.place(db, cfg, tail)
        print(
            f"1,000 new into {n:,} through the store: {time.perf_counter() - started:.3f} s "
            f"(cpu {time.process_time() - cpu:.3f} s; {report.placed} placed, {report.updated_stories} "
            "stories rewritten)"
        )


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
    print("\nplacement from empty (features in a worker process ahead of placement, as `stories rebuild`):")
    print(f"{'articles':>9} {'wall s':>8} {'per s':>8} {'us/article':>11} {'cpu s':>7} {'stories':>8}")
    big_index: StoryIndex | None = None
    for n in sizes:
        index, took, cpu = place(articles[:n], settings, parallel=True)
        print(
            f"{n:>9,} {took:>8.2f} {n / took:>8,.0f} {took / n * 1e6:>11.1f} {cpu:>7.2f}"
            f" {len(index.members):>8,}"
        )
        if n == biggest:
            big_index = index
    assert big_index is not None
    _, took, cpu = place(articles[biggest : biggest + 1000], settings, big_index)
    print(f"\n1,000 new into {biggest:,} (in memory): {took:.3f} s (cpu {cpu:.3f} s)")
    _, took, cpu = place(articles[: min(sizes)], settings)
    print(f"{min(sizes):,} from empty with features in the same process: {took:.2f} s (cpu {cpu:.2f} s)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MB (it also holds all {len(articles):,} generated articles)")
    print("\nnaive all-pairs rapidfuzz (cdist fuzz.ratio >= 60 on titles + union-find, all cores):")
    print(f"{'articles':>9} {'naive s':>8} {'partwatch s':>12} {'ratio':>7}")
    for n in [int(x) for x in args.naive.split(",") if x]:
        took_naive, _ = naive([a.title for a in articles[:n]])
        _, took_ours, _ = place(articles[:n], settings)
        print(f"{n:>9,} {took_naive:>8.2f} {took_ours:>12.2f} {took_naive / took_ours:>7.1f}x")
    if args.store:
        print()
        store_path(args.store)


if __name__ == "__main__":
    main()
