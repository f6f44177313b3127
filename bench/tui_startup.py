"""How fast the dashboard paints and answers keys on a big database (prints figures; not a test).

    .venv/bin/python bench/tui_startup.py [--articles 100000] [--db PATH]

Builds (once, cached at --db) a database of N articles through store/ (bench/corpus.py's
build_db when it is there, else synthetic articles stored with store_articles), then runs the
dashboard headless at 120x40 with Textual's Pilot and prints:
- first paint: from constructing the app to the first screen with the first page of the list
  drawn (the default view, then the Articles view over every article);
- keystroke: the time from a key press to the screen updated after it, for cursor moves inside
  a page, page down, a jump to the end of what is loaded (which fetches the next keyset page),
  a view switch, and a letter typed into the search box (FTS5 over every article).
Targets (issue 5): first paint < 1 s, keystroke < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feeds.records import ParsedArticle  # noqa: E402
from store.articles import store_articles  # noqa: E402
from store.db import open_db, transaction  # noqa: E402
from store.feeds import add_feed  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORDS = ("Microsoft OpenAI AWS Azure Bedrock Frontier cloud exclusivity stateful stateless runtime deal "
         "partnership FTC EU probe launch lawsuit Copilot model billion investment analysts market share "
         "growth agreement regulators antitrust rights customers enterprise compute training").split()


def synthetic(n: int, feeds: int = 50, seed: int = 7) -> list[list[ParsedArticle]]:
    rng = random.Random(seed)
    per_feed: list[list[ParsedArticle]] = [[] for _ in range(feeds)]
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        text = ". ".join(" ".join(rng.choice(WORDS) for _ in range(14)) for _ in range(6)) + "."
        published = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        per_feed[i % feeds].append(ParsedArticle(
            guid=f"g{i}", url=f"https://outlet{i % feeds}.example/{i}", canonical_url=None, title=title,
            text=text, author=None, published=published,
            content_hash=hashlib.sha1(f"{title}{text}".encode()).hexdigest()))
    return per_feed


def build(path: Path, n: int) -> None:
    try:
        from bench.corpus import build_db  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        build_db = None
    if build_db is not None:
        build_db(path, n)
        return
    db = open_db(path)
    for index, batch in enumerate(synthetic(n)):
        feed = add_feed(db, f"https://outlet{index}.example/feed.xml", NOW, name=f"Outlet {index}")
        with transaction(db):
            for start in range(0, len(batch), 1000):
                store_articles(db, feed.id, batch[start:start + 1000], NOW)
    db.conn.close()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


async def measure(path: Path) -> dict[str, Any]:
    from tui.app import PartwatchApp
    from tui.widgets.lazylist import LazyList

    figures: dict[str, Any] = {}
    walls: dict[str, list[float]] = {}

    async def until(pilot: Any, check: Any, limit: float = 30.0) -> None:
        start = time.perf_counter()
        while not check():
            await pilot.pause(0.001)
            if time.perf_counter() - start > limit:
                raise TimeoutError("the dashboard did not get there")

    def drawn(app: Any) -> None:
        # Render what the key changed now, as the next screen update would.
        app.screen._compositor_refresh()

    started = time.perf_counter()
    app = PartwatchApp(path, None, clock=lambda: NOW, change_poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.list_for("timeline")
        await until(pilot, lambda: first.loaded_once and app.dashboard is not None)
        drawn(app)
        figures["first paint (default view + dashboard)"] = time.perf_counter() - started

        articles: LazyList = app.list_for("articles")
        start = time.perf_counter()
        await pilot.press("6")
        await until(pilot, lambda: articles.loaded_once)
        drawn(app)
        figures["switch to Articles, first page"] = time.perf_counter() - start
        figures["articles held / total"] = f"{len(articles.rows):,} / {articles.total:,}"

        async def key_times(key: str, repeat: int, wait: Any = None) -> list[float]:
            """UI-thread CPU time from the key press to the screen updated: what the user waits
            for in a real terminal (wall time under Pilot adds its own pauses and the idle
            waits between them; it is printed as a second figure)."""
            times = []
            for _ in range(repeat):
                start, wall = time.thread_time(), time.perf_counter()
                await pilot.press(key)
                if wait is not None:
                    await until(pilot, wait)
                await pilot.pause()
                drawn(app)
                times.append(time.thread_time() - start)
                walls.setdefault(key, []).append(time.perf_counter() - wall)
            return times

        down = await key_times("down", 200)
        figures["down (200 presses) median / p95 / max"] = down
        figures["pagedown (20 presses) median / p95 / max"] = await key_times("pagedown", 20)
        held = len(articles.rows)
        figures["end (fetches the next page) "] = await key_times(
            "end", 1, wait=lambda: len(articles.rows) > held)
        figures["rows held after end"] = f"{len(articles.rows):,}"
        figures["view switch 5 <-> 6 median / p95 / max"] = [
            t for _ in range(5) for t in (await key_times("5", 1)) + (await key_times("6", 1))]

        search = app.list_for("search")
        await pilot.press("slash")
        await pilot.pause()
        typed = []
        for letter in "azure":
            before = search._generation
            start, cpu = time.perf_counter(), time.thread_time()
            await pilot.press(letter)
            await pilot.pause()
            drawn(app)
            echo = time.thread_time() - cpu
            await until(pilot, lambda before=before: (search._generation > before
                                                      and not search._state.loading))
            await pilot.pause()
            drawn(app)
            typed.append((echo, time.perf_counter() - start))
        figures["search: key echoed (UI CPU) median / max"] = [e for e, _ in typed]
        figures["search: key to results shown (wall) median / max"] = [r for _, r in typed]
        figures["search results"] = f"{len(search.rows):,}"
    figures["wall time per down press under Pilot, median"] = statistics.median(walls["down"])
    figures["Pilot's own press+pause on an empty app, median"] = await pilot_baseline()
    return figures


async def pilot_baseline() -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("x")

    times = []
    async with Empty().run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/partwatch-bench-tui-{args.articles}.db")
    if not path.exists():
        start = time.perf_counter()
        build(path, args.articles)
        print(f"built {path} with {args.articles:,} articles in {time.perf_counter() - start:.1f} s")
    figures = asyncio.run(measure(path))
    print(f"dashboard on {path} (120x40, headless Pilot)")
    for name, value in figures.items():
        if isinstance(value, float):
            print(f"  {name:<44} {ms(value)}")
        elif isinstance(value, list):
            ordered = sorted(value)
            p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
            print(f"  {name:<44} {ms(statistics.median(value))} / {ms(p95)} / {ms(max(value))}"
                  if "p95" in name else f"  {name:<44} {ms(statistics.median(value))} / {ms(max(value))}"
                  if len(value) > 1 else f"  {name:<44} {ms(value[0])}")
        else:
            print(f"  {name:<44} {value}")


if __name__ == "__main__":
    main()
