"""The `partwatch` command line: the click group and the options every command shares.

Each command lives in partwatch/commands/<name>.py and is registered below with one
`main.add_command(...)` line. Commands get the config through `load(ctx)`, which turns a
ConfigError into its one-line message and exit code 2; nothing is loaded for --help or
--version, and the cron path (`poll`) never imports the TUI.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import click

from partwatch import __version__
from partwatch.commands.common import Options, load
from partwatch.commands.demo import demo
from partwatch.commands.export import export
from partwatch.commands.feeds import feeds
from partwatch.commands.poll import poll
from partwatch.commands.questions import questions
from partwatch.commands.stories import stories
from partwatch.commands.tui import tui
from partwatch.commands.watch import watch
from partwatch.config import Config, default_config_path, default_db_path


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
    """Open the TUI on `config` (default: this invocation's), or print help until the TUI exists."""
    if importlib.util.find_spec("partwatch.commands.tui") is None:
        click.echo(ctx.get_help())
        return
    tui_command = importlib.import_module("partwatch.commands.tui")
    tui_command.open_dashboard(config if config is not None else load(ctx))


main.add_command(poll)
main.add_command(feeds)
main.add_command(demo)
main.add_command(tui)
main.add_command(questions)
main.add_command(watch)
main.add_command(export)
main.add_command(stories)
