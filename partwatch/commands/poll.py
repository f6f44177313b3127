"""`partwatch poll`: poll every due feed once; the command cron runs.

Output contract (public, documented in the README): a summary line and one line per failed
feed; `--quiet` prints only what needs a human (failed feeds, alerts such as new watch hits),
so cron mails nothing on a good night; `--json` prints one JSON object. Exit 0 when every
polled feed succeeded, 1 when some failed (the others are stored) or another poll holds the
lock, 2 on usage, config or database errors.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from partwatch.commands.common import NO_FEEDS, Failure, UsageProblem, load, plain
from partwatch.lock import LockBusy
from partwatch.polling import PollSummary, ProgressHook, run_poll
from store.db import StoreError


@click.command()
@click.option("--force", is_flag=True, help="Poll every feed now, even those polled recently or backing off.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing unless something needs a human (failed feeds, new watch hits): for cron.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def poll(ctx: click.Context, force: bool, quiet: bool, as_json: bool) -> None:
    """Poll every due feed once and store new and updated articles.

    A feed polled less than [poll] min_interval seconds ago, or backing off after failures, is
    skipped unless --force. Exit status: 0 all polled feeds succeeded, 1 some failed (the
    others are stored) or another poll is running, 2 usage, config or database error.
    """
    config = load(ctx)
    show_progress = not quiet and not as_json and sys.stderr.isatty()
    try:
        with _progress(show_progress) as (on_start, on_result, on_refresh):
            summary = run_poll(config, force=force, progress=on_result, on_start=on_start,
                               on_refresh=on_refresh)
    except LockBusy as exc:
        raise Failure(str(exc)) from None
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None
    except sqlite3.Error as exc:
        raise Failure(f"{config.db_path}: {exc}; nothing more was polled (what was stored stays)") from None
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
    elif quiet:
        _print_needs_human(summary)
    else:
        _print_summary(summary)
    ctx.exit(summary.exit_code)


def _print_summary(summary: PollSummary) -> None:
    line = (f"{summary.feeds} feeds polled: {summary.ok} ok, {summary.not_modified} not modified, "
            f"{summary.failed} failed; {summary.new_articles} new articles, "
            f"{summary.updated_articles} updated")
    if summary.skipped:
        line += f"; {summary.skipped} not due (--force polls them)"
    click.echo(line)
    if not summary.feeds and not summary.skipped:
        click.echo(NO_FEEDS)
    for old, new in summary.moved:
        click.echo(f"moved permanently: {plain(old)} -> {plain(new)}")
    for url, warning in summary.warnings:
        click.echo(f"warning: {plain(url)}: {plain(warning)}")
    pages = summary.full_text
    if pages.fetched or pages.failed:
        # Not under --quiet: a page that failed keeps its teaser, nothing there needs a human.
        click.echo(f"full text: {pages.fetched} pages fetched, {pages.failed} failed")
        for url, error in pages.errors:
            click.echo(f"full text failed: {plain(url)}: {plain(error)}")
    _print_needs_human(summary)


def _print_needs_human(summary: PollSummary) -> None:
    for url, error in summary.errors:
        click.echo(f"failed: {plain(url)}: {plain(error)}")
    if summary.refresh_error:
        click.echo(f"failed: updating stories and the desk after the poll: {plain(summary.refresh_error)} "
                   "(the articles are stored; the next poll refreshes them)")
    for alert in summary.refresh.alerts:
        click.echo(plain(alert))
    for line in summary.notifications.lines:
        click.echo(plain(line))
    if summary.notify_error:
        click.echo(f"failed: delivering watch alerts: {plain(summary.notify_error)} (they stay queued; "
                   "the next poll tries again)")


@contextmanager
def _progress(enabled: bool) -> Iterator[tuple[Callable[[int], None] | None, ProgressHook | None,
                                               Callable[[], None] | None]]:
    """A rich progress bar on stderr when it is a terminal; nothing at all under cron."""
    if not enabled:
        yield None, None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("polling", total=None)

        def on_start(total: int) -> None:
            bar.update(task, total=total)

        def on_result(done: int, total: int, url: str) -> None:
            bar.update(task, completed=done, total=total)

        def on_refresh() -> None:
            bar.update(task, description="updating stories and the desk")

        yield on_start, on_result, on_refresh
