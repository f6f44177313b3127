"""Realistic articles for benchmarks, generated from real news polls (../shared/corpus).

Source: ``gnews_api_headline_polls_2025_2026.jsonl.gz`` (86,220 rows of twice-daily GNews
"top headlines" polls, April 2025 - August 2026; see the corpus README). Each distinct URL
(74,030) becomes one article: the headline as title, the GNews snippet as text, the publisher
host as feed, and a publication time a few hours before the poll that first saw it (the data
has no publication time; polls were ~12 h apart, so 0-6 h earlier is a plausible spread).
Articles come in published order, as a poller would deliver them, with the corpus' real
density (~150 a day) and its real syndication (the same wire headline under several hosts).

When more articles are asked for than there are distinct rows, the corpus is replayed. Replay
``k`` is shifted ``k`` corpus spans (plus a day) later, so a replayed article is never within a
dedupe window of its source, and varied the way copies vary in the wild: about a third of the
titles get a " - Publisher" suffix, a fifth a small edit (a word dropped, two words swapped,
"says" -> "said"), some texts lose their last sentence or gain an "Updated:" prefix. Guids and
URLs get a ``replay=k`` marker so re-stored articles never collide with their sources.

Everything is deterministic for a given ``seed`` (jitter and variation choices only; the
selection is always the first ``n`` in published order). Reading the corpus takes ~1.5 s once
per process (cached); generating then costs ~20 us an article (100,000 in ~2 s), and
``build_db`` stores ~4,000 articles a second (store/ with FTS5; 100,000 in ~25 s).
Published times are whole seconds, as stored.

Use from a script in bench/ (its folder is on sys.path when run as ``python bench/x.py``)::

    from corpus import build_db, iter_corpus_articles

    for feed_name, article in iter_corpus_articles(100_000):
        ...

CLI (prints figures)::

    .venv/bin/python bench/corpus.py [--n 100000] [--seed 0] [--db FILE] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from feeds.records import ParsedArticle  # noqa: E402
from feeds.urls import canonical_url  # noqa: E402

GNEWS = "gnews_api_headline_polls_2025_2026.jsonl.gz"
CORPUS_ENV = "PARTWATCH_CORPUS"
MAX_JITTER = timedelta(hours=6)


def corpus_dir() -> Path:
    """$PARTWATCH_CORPUS, else ../shared/corpus beside the repository (where the team keeps it)."""
    env = os.environ.get(CORPUS_ENV, "").strip()
    return Path(env) if env else ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Row:
    """One distinct article of the corpus, before jitter and variation."""

    snapshot: datetime
    title: str
    text: str
    url: str
    publisher: str


def load_rows(corpus: Path | None = None) -> tuple[Row, ...]:
    """The corpus' distinct URLs in first-seen order (the first row of each URL wins); cached."""
    return _load((corpus or corpus_dir()).resolve())


@lru_cache(maxsize=4)
def _load(folder: Path) -> tuple[Row, ...]:
    path = folder / GNEWS
    if not path.exists():
        raise SystemExit(f"{path}: corpus file not found; set ${CORPUS_ENV} to the folder holding {GNEWS}")
    seen: set[str] = set()
    rows: list[Row] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            url = raw.get("url") or ""
            title = (raw.get("title") or "").strip()
            if not url or not title or url in seen:
                continue
            seen.add(url)
            rows.append(Row(
                snapshot=datetime.fromisoformat(raw["snapshot"].replace("Z", "+00:00")),
                title=title,
                text=(raw.get("description") or "").strip(),
                url=url,
                publisher=raw.get("publisher") or urlsplit(url).hostname or "unknown",
            ))
    rows.sort(key=lambda row: row.snapshot)
    return tuple(rows)


def publisher_name(host: str) -> str:
    """"apnews.com" -> "Apnews", "nytimes.com" -> "Nytimes": what a " - Publisher" suffix shows."""
    label = host.removeprefix("www.").split(".")[0]
    return label[:1].upper() + label[1:]


def iter_corpus_articles(n: int, seed: int = 0,
                         corpus: Path | None = None) -> Iterator[tuple[str, ParsedArticle]]:
    """``n`` (feed name, article) pairs in published order; see the module docstring."""
    rows = load_rows(corpus)
    if not rows or n <= 0:
        return
    rng = random.Random(seed)
    jitter = MAX_JITTER.total_seconds()
    jittered = sorted(((row.snapshot - timedelta(seconds=int(jitter * rng.random())), row) for row in rows),
                      key=lambda pair: pair[0])
    span = jittered[-1][0] - jittered[0][0] + timedelta(days=1)
    produced = 0
    replay = 0
    while produced < n:
        for published, row in jittered:
            if produced >= n:
                return
            yield row.publisher, _article(row, published, replay, span, rng)
            produced += 1
        replay += 1


