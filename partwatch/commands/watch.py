"""`partwatch watch`: watch items with their state (quiet, new, seen) and hits.

`partwatch poll --quiet` prints the new hits as they arrive; this command lists them all and
marks them seen. Untrusted text is printed plain (control characters and escapes removed).
"""

from __future__ import annotations

import json

import click

from partwatch.commands.common import UsageProblem, plain
from partwatch.commands.deskdb import open_desk
from partwatch.desk_views import watch_views
from store import desk as store_desk
from store.db import transaction


def _ts(moment: object) -> str:
    return format(moment, "%Y-%m-%dT%H:%M:%SZ")


@click.group(invoke_without_command=True)
@click.option("--new", "new_only", is_flag=True, help="Only items with unseen hits, and only those hits.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of items with their hits.")
@click.pass_context
def watch(ctx: click.Context, new_only: bool, as_json: bool) -> None:
    """List watch items with their state and hits (newest first).

    `partwatch watch seen ID` (or `--all`) marks hits seen.
    """
    if ctx.invoked_subcommand is not None:
        return
    config, db = open_desk(ctx)
    views = watch_views(db, config, new_only=new_only)
    if as_json:
        click.echo(json.dumps([
            {"id": v.id, "title": v.title, "partnership": v.partnership, "state": v.state,
             "hits": [{"article": h.source.article_id, "url": h.source.url, "title": h.source.title,
                       "feed": h.source.feed, "sentence": h.sentence, "published": _ts(h.source.published),
                       "found": _ts(h.found), "seen": h.seen} for h in v.hits]}
            for v in views
        ], indent=2, ensure_ascii=False))
        return
    if not views:
        click.echo("No new watch hits." if new_only else "No watch items configured.")
    for view in views:
        unseen = sum(1 for h in view.hits if not h.seen)
        where = f" ({view.partnership})" if view.partnership else ""
        count = f"{len(view.hits)} hit{'s' if len(view.hits) != 1 else ''}"
        click.echo(f"{view.id} [{view.state}] {plain(view.title)}{where}: {count}, {unseen} unseen")
        for hit in view.hits:
            mark = "*" if not hit.seen else " "
            click.echo(f" {mark} {hit.source.published:%Y-%m-%d} {plain(hit.source.title)} "
                       f"({plain(hit.source.feed)}) {plain(hit.source.url)}")
            click.echo(f"     {plain(hit.sentence)}")


@watch.command()
@click.argument("item_id", metavar="ID", required=False)
@click.option("--all", "all_items", is_flag=True, help="Mark every item's hits seen.")
@click.pass_context
def seen(ctx: click.Context, item_id: str | None, all_items: bool) -> None:
    """Mark the hits of watch item ID (or of every item with --all) seen."""
    if (item_id is None) == (not all_items):
        raise UsageProblem("give a watch item ID or --all (not both)")
    config, db = open_desk(ctx)
    if item_id is not None and item_id not in {w.id for w in config.watch}:
        known = ", ".join(w.id for w in config.watch) or "none configured"
        raise UsageProblem(f"no watch item {item_id!r} (known: {known})")
    with transaction(db):
        changed = store_desk.mark_seen(db, None if all_items else [item_id or ""])
    click.echo(f"{changed} hit{'s' if changed != 1 else ''} marked seen")
