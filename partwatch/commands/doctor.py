"""`partwatch doctor`: check the config, the database, the poll lock and the feeds, read-only,
and print one line per finding with what to fix (the checks: partwatch/doctor.py)."""

from __future__ import annotations

import json
from typing import Any

import click

from partwatch.commands.common import Options
from partwatch.doctor import Report, diagnose
from store.db import latest_version
from store.timefmt import now as utc_now


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check config, database (integrity, schema, size, WAL, lock) and feed health; say what to fix.

    Never writes anything. Exit 0 when all is well, 1 when something needs fixing, 2 when the
    config itself is bad.
    """
    options = ctx.find_object(Options) or Options(None, None)
    report = diagnose(options.config_path, options.db_path, utc_now())
    if as_json:
        click.echo(json.dumps(as_dict(report), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.line())
    ctx.exit(report.exit_code)


def as_dict(report: Report) -> dict[str, Any]:
    """The --json object (its keys are documented in the README's CLI reference)."""
    config = report.config
    database = report.database
    health = database.health if database is not None else None
    return {
        "exit_code": report.exit_code,
        "config": None if report.config_path is None else {
            "path": str(report.config_path),
            "exists": config is not None and config.path is not None,
            "valid": config is not None,
            "feeds": len(config.feeds) if config is not None else None,
            "partnerships": len(config.partnerships) if config is not None else None,
        },
        "database": None if database is None else {
            "path": str(database.path),
            "exists": database.exists,
            "size": database.size,
            "wal_size": database.wal_size,
            "writable": database.writable,
            "schema_version": health.schema_version if health is not None else None,
            "code_schema_version": latest_version(),
            "journal_mode": health.journal_mode if health is not None else None,
            "integrity": (None if health is None else "ok" if not health.problems else list(health.problems)),
            "feeds": len(health.feeds) if health is not None and health.feeds is not None else None,
            "poll_lock_pid": report.lock_pid,
        },
        "findings": [
            {"level": f.level, "check": f.check, "subject": f.subject, "message": f.message, "fix": f.fix}
            for f in report.findings
        ],
    }
