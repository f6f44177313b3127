"""`partwatch feeds`: list the feeds and manage the ones kept in the database.

Feeds added here (or imported from OPML) are stored in the database beside those of
config.toml, whose file partwatch never rewrites. Removing a feed stops polling it and keeps
its articles (stories and timelines refer to them); `--purge` deletes them too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import sqlite_utils

from feeds.opml import OpmlError, OpmlFeed, parse_opml, write_opml
from partwatch.commands.common import NO_FEEDS, Failure, UsageProblem, load, plain
from store.db import StoreError, open_db
from store.feeds import FeedError, add_feed, list_feeds, remove_feed, sync_config_feeds
from store.full_text import page_counts
from store.records import Feed, PageCounts
from store.timefmt import now as utc_now
from store.timefmt import to_db


def _open(ctx: click.Context) -> sqlite_utils.Database:
    config = load(ctx)
    try:
        db = open_db(config.db_path)
        sync_config_feeds(db, config.feeds, utc_now())
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None
    return db


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageProblem(f"{url!r} is not an http or https URL; give the feed's full address")
    return url


class _FeedsGroup(click.Group):
    """Turns a database that stays busy past the busy timeout into one line (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.OperationalError as exc:
            raise Failure(f"the database is busy ({exc}); a poll may be updating it, try again shortly"
                          ) from None


@click.group(cls=_FeedsGroup, invoke_without_command=True)
@click.pass_context
def feeds(ctx: click.Context) -> None:
    """List the feeds (the default) or add, remove, import and export them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command)


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of feed objects.")
@click.option("--all", "show_all", is_flag=True, help="Include removed feeds (kept with their articles).")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool = False, show_all: bool = False) -> None:
    """Show each feed's name, status, last poll, article count, failures and last error."""
    db = _open(ctx)
    rows = list_feeds(db, include_removed=show_all)
    pages = page_counts(db)
    if as_json:
        click.echo(json.dumps([_as_json(feed, pages.get(feed.id)) for feed in rows], ensure_ascii=False,
                              indent=2))
        return
    if not rows:
        click.echo(NO_FEEDS)
        return
    for feed in rows:
        polled = to_db(feed.last_polled) if feed.last_polled else "never polled"
        status = "removed" if feed.removed else "gone" if feed.gone else (feed.last_status or "new")
        line = (f"{plain(feed.display_name)[:40]:<40}  {status:<12}  {polled:<20}  "
                f"{feed.articles:>6} articles  {feed.failures} failures")
        click.echo(line)
        click.echo(f"    {plain(feed.url)}" + (f"  [{feed.source}]" if feed.source == "user" else ""))
        if feed.last_error:
            click.echo(f"    last error: {plain(feed.last_error)}")
        if feed.warning:
            click.echo(f"    warning: {plain(feed.warning)}")
        counts = pages.get(feed.id)
        if counts is not None:
            last = f"; last error: {plain(counts.last_error)}" if counts.last_error else ""
            click.echo(f"    full text: {counts.fetched} fetched, {counts.failed} failed, "
                       f"{counts.waiting} waiting{last}")


def _as_json(feed: Feed, pages: PageCounts | None) -> dict[str, Any]:
    return {
        "url": feed.url,
        "name": feed.display_name,
        "title": feed.title,
        "source": feed.source,
        "status": "gone" if feed.gone else feed.last_status,
        "http_status": feed.http_status,
        "last_polled": to_db(feed.last_polled) if feed.last_polled else None,
        "next_due": to_db(feed.next_due) if feed.next_due else None,
        "articles": feed.articles,
        "failures": feed.failures,
        "last_error": feed.last_error,
        "warning": feed.warning,
        "full_text": feed.full_text,
        "full_text_pages": None if pages is None else {
            "fetched": pages.fetched, "failed": pages.failed, "waiting": pages.waiting,
            "last_error": pages.last_error,
        },
        "removed": to_db(feed.removed) if feed.removed else None,
    }


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Display name (default: the feed's own title).")
@click.option("--full-text", is_flag=True,
              help="The feed carries only summaries: fetch each new article's page for its full text.")
@click.pass_context
def add_command(ctx: click.Context, url: str, name: str | None, full_text: bool) -> None:
    """Add a feed to the database (config.toml is never rewritten); polled by the next poll."""
    url = _check_url(url)
    db = _open(ctx)
    try:
        feed = add_feed(db, url, utc_now(), name=name, full_text=full_text)
    except FeedError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"added {plain(feed.url)}; `partwatch poll` fetches it")


@feeds.command("remove")
@click.argument("url")
@click.option("--purge", is_flag=True, help="Also delete the feed's stored articles.")
@click.pass_context
def remove_command(ctx: click.Context, url: str, purge: bool) -> None:
    """Stop polling a feed added with `feeds add` or an import (its articles are kept)."""
    db = _open(ctx)
    try:
        feed = remove_feed(db, url.strip(), utc_now(), purge=purge)
    except FeedError as exc:
        raise Failure(str(exc)) from None
    kept = "and its articles deleted" if purge else f"its {feed.articles} articles are kept"
    click.echo(f"removed {plain(feed.url)}; {kept}")


@feeds.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Add every feed listed in an OPML file (those already present are left as they are)."""
    try:
        listed = parse_opml(file.read_bytes())
    except OpmlError as exc:
        raise UsageProblem(f"{file}: {exc}") from None
    except OSError as exc:
        raise UsageProblem(f"{file}: cannot read ({exc.strerror})") from None
    db = _open(ctx)
    added = 0
    now = utc_now()
    for entry in listed:
        try:
            add_feed(db, entry.url, now, name=entry.title)
        except FeedError:
            continue
        added += 1
    click.echo(f"imported {added} new feeds from {file} ({len(listed) - added} already present)")


@feeds.command("export")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of standard output.")
@click.pass_context
def export_command(ctx: click.Context, output: Path | None) -> None:
    """Print every feed (config and added) as OPML 2.0, for another feed reader."""
    db = _open(ctx)
    data = write_opml(OpmlFeed(url=feed.url, title=feed.name or feed.title) for feed in list_feeds(db))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise UsageProblem(f"{output}: cannot write ({exc.strerror}); check the folder and permissions"
                           ) from None
