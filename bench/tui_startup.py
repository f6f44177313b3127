"""How fast the dashboard paints and answers keys on a big database (prints figures; not a test).

    .venv/bin/python bench/tui_startup.py [--articles 100000] [--db PATH]

Builds (once, cached at --db) a database of N real-news articles with bench/corpus.py's build_db,
then runs the same refresh as after a poll (story placement, partnership tagging, facts,
question evidence, watch hits) with the demo config's partnerships, questions and watch items.
Then it runs the dashboard headless at 120x40 with Textual's Pilot, and prints:
- first paint: from constructing the app to the first frame, to the partnership picker with
  its counts and sparklines, and to the default view (the first partnership's timeline) drawn;
- the Articles view over every article: the first keyset page;
- keystroke: UI-thread CPU time from a key press to the screen updated after it (what a user
  waits for in a terminal), for cursor moves inside a page, page down, a jump to the end of
  what is loaded (which fetches the next keyset page), a view switch, and a letter typed into
  the search box (FTS5 over every article; the results follow in a worker).
Targets (issue 5): first paint < 1 s, keystroke < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))          # after ROOT: bench/tracking.py must not shadow tracking/

from corpus import build_db  # noqa: E402

from partwatch.commands.tui import DeskService  # noqa: E402
from partwatch.config import Config, load_config  # noqa: E402
from partwatch.refresh import after_poll  # noqa: E402
from store.db import open_db  # noqa: E402
from store.desk import all_article_ids  # noqa: E402
from store.reading import ui_set  # noqa: E402

NOW = datetime(2026, 8, 31, 12, 0, tzinfo=UTC)      # just after the corpus' last poll


def demo_config(path: Path) -> Config:
    return load_config(ROOT / "partwatch" / "demo" / "config.toml", db=path)


def build(path: Path, n: int) -> None:
    report = build_db(path, n)
    print(f"stored {report.articles:,} articles from {report.feeds:,} feeds in {report.seconds:.1f} s")
    start = time.perf_counter()
    db = open_db(path)
    after_poll(db, demo_config(path), all_article_ids(db))
    db.conn.close()
    print(f"refresh (stories, tags, facts, evidence, hits) in {time.perf_counter() - start:.1f} s")


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

    config = demo_config(path)
    db = open_db(path)
    ui_set(db, "partnership", config.partnerships[0].id)      # start where a user starts: first one
    db.conn.close()

    def since_start() -> list[float]:
        # wall time, and this process's CPU time (the machine may be shared: the CPU figure is
        # what the dashboard itself spent, whatever else was running)
        return [time.perf_counter() - started, time.process_time() - cpu_started]

    started, cpu_started = time.perf_counter(), time.process_time()
    app = PartwatchApp(path, config, clock=lambda: NOW, change_poll_seconds=None, desk=DeskService(config))
    async with app.run_test(size=(120, 40)) as pilot:
        drawn(app)
        figures["first frame (chrome, lists loading) wall / CPU"] = since_start()
        await until(pilot, lambda: app.dashboard is not None)
        drawn(app)
        figures["picker with counts and sparklines wall / CPU"] = since_start()
        first = app.list_for("timeline")
        await until(pilot, lambda: (app.partnership is not None and first.loaded_once
                                    and not first._state.loading))
        drawn(app)
        figures["first partnership's timeline drawn wall / CPU"] = since_start()
        figures["timeline entries"] = f"{len(first.rows):,}"

        stories: LazyList = app.list_for("stories")
        start = time.perf_counter()
        await pilot.press("2")
        await until(pilot, lambda: stories.loaded_once and not stories._state.loading)
        drawn(app)
        figures["switch to Stories, first page"] = time.perf_counter() - start
        figures["stories held / total"] = f"{len(stories.rows):,} / {stories.total or 0:,}"
        await pilot.press("left_square_bracket")                # all partnerships

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
    figures["Pilot's own press+pause, empty app: wall / CPU"] = await pilot_baseline()
    return figures


async def pilot_baseline() -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("x")

    times, cpu = [], []
    async with Empty().run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            start, start_cpu = time.perf_counter(), time.thread_time()
            await pilot.press("down")
            await pilot.pause()
            times.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
    return [statistics.median(times), statistics.median(cpu)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/partwatch-bench-tui-{args.articles}.db")
    if not path.exists():
        build(path, args.articles)
    figures = asyncio.run(measure(path))
    print(f"dashboard on {path} (120x40, headless Pilot; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs)")
    for name, value in figures.items():
        if isinstance(value, float):
            print(f"  {name:<50} {ms(value)}")
        elif isinstance(value, list):
            ordered = sorted(value)
            p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
            if "p95" in name:
                print(f"  {name:<50} {ms(statistics.median(value))} / {ms(p95)} / {ms(max(value))}")
            elif "wall / CPU" in name:
                print(f"  {name:<50} {ms(value[0])} / {ms(value[1])}")
            elif len(value) > 1:
                print(f"  {name:<50} {ms(statistics.median(value))} / {ms(max(value))}")
            else:
                print(f"  {name:<50} {ms(value[0])}")
        else:
            print(f"  {name:<50} {value}")


if __name__ == "__main__":
    main()
