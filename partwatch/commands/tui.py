"""`partwatch tui` (and `partwatch` with no command): open the dashboard on the configured database.

This is where the dashboard gets its services: a poll (the same run_poll as `partwatch poll`,
so the refresh after it is the same) and an export (the same briefing as `partwatch export`).
The TUI itself never fetches or writes files on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from partwatch import desk_sync, desk_views, stories_sync
from partwatch.commands.common import UsageProblem, load, plain
from partwatch.config import Config
from partwatch.lock import poll_lock
from partwatch.refresh import RefreshReport
from store import desk as store_desk
from store.db import StoreError, open_db, transaction
from store.desk_records import AdoptedQuestion
from tracking.questions import QuestionView, Suggestion, adopted_question
from tracking.timeline import TimelineEntry
from tui.services import ExportService, PollService, PollSummary, Progress, WatchHitNote, WatchLine

if TYPE_CHECKING:
    from tui.app import PartwatchApp


def poll_service(config: Config, *, force: bool = True) -> PollService:
    """A poll of every feed (forced: `r` means now), reporting progress and new watch hits."""

    def poll(progress: Progress) -> PollSummary:
        from partwatch.polling import run_poll

        summary = run_poll(config, force=force, progress=lambda done, total, _url: progress(done, total))
        alert_failures = [plain(line) for line in summary.notifications.lines]
        if summary.notify_error:
            alert_failures.append(f"delivering watch alerts: {plain(summary.notify_error)}")
        return PollSummary(feeds=summary.feeds, new_articles=summary.new_articles, failed=summary.failed,
                           watch_hits=_hit_notes(summary.refresh),
                           errors=tuple(f"{plain(url)}: {plain(error)}" for url, error in summary.errors),
                           alert_failures=tuple(alert_failures))

    return poll


def _hit_notes(report: RefreshReport) -> tuple[WatchHitNote, ...]:
    hits = report.desk.new_hits if report.desk is not None else []
    return tuple(WatchHitNote(item=hit.item_title, title=hit.headline, feed=hit.outlet, url=hit.url)
                 for hit in hits)


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
    check_database(config)
    dashboard(config, poll=poll if poll is not None else poll_service(config),
              export=export if export is not None else export_service(config)).run()


def dashboard(config: Config, *, poll: PollService | None = None,
              export: ExportService | None | Callable[..., Path] = None) -> PartwatchApp:
    """The dashboard over `config`: its desk, and its keys remapped by [keys]."""
    from tui.app import PartwatchApp

    return PartwatchApp(config.db_path, config, poll=poll, export=export,
                        desk=DeskService(config), keymap=dict(config.keys))


def check_database(config: Config) -> None:
    """Open (or create) the database once, so an unusable one is one line and exit 2 up front."""
    try:
        open_db(config.db_path).conn.close()
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None


@click.command("tui")
@click.pass_context
def tui(ctx: click.Context) -> None:
    """Open the dashboard (the same as `partwatch` with no command).

    Keys: 1-6 switch views, / searches, r polls, e exports, o opens a link, ? shows every key,
    q quits. ctrl+p offers every action.
    """
    open_dashboard(load(ctx))


class DeskService:
    """tui.services.Desk over partwatch's desk: the same reads and writes as the CLI commands."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def timeline(self, db: Any, partnership: str) -> list[TimelineEntry]:
        return desk_views.timeline(db, partnership, last_looked=store_desk.last_looked(db, partnership))

    def questions(self, db: Any, partnership: str | None) -> list[QuestionView]:
        return desk_views.question_views(db, self.config, partnership)

    def suggestions(self, db: Any, partnership: str | None) -> list[Suggestion]:
        found = desk_views.suggestions(db, self.config, partnership)
        return found

    def watch(self, db: Any, partnership: str | None) -> list[WatchLine]:
        views = (desk_views.watch_views(db, self.config) if partnership is None
                 else desk_views.partnership_watch(db, self.config, partnership))
        return [WatchLine(v.id, v.title, v.state, v.hits) for v in views]

    def looked(self, db: Any, partnership: str, when: datetime) -> None:
        with transaction(db):
            store_desk.set_last_looked(db, partnership, when)

    def answer(self, db: Any, question_id: str, text: str | None, article_id: int | None,
               when: datetime) -> None:
        with transaction(db):
            store_desk.set_status(db, question_id, "answered", text or None, article_id, when)

    def reopen(self, db: Any, question_id: str, when: datetime) -> None:
        with transaction(db):
            store_desk.set_status(db, question_id, "open", None, None, when)

    def adopt(self, db: Any, suggestion_id: str, partnership: str | None, when: datetime) -> str:
        suggestion = next((s for s in desk_views.suggestions(db, self.config) if s.id == suggestion_id), None)
        if suggestion is None:
            return "That suggestion is gone."
        chosen = partnership if partnership in suggestion.partnerships else None
        question = adopted_question(suggestion, chosen)
        with transaction(db):
            store_desk.adopt_question(db, AdoptedQuestion(question.id, question.partnership, question.text,
                                                          question.terms),
                                      suggestion.sources[0].article_id if suggestion.sources else None, when)
        found = desk_sync.add_question_evidence(db, question)
        return f"Adopted: {found} evidence sentences so far."

    def dismiss(self, db: Any, suggestion_id: str, when: datetime) -> None:
        suggestion = next((s for s in desk_views.suggestions(db, self.config) if s.id == suggestion_id), None)
        if suggestion is not None:
            with transaction(db):
                store_desk.dismiss_suggestion(db, suggestion.id, suggestion.text, None, when)

    def mark_seen(self, db: Any, item_ids: list[str] | None) -> int:
        with transaction(db):
            return store_desk.mark_seen(db, item_ids)

    def merge_stories(self, db: Any, story_a: int, story_b: int) -> int:
        """Under the poll lock, as `stories merge` (a poll running meanwhile raises LockBusy,
        which the dashboard shows as a notification)."""
        with poll_lock(self.config.db_path):
            return stories_sync.merge(db, self.config, story_a, story_b)

    def split_article(self, db: Any, article_id: int) -> int:
        with poll_lock(self.config.db_path):
            return stories_sync.split(db, self.config, article_id)
