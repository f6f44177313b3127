#!/usr/bin/env python3
"""The README's Quickstart, for a fresh clone with only Python 3.11+ and pip.

    python3 dev.py demo     # open the dashboard on the bundled offline sample feeds
    python3 dev.py test     # run the whole test suite (what .ci/run runs)

It keeps one virtual environment in .venv and reinstalls the project into it only when
pyproject.toml has changed since the last install, so repeated runs start at once.
Any further arguments are passed on (`python3 dev.py test -k poll`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".partwatch-installed"


def ensure_env() -> None:
    if not (BIN / "python").exists():
        print("dev.py: creating .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    print("dev.py: installing partwatch and its test tools into .venv", file=sys.stderr)
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.touch()


def main(argv: list[str]) -> int:
    commands = {
        "demo": [str(BIN / "partwatch"), "demo"],
        "test": [str(BIN / "python"), "-m", "pytest", "-n", "2"],
    }
    if not argv or argv[0] not in commands:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ensure_env()
    return subprocess.call(commands[argv[0]] + argv[1:], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
