"""`partwatch tui` (and `partwatch` with no command): open the dashboard on the configured database.

This is where the dashboard gets its services: a poll (the same run_poll as `partwatch poll`,
so the refresh after it is the same) and an export (the same briefing as `partwatch export`).
The TUI itself never fetches or writes files on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from partwatch.commands.common import UsageProblem, load, plain
from partwatch.config import Config
from store.db import StoreError, open_db
from tui.services import ExportService, PollService, PollSummary, Progress, WatchHitNote


def poll_service(config: Config, *, force: bool = True) -> PollService:
    """A poll of every feed (forced: `r` means now), reporting progress and new watch hits."""

    def poll(progress: Progress) -> PollSummary:
        from partwatch.polling import run_poll

        summary = run_poll(config, force=force, progress=lambda done, total, _url: progress(done, total))
        return PollSummary(feeds=summary.feeds, new_articles=summary.new_articles, failed=summary.failed,
                           watch_hits=_hit_notes(summary.refresh),
                           errors=tuple(f"{plain(url)}: {plain(error)}" for url, error in summary.errors))

    return poll


def _hit_notes(report: object) -> tuple[WatchHitNote, ...]:
    hits = getattr(report, "new_hits", None)
    if hits:
        notes = []
        for hit in hits:
            source = getattr(hit, "source", None)
            notes.append(WatchHitNote(item=str(getattr(hit, "item_title", None) or getattr(hit, "item_id", "")),
                                      title=str(getattr(source, "title", "") or ""),
                                      feed=str(getattr(source, "feed", "") or ""),
                                      url=getattr(source, "url", None)))
        return tuple(notes)
    return tuple(WatchHitNote(item="Watch", title=line, feed="") for line in getattr(report, "alerts", []))


def export_service(config: Config) -> ExportService | None:
    """The Markdown briefing of one partnership (or all), written to a file."""
    try:
        from partwatch.commands.export import write_briefing
    except ImportError:
        return None

    def export(partnership: str | None, path: Path) -> Path:
        return write_briefing(config, partnership, path)

    return export


def open_dashboard(config: Config, *, poll: PollService | None = None,
                   export: ExportService | None | Callable[..., Path] = None) -> None:
    """Run the dashboard until the user quits; a bad database is one line and exit 2."""
    from tui.app import PartwatchApp

    try:
        open_db(config.db_path).conn.close()
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None
    app = PartwatchApp(config.db_path, config,
                       poll=poll if poll is not None else poll_service(config),
                       export=export if export is not None else export_service(config))
    app.run()


@click.command("tui")
@click.pass_context
def tui(ctx: click.Context) -> None:
    """Open the dashboard (the same as `partwatch` with no command).

    Keys: 1-6 switch views, / searches, r polls, e exports, o opens a link, ? shows every key,
    q quits. ctrl+p offers every action.
    """
    open_dashboard(load(ctx))
