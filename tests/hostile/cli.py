"""Running the real `partwatch` command line against a test's config and database.

`run` invokes it in-process with click's CliRunner (stdout and stderr kept apart);
`run_measured` runs it as a child process through tests/hostile/measured.py, which reports the
peak memory of the poll and of its parser processes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from partwatch.cli import main
from tests.hostile.catalog import MAX_BYTES, POLL_TOML, TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
MEASURED = Path(__file__).with_name("measured.py")

# C0 controls except tab and newline, DEL, C1 controls; bidi overrides/isolates; zero-width marks.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]")


def config_toml(urls: list[str], *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
                extra: str = "", parse_workers: int | None = None) -> str:
    text = POLL_TOML.format(timeout=timeout, max_bytes=max_bytes)
    if parse_workers is not None:
        text += f"parse_workers = {parse_workers}\n"
    text += "".join(f'\n[[feeds]]\nurl = "{url}"\n' for url in urls)
    return text + extra


@dataclass
class Cli:
    """`partwatch --config CONFIG --db DB ...` for one test."""

    config: Path
    db: Path

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config), "--db", str(self.db), *args],
                                  catch_exceptions=False)

    def argv(self, *args: str) -> list[str]:
        return ["--config", str(self.config), "--db", str(self.db), *args]


def make_cli(folder: Path, toml: str, db: Path | None = None) -> Cli:
    config = folder / "config.toml"
    config.write_text(toml, encoding="utf-8")
    return Cli(config, db or folder / "pw.db")


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float          # the largest resident set of the poll process or any of its children


def run_measured(argv: list[str], timeout: float = 120.0) -> Measured:
    """Run partwatch with `argv` in a child process; time it and take its peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(MEASURED), *argv], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    lines = done.stderr.splitlines()
    marked = [line for line in lines if line.startswith("MEASURED ")]
    report = json.loads(marked[-1][len("MEASURED "):]) if marked else {"peak_mb": float("nan")}
    stderr = "\n".join(line for line in lines if not line.startswith("MEASURED "))
    return Measured(done.returncode, done.stdout, stderr, seconds, report["peak_mb"])
