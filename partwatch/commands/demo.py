"""`partwatch demo`: the whole pipeline on the bundled sample feeds, offline, touching nothing of
the user's.

It creates a fresh database in a temporary folder, serves partwatch/demo/feeds/ on a loopback
port, loads partwatch/demo/config.toml with every feed URL's host:port pointed at that port,
and polls through run_poll, the very code path of `partwatch poll` (fetch, conditional GET,
parse, store, refresh). Then it opens the dashboard on that database, or with --no-tui prints
the stored articles, one plain line each. The temporary folder is deleted on exit unless
--keep names a database file to keep.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

from partwatch.commands.common import Failure, UsageProblem, plain
from partwatch.config import Config, ConfigError, load_config
from partwatch.lock import LockBusy
from partwatch.loopback import serve_folder
from partwatch.polling import PollSummary, run_poll
from store.articles import recent_articles
from store.db import StoreError, open_db


@contextmanager
def demo_data() -> Iterator[Path]:
    """The bundled partwatch/demo folder as a real path (also from a zipped install)."""
    with resources.as_file(resources.files("partwatch") / "demo") as folder:
        yield Path(folder)


def demo_config(folder: Path, base_url: str, db_path: Path) -> Config:
    """partwatch/demo/config.toml with feed URLs moved to `base_url` and the database at `db_path`."""
    try:
        config = load_config(folder / "config.toml", db=db_path)
    except ConfigError as exc:
        raise UsageProblem(f"the bundled demo config is broken: {exc}") from None
    base = urlsplit(base_url)
    feeds = tuple(
        dataclasses.replace(feed, url=urlunsplit(urlsplit(feed.url)._replace(scheme=base.scheme,
                                                                              netloc=base.netloc)))
        for feed in config.feeds
    )
    return dataclasses.replace(config, feeds=feeds)


def run_demo(db_path: Path) -> tuple[Config, PollSummary]:
    """Serve the sample feeds, poll them into `db_path`; returns the config used and the summary."""
    with demo_data() as folder, serve_folder(folder / "feeds") as base_url:
        config = demo_config(folder, base_url, db_path)
        return config, run_poll(config, force=True)


@click.command()
@click.option("--no-tui", is_flag=True, help="Print the stored articles instead of opening the dashboard.")
@click.option("--json", "as_json", is_flag=True, help="With --no-tui: print the poll summary as JSON.")
@click.option("--keep", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the demo database to this file (it must not exist) instead of a temporary one.")
@click.pass_context
def demo(ctx: click.Context, no_tui: bool, as_json: bool, keep: Path | None) -> None:
    """Poll the bundled sample feeds (offline) into a fresh database and open the dashboard.

    Nothing is read from or written to your own config or database.
    """
    if keep is not None and keep.exists():
        raise UsageProblem(f"{keep}: already exists; --keep writes a new demo database only")
    with tempfile.TemporaryDirectory(prefix="partwatch-demo-") as tmp, demo_data() as folder, \
            serve_folder(folder / "feeds") as base_url:
        # The server keeps running while the dashboard is open, so its poll key polls the
        # sample feeds again (and gets 304s, as a real second poll would).
        config = demo_config(folder, base_url, keep if keep is not None else Path(tmp) / "demo.db")
        try:
            summary = run_poll(config, force=True)
        except LockBusy as exc:
            raise Failure(str(exc)) from None
        except StoreError as exc:
            raise UsageProblem(str(exc)) from None
        for url, error in summary.errors:
            click.echo(f"demo feed failed: {plain(url)}: {plain(error)}", err=True)
        if no_tui or not _has_tui():
            _print_articles(config.db_path, summary, as_json)
            return
        from partwatch.cli import open_dashboard
        open_dashboard(ctx, config)


def _has_tui() -> bool:
    return importlib.util.find_spec("partwatch.commands.tui") is not None


def _print_articles(db_path: Path, summary: PollSummary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    db = open_db(db_path)
    try:
        articles = recent_articles(db, limit=10_000)
    finally:
        db.conn.close()
    click.echo(f"demo: {summary.feeds} sample feeds polled, {summary.new_articles} articles stored")
    for article in articles:
        click.echo(f"{article.published:%Y-%m-%d}  {plain(article.feed)[:24]:<24}  {plain(article.title)}")
