"""`partwatch completion [bash|zsh|fish]`: print click's completion script for the shell.

The script calls `partwatch` back with `_PARTWATCH_COMPLETE` set on every Tab, and click answers
from the command tree (LazyGroup imports only the command being completed), so a new command or
option completes without regenerating anything. This command only saves users from having to
know the variable's name.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from partwatch.commands.common import UsageProblem

SHELLS = ("bash", "zsh", "fish")
PROG_NAME = "partwatch"
COMPLETE_VAR = "_PARTWATCH_COMPLETE"


@click.command()
@click.argument("shell", required=False, type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str | None) -> None:
    """Print the tab-completion script for SHELL (default: your login shell, from $SHELL).

    bash: add `eval "$(partwatch completion bash)"` to ~/.bashrc; zsh: the same with zsh in
    ~/.zshrc; fish: `partwatch completion fish > ~/.config/fish/completions/partwatch.fish`.
    """
    if shell is None:
        shell = Path(os.environ.get("SHELL", "")).name
        if shell not in SHELLS:
            raise UsageProblem(f"cannot tell your shell from $SHELL ({shell or 'unset'}); "
                               f"name it: partwatch completion {'|'.join(SHELLS)}")
    completer = get_completion_class(shell)
    assert completer is not None, shell
    click.echo(completer(ctx.find_root().command, {}, PROG_NAME, COMPLETE_VAR).source())
