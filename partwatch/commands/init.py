"""`partwatch init`: the first step of an installed partwatch, which has no clone to copy from.

It writes the commented default config (the repo's config.toml, shipped in the package) to the
file partwatch reads: `--config FILE`, else $PARTWATCH_CONFIG, else the platformdirs default.
A file already there is never overwritten, not even partly: it is the user's, and `init --print`
shows the default to compare it with.
"""

from __future__ import annotations

import click

from partwatch.commands.common import Failure, Options, UsageProblem
from partwatch.config import ConfigError, default_config_text, find_config, load_config


@click.command()
@click.option("--print", "to_stdout", is_flag=True,
              help="Print the default config to standard output instead of writing a file.")
@click.pass_context
def init(ctx: click.Context, to_stdout: bool) -> None:
    """Write the commented default config.toml where partwatch looks for it (never over a file)."""
    text = default_config_text()
    if to_stdout:
        click.echo(text, nl=False)
        return
    options = ctx.find_object(Options) or Options(None, None)
    target, _ = find_config(options.config_path)
    if target.exists():
        raise Failure(f"{target}: already exists and was left untouched; "
                      "`partwatch init --print` shows the default to compare it with")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError:
            raise Failure(f"{target}: created by another process meanwhile; left untouched") from None
    except OSError as exc:
        raise Failure(f"{target}: cannot write the config ({exc.strerror}); "
                      "check the folder's permissions or pass --config FILE") from None
    try:
        db_path = load_config(target, options.db_path).db_path
    except ConfigError as exc:
        raise UsageProblem(f"the bundled default config is broken: {exc}") from None
    click.echo(f"wrote the default config to {target}")
    click.echo(f"database: {db_path}")
    click.echo("next: edit its [[feeds]] and [[partnerships]], then run `partwatch poll` and `partwatch`")
