"""Opening the database for the desk's commands (questions, watch, export).

Each of them first brings the desk up to date with the config: when [[partnerships]],
[[questions]] or [[watch]] changed since the last poll, tags, evidence or hits are redone
here, so the user never runs anything by hand. With nothing changed this costs three reads.
"""

from __future__ import annotations

import click
import sqlite_utils

from partwatch import desk_sync
from partwatch.commands.common import UsageProblem, load
from partwatch.config import Config
from store.db import StoreError, open_db


def open_desk(ctx: click.Context) -> tuple[Config, sqlite_utils.Database]:
    config = load(ctx)
    try:
        db = open_db(config.db_path)
        desk_sync.refresh(db, config, [])
    except StoreError as exc:
        raise UsageProblem(str(exc)) from None
    return config, db


def check_partnership(config: Config, partnership: str | None) -> None:
    if partnership is not None and config.partnership(partnership) is None:
        known = ", ".join(p.id for p in config.partnerships) or "none configured"
        raise UsageProblem(f"--partnership {partnership!r}: no such partnership in the config "
                           f"(known: {known})")
