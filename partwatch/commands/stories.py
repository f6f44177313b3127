"""`partwatch stories`: list the stories, rebuild them, merge two, split an article out.

Titles, outlets and sentences come from feeds and are untrusted: every one goes through
`plain()` (control characters and escape sequences removed) and click.echo, never markup.
"""

from __future__ import annotations

import json
from typing import Any

import click
import sqlite_utils

from partwatch import stories_sync
from partwatch.commands.common import Failure, UsageProblem, load, plain
from partwatch.config import Config
from partwatch.lock import LockBusy, poll_lock
from store import stories as store
from store.articles import get_articles
from store.db import StoreError, open_db
from store.timefmt import to_db


def _open(ctx: click.Context) -> tuple[Config, sqlite_utils.Database]:
    config = load(ctx)
    try:
        return config, open_db(config.db_path)
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None


@click.group(invoke_without_command=True)
@click.option(
    "--partnership",
    "partnership",
    metavar="ID",
    default=None,
    help="Only stories with an article that concerns this partnership.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stories as a JSON array.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many stories.")
@click.pass_context
def stories(ctx: click.Context, partnership: str | None, as_json: bool, limit: int | None) -> None:
    """List stories, newest first: date, lead title, outlets, origin, contradictions.

    A story is a group of articles reporting the same news (copies, rewrites); its origin is
    the earliest or credited outlet. See the subcommands to rebuild, merge and split.
    """
    if ctx.invoked_subcommand is not None:
        return
    config, db = _open(ctx)
    if partnership is not None:
        if config.partnership(partnership) is None:
            known = ", ".join(p.id for p in config.partnerships) or "none configured"
            raise UsageProblem(
                f"--partnership {partnership!r}: no such partnership in the config (known: {known})"
            )
        if not store.has_tags_table(db):
            raise UsageProblem(
                "--partnership: this database has no partnership tags yet; run `partwatch poll`"
            )
    rows = store.list_stories(db, partnership, limit)
    if as_json:
        click.echo(json.dumps(_as_json(db, rows), ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No stories yet: run `partwatch poll`.")
        return
    origins = {a.id: a for a in get_articles(db, [r.origin_id for r in rows])}
    for row in rows:
        origin = origins.get(row.origin_id)
        source = plain(origin.feed) if origin else "?"
        flag = (
            f"  {row.contradictions} contradiction{'s' if row.contradictions != 1 else ''}"
            if row.contradictions
            else ""
        )
        click.echo(f"{row.id:>7}  {row.last_published:%Y-%m-%d}  {plain(row.title)}")
        click.echo(
            f"{'':>7}  {row.outlets} outlet{'s' if row.outlets != 1 else ''}, "
            f"{row.articles} article{'s' if row.articles != 1 else ''}; origin: {source}{flag}"
        )


def _as_json(db: sqlite_utils.Database, rows: list[store.StoryRow]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    members = store.members_of(db, ids)
    articles = {a.id: a for a in get_articles(db, [m for s in ids for m in members.get(s, [])])}
    sides = store.contradictions_of(db, ids)
    out: list[dict[str, Any]] = []
    for row in rows:
        origin = articles.get(row.origin_id)
        contradictions: list[dict[str, Any]] = []
        for side in sides.get(row.id, []):
            if side.position == 0:
                contradictions.append({"kind": side.kind, "values": []})
            article = articles.get(side.article_id)
            contradictions[-1]["values"].append(
                {
                    "value": side.value,
                    "feed": article.feed if article else None,
                    "url": article.url if article else None,
                    "sentence": side.sentence,
                }
            )
        out.append(
            {
                "id": row.id,
                "title": row.title,
                "first_published": to_db(row.first_published),
                "last_published": to_db(row.last_published),
                "origin": {"feed": origin.feed if origin else None, "url": origin.url if origin else None},
                "articles": [
                    {
                        "id": a.id,
                        "feed": a.feed,
                        "url": a.url,
                        "title": a.title,
                        "published": to_db(a.published),
                    }
                    for a in (articles[m] for m in members.get(row.id, []) if m in articles)
                ],
                "contradictions": contradictions,
            }
        )
    return out


@stories.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Recompute every story from scratch (manual merges and splits are kept)."""
    config, db = _open(ctx)
    # Under the poll lock: a poll placing articles meanwhile would be overwritten by the rebuild.
    try:
        with poll_lock(config.db_path):
            report = stories_sync.rebuild(db, config)
    except LockBusy as exc:
        raise Failure(str(exc)) from None
    click.echo(f"{report.placed} articles in {report.new_stories} stories.")


@stories.command()
@click.argument("story_a", type=int)
@click.argument("story_b", type=int)
@click.pass_context
def merge(ctx: click.Context, story_a: int, story_b: int) -> None:
    """Merge stories STORY_A and STORY_B (ids as `partwatch stories` lists them) into one.

    The merged story keeps the id of the one whose first article was published earlier (a
    story's id is its founding article's), whichever order you give them; the other id is
    gone. The merge is kept across rebuilds.
    """
    config, db = _open(ctx)
    try:
        with poll_lock(config.db_path):     # as rebuild: a poll placing meanwhile would undo it
            kept = stories_sync.merge(db, config, story_a, story_b)
    except stories_sync.StoryCommandError as exc:
        raise UsageProblem(str(exc)) from None
    except LockBusy as exc:
        raise Failure(str(exc)) from None
    gone = story_b if kept == story_a else story_a
    click.echo(f"Merged story {gone} into story {kept} (the earlier-founded story keeps its id).")


@stories.command()
@click.argument("article", type=int)
@click.pass_context
def split(ctx: click.Context, article: int) -> None:
    """Split ARTICLE (an article id, see --json) out of its story; kept across rebuilds."""
    config, db = _open(ctx)
    try:
        with poll_lock(config.db_path):
            story = stories_sync.split(db, config, article)
    except stories_sync.StoryCommandError as exc:
        raise UsageProblem(str(exc)) from None
    except LockBusy as exc:
        raise Failure(str(exc)) from None
    click.echo(f"Article {article} is now story {story}.")
