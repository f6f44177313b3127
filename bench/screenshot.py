"""Regenerate docs/dashboard.svg, the README's screenshot: the dashboard on the demo data.

    .venv/bin/python bench/screenshot.py [--out docs/dashboard.svg]

Not a test, but tests/demo/test_screenshot.py runs it so it cannot rot. It is deterministic, so
rerunning it changes the file only when the dashboard (or the demo data) changes:
- the bundled sample feeds (partwatch/demo/feeds/) are parsed with feeds.parse and stored with
  store.feeds.store_result at a fixed time, then refreshed with after_poll, exactly the steps
  of a poll minus the HTTP (`partwatch demo` serves the same files on loopback; the wall clock
  would stamp "last poll" and every feed's poll time);
- the dashboard runs headless at 120x40 with the same fixed clock, the services `partwatch tui`
  gives it, and no change polling; it is screenshotted once every worker has finished and no
  list is still loading, on the Stories view with the newest story in the reader.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feeds.parse import parse_feed  # noqa: E402
from feeds.records import FeedResult  # noqa: E402
from partwatch.commands.demo import demo_data  # noqa: E402
from partwatch.config import Config, load_config  # noqa: E402
from partwatch.refresh import after_poll  # noqa: E402
from store.db import open_db  # noqa: E402
from store.feeds import due_feeds, store_result, sync_config_feeds  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)     # a few days after the newest demo article
SIZE = (120, 40)
OUT = ROOT / "docs" / "dashboard.svg"


def build_demo_db(db_path: Path) -> Config:
    """The demo database at `db_path`, as one poll at NOW would leave it; returns its config."""
    with demo_data() as folder:
        config = load_config(folder / "config.toml", db=db_path)
        db = open_db(db_path)
        try:
            sync_config_feeds(db, config.feeds, NOW)
            due, _skipped = due_feeds(db, NOW, config.poll, force=True)
            changed: list[int] = []
            for feed in due:
                body = (folder / "feeds" / Path(urlsplit(feed.url).path).name).read_bytes()
                parsed = parse_feed(body, feed.url, {"content-type": "application/xml"}, NOW)
                result = FeedResult(url=feed.url, status="ok", http_status=200, feed_title=parsed.title,
                                    articles=parsed.articles, warning=parsed.warning)
                changed += store_result(db, feed, result, NOW, config.poll).new_ids
            after_poll(db, config, sorted(changed))
        finally:
            db.conn.close()
    return config


async def screenshot(config: Config, out: Path) -> Path:
    """Run the dashboard headless on `config`'s database and save its screen as SVG at `out`."""
    from partwatch.commands.tui import DeskService, export_service, poll_service
    from tests.tui.conftest import settle  # the same wait as the dashboard tests
    from tui.app import PartwatchApp

    app = PartwatchApp(config.db_path, config, poll=poll_service(config), export=export_service(config),
                       desk=DeskService(config), clock=lambda: NOW, change_poll_seconds=None)
    app.preview_delay = 0
    app.search_delay = 0

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        out.parent.mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=out.name, path=str(out.parent))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"SVG to write (default: {OUT})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="partwatch-screenshot-") as tmp:
        config = build_demo_db(Path(tmp) / "demo.db")
        out = asyncio.run(screenshot(config, args.out.resolve()))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
