"""What every command shares: loading the config once, one-line errors and their exit codes.

Kept apart from partwatch/cli.py so that a command module can import it without importing
the group that imports every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from feeds.text import fold_line
from partwatch.config import Config, ConfigError, load_config

EXIT_OK = 0
EXIT_FAILED = 1          # the command ran and something failed (a feed, the poll lock)
EXIT_USAGE = 2           # bad usage, bad config, unusable database: nothing was done

NO_FEEDS = ("no feeds yet: add [[feeds]] to config.toml (`partwatch init` writes a commented one) "
            "or run `partwatch feeds add URL`")


class UsageProblem(click.ClickException):
    """A one-line error that stops the command with exit code 2, printed without a traceback."""

    exit_code = EXIT_USAGE

    def show(self, file: object = None) -> None:
        click.echo(f"partwatch: {plain(self.format_message())}", err=True)


class Failure(click.ClickException):
    """A one-line error for a command that ran and failed: exit code 1."""

    exit_code = EXIT_FAILED

    def show(self, file: object = None) -> None:
        click.echo(f"partwatch: {plain(self.format_message())}", err=True)


@dataclass
class Options:
    """The group's options, stored on the click context for the subcommands."""

    config_path: Path | None
    db_path: Path | None
    config: Config | None = None


def load(ctx: click.Context) -> Config:
    """The validated config for this invocation (loaded once); exit 2 with one line if it is bad."""
    options = ctx.find_object(Options)
    if options is None:
        options = Options(None, None)
        ctx.obj = options
    if options.config is None:
        try:
            options.config = load_config(options.config_path, options.db_path)
        except ConfigError as exc:
            raise UsageProblem(str(exc)) from None
    return options.config


def plain(text: str | None) -> str:
    """Untrusted text (a feed's title, an error quoting a server) made safe for one terminal line:
    control characters and escape sequences removed, whitespace folded."""
    return fold_line(text or "")
