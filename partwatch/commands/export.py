"""`partwatch export`: a briefing per partnership, as Markdown (default) or JSON.

The JSON schema is tracking/export_schema.json (documented in the README). Output is
deterministic for the same database apart from the generation time, so briefings diff well.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
import sqlite_utils

from partwatch import desk_sync
from partwatch.commands.common import UsageProblem
from partwatch.commands.deskdb import check_partnership, open_desk
from partwatch.config import Config
from partwatch.desk_views import briefing
from store.db import open_db
from store.timefmt import now as utc_now
from tracking.export import to_json, to_markdown


def render(db: sqlite_utils.Database, config: Config, partnership: str | None, since: date | None,
           fmt: str, generated: datetime | None = None) -> str:
    """The briefing text as of `generated` (default: now)."""
    data = briefing(db, config, generated or utc_now(), partnership, since)
    return to_json(data) if fmt == "json" else to_markdown(data)


def write_briefing(config: Config, partnership: str | None, path: Path, fmt: str = "md") -> Path:
    """Write the Markdown (or JSON) briefing to `path`; for the dashboard's export key."""
    db = open_db(config.db_path)
    try:
        desk_sync.refresh(db, config, [])
        text = render(db, config, partnership, None, fmt)
    finally:
        db.conn.close()
    path.write_text(text, encoding="utf-8")
    return path


@click.command()
@click.option("--partnership", "-p", default=None, help="Only this partnership (default: all).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only entries, evidence and hits from this date (YYYY-MM-DD) on.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True,
              help="Markdown briefing or JSON (schema in the README).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to FILE instead of standard output.")
@click.pass_context
def export(ctx: click.Context, partnership: str | None, since: datetime | None, fmt: str,
           output: Path | None) -> None:
    """Export the timeline, open questions and watch items as a Markdown or JSON briefing."""
    config, db = open_desk(ctx)
    check_partnership(config, partnership)
    text = render(db, config, partnership, since.date() if since else None, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"{output}: cannot write ({exc.strerror}); "
                           "check the folder and its permissions") from None
    click.echo(f"wrote {output}", err=True)
