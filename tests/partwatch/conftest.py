"""Fixtures for the command-line tests: a loopback site and a runner bound to one config."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from partwatch.cli import main
from tests.partwatch.receiver import receiver  # noqa: F401 - re-exported: the watch alerts' receiver
from tests.partwatch.site import Site


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


@dataclass
class Partwatch:
    """Runs `partwatch --config CONFIG ...` in-process against the test's config and database."""

    config: Path
    db: Path

    def __call__(self, *args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(main, ["--config", str(self.config), "--db", str(self.db), *args],
                             catch_exceptions=False)


@pytest.fixture
def partwatch(tmp_path: Path, write_config: Callable[..., Path]) -> Callable[[str], Partwatch]:
    """`partwatch(toml)` writes a config and returns a runner for it (one database per test)."""

    def make(toml: str) -> Partwatch:
        return Partwatch(write_config(toml), tmp_path / "pw.db")

    return make


def feeds_toml(*urls: str) -> str:
    return "\n".join(f'[[feeds]]\nurl = "{url}"\n' for url in urls)