def _article(row: Row, published: datetime, replay: int, span: timedelta,
             rng: random.Random) -> ParsedArticle:
    title, text, url, guid = row.title, row.text, row.url, row.url
    if replay:
        published = published + span * replay
        title = _vary_title(title, row.publisher, rng)
        text = _vary_text(text, rng)
        url = _mark(url, replay)
        guid = url
    return ParsedArticle(
        guid=guid, url=url, canonical_url=canonical_url(url), title=title, text=text, author=None,
        published=published.astimezone(UTC),
        content_hash=hashlib.sha1(f"{title}\n{text}".encode()).hexdigest(),
    )


_WORDS = re.compile(r"\S+")


def _vary_title(title: str, publisher: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.33:
        return f"{title} - {publisher_name(publisher)}"
    if roll < 0.53:
        words = _WORDS.findall(title)
        if " says " in f" {title} ":
            return re.sub(r"\bsays\b", "said", title, count=1)
        if len(words) > 4:
            i = rng.randrange(1, len(words) - 1)
            if rng.random() < 0.5:
                del words[i]
            else:
                words[i], words[i + 1] = words[i + 1], words[i]
            return " ".join(words)
    return title


def _vary_text(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        sentences = re.split(r"(?<=[.!?])\s+", text)
        if len(sentences) > 1:
            return " ".join(sentences[:-1])
    elif roll < 0.25:
        return f"Updated: {text}"
    return text


def _mark(url: str, replay: int) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&replay={replay}" if parts.query else f"replay={replay}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class BuildReport:
    articles: int
    feeds: int
    seconds: float


def build_db(path: str | Path, n: int, seed: int = 0, corpus: Path | None = None) -> BuildReport:
    """Store ``n`` corpus articles into the partwatch database at ``path`` through store/.

    Each publisher becomes a user feed (``https://<host>/feed``). Articles are stored one by one
    in published order, with their publication time as first-seen time, so article ids follow
    published order as they would after a long run of polls. Nothing else runs (no story
    placement, no tagging): benchmarks time those themselves.
    """
    from store.articles import store_articles
    from store.db import open_db, transaction
    from store.feeds import add_feed, get_feed

    started = time.perf_counter()
    db = open_db(path)
    feed_ids: dict[str, int] = {}
    stored = 0
    with transaction(db):
        for feed_name, article in iter_corpus_articles(n, seed, corpus):
            seen = article.published or datetime.now(UTC)
            feed_id = feed_ids.get(feed_name)
            if feed_id is None:
                url = f"https://{feed_name}/feed"
                feed = get_feed(db, url) or add_feed(db, url, seen, name=feed_name)
                feed_id = feed_ids[feed_name] = feed.id
            new, _updated = store_articles(db, feed_id, [article], seen)
            stored += len(new)
    db.conn.close()
    return BuildReport(articles=stored, feeds=len(feed_ids), seconds=time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", type=Path, help="also store them in this database file (must be new)")
    parser.add_argument("--corpus", type=Path, help=f"folder holding {GNEWS}")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rows = load_rows(args.corpus)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    feeds: set[str] = set()
    first = last = None
    count = 0
    for feed_name, article in iter_corpus_articles(args.n, args.seed, args.corpus):
        feeds.add(feed_name)
        first = first or article.published
        last = article.published
        count += 1
    generated = time.perf_counter() - started
    print(f"corpus: {len(rows):,} distinct articles read in {loaded:.2f} s")
    print(f"generated: {count:,} articles from {len(feeds):,} feeds in {generated:.2f} s "
          f"({generated / max(count, 1) * 1e6:.1f} us/article); published {first} .. {last}")
    if args.db:
        if args.db.exists():
            parser.error(f"{args.db}: exists; give a new file")
        report = build_db(args.db, args.n, args.seed, args.corpus)
        print(f"build_db: {report.articles:,} articles, {report.feeds:,} feeds stored in "
              f"{report.seconds:.2f} s ({report.articles / max(report.seconds, 1e-9):,.0f} articles/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
