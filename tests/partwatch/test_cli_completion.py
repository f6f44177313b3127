"""Shell completion: `partwatch completion SHELL` prints click's script, and click answers the
Tab requests of that script from the lazy command tree (subcommands and options)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from partwatch.cli import main

BIN = Path(sys.executable).parent

MARKERS = {
    "bash": "complete -o nosort -F _partwatch_completion partwatch",
    "zsh": "#compdef partwatch",
    "fish": "complete --no-files --command partwatch",
}


@pytest.mark.parametrize("shell", sorted(MARKERS))
def test_completion_prints_the_shells_script(shell: str) -> None:
    result = CliRunner().invoke(main, ["completion", shell])
    assert result.exit_code == 0
    assert MARKERS[shell] in result.stdout and f"_PARTWATCH_COMPLETE={shell}_complete" in result.stdout


def test_completion_defaults_to_the_login_shell() -> None:
    result = CliRunner().invoke(main, ["completion"], env={"SHELL": "/usr/bin/zsh"})
    assert result.exit_code == 0 and MARKERS["zsh"] in result.stdout


def test_completion_names_the_choices_when_it_cannot_tell_the_shell() -> None:
    result = CliRunner().invoke(main, ["completion"], env={"SHELL": "/bin/sh"})
    assert result.exit_code == 2 and "partwatch completion bash|zsh|fish" in result.stderr


def complete(words: str, shell: str = "bash") -> list[str]:
    """What click answers the script's request for the last word of `words` (bash protocol:
    `type,value` lines; zsh: type, value, help lines; fish: `type,value\thelp` lines)."""
    split = shlex.split(words) + ([""] if words.endswith(" ") else [])
    env = {"_PARTWATCH_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(split) - 1) if shell != "fish" else split[-1]}
    result = CliRunner().invoke(main, [], prog_name="partwatch", env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    if shell == "bash":
        return [line.split(",", 1)[1] for line in lines]
    if shell == "zsh":
        return lines[1::3]
    return [line.split("\t")[0].split(",", 1)[1] for line in lines]


@pytest.mark.parametrize("shell", sorted(MARKERS))
def test_a_subcommand_prefix_completes(shell: str) -> None:
    assert complete("partwatch fe", shell) == ["feeds"]


@pytest.mark.parametrize(("words", "expected"), [
    ("partwatch ", {"poll", "feeds", "demo", "completion", "init"}),
    ("partwatch feeds li", {"list"}),
    ("partwatch poll --f", {"--force"}),
    ("partwatch --c", {"--config"}),
    ("partwatch completion ", {"bash", "zsh", "fish"}),
])
def test_nested_commands_options_and_choices_complete(words: str, expected: set[str]) -> None:
    assert expected <= set(complete(words))


def test_the_bash_script_completes_in_bash() -> None:
    """The script as a user installs it, in a real bash, calling the installed `partwatch`."""
    script = CliRunner().invoke(main, ["completion", "bash"]).stdout
    driver = (f"{script}\nCOMP_WORDS=(partwatch feeds re); COMP_CWORD=2\n"
              "_partwatch_completion partwatch\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", driver], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["remove"]
