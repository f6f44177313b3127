"""`partwatch notify`: the [[notify]] entries with their outbox, and `notify test`.

Delivery itself happens at the end of every poll (partwatch/notify/deliver.py); this command
only shows where it stands and sends a sample to check an entry works before a real hit needs
it. `notify test` touches no outbox row, so it never counts as a delivery.
"""

from __future__ import annotations

import json
import time

import click

from partwatch.commands.common import Failure, UsageProblem, load, plain
from partwatch.config import Config
from partwatch.notify.deliver import try_send
from partwatch.notify.payload import hit_payload, sample_hit
from partwatch.notify.send import http_client
from partwatch.notify_config import NotifyEntry
from store import notify as outbox
from store.db import StoreError, open_db
from store.timefmt import now as utc_now


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of entries with their counts.")
@click.pass_context
def notify(ctx: click.Context, as_json: bool) -> None:
    """List the [[notify]] entries: kind, target, filters, hits sent and waiting.

    `partwatch notify test` sends a sample hit to each entry (or one, with --id).
    """
    if ctx.invoked_subcommand is not None:
        return
    config = load(ctx)
    counts = _counts(config)
    if as_json:
        click.echo(json.dumps([
            {"id": e.id, "kind": e.kind, "target": e.target, "watch": list(e.watch),
             "partnerships": list(e.partnerships), "timeout": e.timeout,
             "sent": counts[e.id].sent, "pending": counts[e.id].pending, "failing": counts[e.id].failing,
             "last_error": counts[e.id].last_error}
            for e in config.notify
        ], indent=2, ensure_ascii=False))
        return
    if not config.notify:
        click.echo("No [[notify]] entries configured.")
    for entry in config.notify:
        count = counts[entry.id]
        filters = "".join(f"; {name} {', '.join(ids)}" for name, ids in
                          (("watch", entry.watch), ("partnerships", entry.partnerships)) if ids)
        line = (f"{entry.id} [{entry.kind}] {plain(entry.target)}{filters}: {count.sent} sent, "
                f"{count.pending} waiting")
        if count.failing:
            line += f" ({count.failing} failing: {plain(count.last_error)})"
        click.echo(line)


def _counts(config: Config) -> dict[str, outbox.OutboxCounts]:
    """The outbox counts per configured entry; an entry never polled has zeros."""
    if not config.notify or not config.db_path.exists():
        return {e.id: outbox.OutboxCounts() for e in config.notify}
    try:
        db = open_db(config.db_path)
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None
    try:
        found = outbox.counts(db)
    finally:
        db.conn.close()
    return {e.id: found.get(e.id, outbox.OutboxCounts()) for e in config.notify}


@notify.command()
@click.option("--id", "entry_id", metavar="ID", help="Only this entry.")
@click.pass_context
def test(ctx: click.Context, entry_id: str | None) -> None:
    """Send a sample watch hit to every entry (or to ID): one line per entry with the result.

    Exit 0 when every one was delivered, 1 when some failed, 2 with no entry to send to.
    """
    config = load(ctx)
    entries: tuple[NotifyEntry, ...] = config.notify
    if entry_id is not None:
        entries = tuple(e for e in config.notify if e.id == entry_id)
        if not entries:
            known = ", ".join(e.id for e in config.notify) or "none configured"
            raise UsageProblem(f"--id {entry_id!r}: no such [[notify]] entry (known: {known})")
    if not entries:
        raise UsageProblem("no [[notify]] entries to test: add one to config.toml (README, Watch alerts)")
    failed = 0
    with http_client(config.poll.user_agent) as client:
        for entry in entries:
            payload = hit_payload(config, sample_hit(config, entry.id, utc_now()), test=True)
            outcome, tries = try_send(entry, payload, client, time.sleep)
            if outcome.ok:
                click.echo(f"{entry.id}: sent ({entry.kind} {plain(entry.target)})")
            else:
                failed += 1
                attempts = f" after {tries} tries" if tries > 1 else ""
                click.echo(f"{entry.id}: failed{attempts}: {plain(outcome.error)}")
    if failed:
        raise Failure(f"{failed} of {len(entries)} [[notify]] entries failed the test")
