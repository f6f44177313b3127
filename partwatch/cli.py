"""The `partwatch` command line: the click group and the options every command shares.

Each command lives in partwatch/commands/<name>.py and is registered below with one line in
COMMANDS ("name": "module:attribute"). The group imports a command's module only when that
command runs (or when --help lists them all): the desk and stories modules pull in numpy,
scipy and dateparser, a second or more that `partwatch --version`, `feeds list` or a cron
`poll` must not pay up front. Commands get the config through `load(ctx)`, which turns a
ConfigError into its one-line message and exit code 2; the cron path (`poll`) never imports
the TUI.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from partwatch import __version__
from partwatch.commands.common import Options, load
from partwatch.config import Config, default_config_path, default_db_path

COMMANDS: dict[str, str] = {
    "poll": "partwatch.commands.poll:poll",
    "feeds": "partwatch.commands.feeds:feeds",
    "demo": "partwatch.commands.demo:demo",
    "tui": "partwatch.commands.tui:tui",
    "questions": "partwatch.commands.questions:questions",
    "watch": "partwatch.commands.watch:watch",
    "export": "partwatch.commands.export:export",
    "stories": "partwatch.commands.stories:stories",
    "notify": "partwatch.commands.notify:notify",
    "init": "partwatch.commands.init:init",
    "completion": "partwatch.commands.completion:completion",
    "doctor": "partwatch.commands.doctor:doctor",
    "serve": "partwatch.commands.serve:serve",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented lazy pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module_name, _, attribute = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"config.toml to use (default: $PARTWATCH_CONFIG, else {default_config_path()}).")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"Database file (default: [store] path in the config, else {default_db_path()}).")
@click.version_option(__version__, "--version", prog_name="partwatch", message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """partwatch: follow business partnerships in the news, from your terminal.

    With no command, opens the dashboard.
    """
    ctx.obj = Options(config_path, db_path)
    if ctx.invoked_subcommand is None:
        open_dashboard(ctx)


def open_dashboard(ctx: click.Context, config: Config | None = None) -> None:
    """Open the TUI on `config` (default: this invocation's config)."""
    from partwatch.commands.tui import open_dashboard as open_tui

    open_tui(config if config is not None else load(ctx))
