"""Benchmark of the desk (prints figures; not a test).

1. Tag, extract dated facts, match questions and watch items, and build every partnership's
   timeline over 100,000 articles, in memory through tracking/ (target: under 15 s). Two
   corpora: the real-news corpus of bench/corpus.py (GNews headlines and snippets, 2025-2026:
   what a general feed list delivers, where few articles concern a partnership), and a worst
   case where every article is a full-length demo article about the storyline (each one tagged,
   split into sentences, scanned for dates).
2. The same as partwatch runs it after a poll: partwatch/desk_sync.refresh over a database of
   `--db-n` corpus articles (first refresh = every article), with its SQL writes.
3. Export of a 1,000-entry timeline to Markdown and JSON (target: under 1 s).

Partnerships, questions and watch items are those of the repo's config.toml.

    .venv/bin/python bench/tracking.py [--n 100000] [--db-n 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from partwatch.config import Config, load_config  # noqa: E402
from store.desk_records import FactRecord, Source, StoryRef  # noqa: E402
from tracking.analysis import Analyzer, Findings  # noqa: E402
from tracking.export import Briefing, PartnershipBriefing, to_json, to_markdown  # noqa: E402
from tracking.timeline import build_timeline  # noqa: E402

Article = tuple[int, str, str, str, datetime]     # id, feed, title, text, published


def corpus_articles(n: int) -> list[Article]:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import iter_corpus_articles

    return [(i, feed, a.title, a.text, a.published or datetime(2026, 1, 1, tzinfo=UTC))
            for i, (feed, a) in enumerate(iter_corpus_articles(n), start=1)]


def demo_articles(n: int) -> list[Article]:
    """The demo feeds' articles, repeated (with shifted dates) up to n."""
    from feeds.parse import parse_feed

    base: list[tuple[str, str, str, datetime]] = []
    seen = datetime(2026, 11, 20, tzinfo=UTC)
    for path in sorted((ROOT / "partwatch" / "demo" / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), f"http://127.0.0.1/{path.name}", {}, seen)
        base += [(parsed.title or path.stem, a.title, a.text, a.published or seen) for a in parsed.articles]
    out: list[Article] = []
    for i in range(n):
        feed, title, text, published = base[i % len(base)]
        out.append((i + 1, feed, title, text, published + timedelta(days=i // len(base))))
    return out


def analyse(config: Config, articles: list[Article]) -> tuple[float, float, dict[str, int]]:
    """(seconds for tagging + facts + questions + watch, seconds for the timelines, counts)."""
    analyzer = Analyzer(config.partnerships, config.questions, config.watch)
    started = time.perf_counter()
    findings: list[Findings] = [analyzer.analyse(i, title, text, published)
                                for i, _feed, title, text, published in articles]
    analysed = time.perf_counter() - started

    started = time.perf_counter()
    sources = {i: Source(i, feed, f"https://x.example/{i}", title, published, published)
               for i, feed, title, _text, published in articles}
    entries = 0
    for partnership in config.partnerships:
        stories = [StoryRef(f.article_id, sources[f.article_id].title, sources[f.article_id].url,
                            sources[f.article_id].feed, 1, sources[f.article_id].published, "",
                            (sources[f.article_id],))
                   for f in findings if partnership.id in f.partnerships]
        facts = [FactRecord(p, d, precision, expression, sentence, sources[f.article_id], f.article_id)
                 for f in findings for p, d, precision, expression, sentence in f.facts
                 if p == partnership.id]
        entries += len(build_timeline(stories, facts))
    timelines = time.perf_counter() - started
    counts = {
        "tagged": sum(1 for f in findings if f.partnerships),
        "facts": sum(len(f.facts) for f in findings),
        "evidence": sum(len(f.evidence) for f in findings),
        "hits": sum(len(f.hits) for f in findings),
        "timeline entries": entries,
    }
    return analysed, timelines, counts


def desk_refresh(config: Config, n: int) -> tuple[float, float, int]:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import build_db

    from partwatch import desk_sync
    from store.db import open_db

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        built = build_db(path, n)
        db = open_db(path)
        started = time.perf_counter()
        report = desk_sync.refresh(db, config, [])
        seconds = time.perf_counter() - started
        db.conn.close()
    return built.seconds, seconds, report.analysed


def export_timing(entries: int) -> tuple[float, float, int, int]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    stories, facts = [], []
    for i in range(entries // 2):
        when = start + timedelta(hours=17 * i)
        members = tuple(Source(i * 10 + k, f"Outlet {k}", f"https://outlet{k}.example/{i}",
                               f"Headline {i} with [brackets] & <angles> *stars*", when + timedelta(hours=k),
                               when + timedelta(hours=k)) for k in range(3))
        stories.append(StoryRef(i, members[0].title, members[0].url, members[0].feed, 3, when,
                                "Summary of the story. " * 5, members))
        facts.append(FactRecord("p", (start - timedelta(days=i + 1)).date(), "day", "on Monday",
                                f"On Monday, OpenAI and AWS said thing number {i}: {'x' * (i % 97)}.",
                                members[1], None))
    timeline = build_timeline(stories, facts)
    briefing = Briefing(datetime(2026, 11, 23, tzinfo=UTC), None, (PartnershipBriefing(
        "p", "OpenAI and AWS", {"OpenAI": (), "Amazon": ("AWS",)}, tuple(timeline), (), ()),), ())
    started = time.perf_counter()
    markdown = to_markdown(briefing)
    md_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data = to_json(briefing)
    return md_seconds, time.perf_counter() - started, len(timeline), len(markdown) + len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="corpus articles for the in-memory run")
    parser.add_argument("--worst-n", type=int, default=20_000,
                        help="demo articles for the worst case (every one about the storyline)")
    parser.add_argument("--db-n", type=int, default=20_000, help="articles for the desk refresh (0: skip)")
    args = parser.parse_args()
    config = load_config(ROOT / "config.toml", Path(":memory:"))
    print(f"config.toml: {len(config.partnerships)} partnerships, {len(config.questions)} questions, "
          f"{len(config.watch)} watch items")

    runs = (("real-news corpus", corpus_articles, args.n),
            ("demo articles (worst case)", demo_articles, args.worst_n))
    for label, make, n in runs:
        if not n:
            continue
        articles = make(n)
        chars = sum(len(a[2]) + len(a[3]) for a in articles) / max(len(articles), 1)
        analysed, timelines, counts = analyse(config, articles)
        total = analysed + timelines
        print(f"\n{label}: {len(articles):,} articles, {chars:,.0f} characters each on average")
        rate = len(articles) / analysed
        print(f"  tag + facts + questions + watch: {analysed:6.2f} s ({rate:,.0f} articles/s)")
        print(f"  timelines of every partnership:  {timelines:6.2f} s")
        per_100k = total * 100_000 / len(articles)
        print(f"  total:                           {total:6.2f} s   ({per_100k:.1f} s per 100,000; "
              f"target < 15 s: {'OK' if per_100k < 15 else 'OVER'})")
        print("  found: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

    if args.db_n:
        build, refresh, analysed_n = desk_refresh(config, args.db_n)
        print(f"\ndesk_sync.refresh (first run over a database, SQL writes included): "
              f"{analysed_n:,} articles in {refresh:.2f} s ({analysed_n / refresh:,.0f} articles/s; "
              f"building the database took {build:.1f} s)")

    md, js, entries, size = export_timing(1000)
    print(f"\nexport of a {entries:,}-entry timeline: Markdown {md * 1000:.0f} ms, JSON {js * 1000:.0f} ms "
          f"({size / 1e6:.1f} MB)   (target < 1 s) {'OK' if md + js < 1 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
