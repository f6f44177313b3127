"""The group itself: --version, --help everywhere, `python -m partwatch`, and the demo."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner

from partwatch import __version__
from partwatch.cli import main
from partwatch.config import Config


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path of the CLI, e.g. ("feeds", "add") (loading the lazy ones)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"partwatch {__version__}"


@pytest.mark.parametrize("path", [(), *all_commands()], ids=lambda p: " ".join(p) or "partwatch")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_unknown_option_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["poll", "--bogus"]).exit_code == 2


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "partwatch", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and __version__ in result.stdout


def test_demo_polls_the_bundled_feeds() -> None:
    result = CliRunner().invoke(main, ["demo", "--no-tui"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "failed" not in result.stderr
    header, *articles = result.stdout.splitlines()
    assert header.startswith("demo: 8 sample feeds polled")
    assert len(articles) >= 40
    assert all(line[:4] == "2026" for line in articles)


def test_version_and_poll_load_no_heavy_modules() -> None:
    code = ("import sys; from click.testing import CliRunner; from partwatch.cli import main; "
            "CliRunner().invoke(main, ['--version']); "
            "print(sorted(m for m in ('scipy', 'datasketch', 'dateparser', 'textual') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_demo_opens_the_dashboard_on_its_own_database(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Config] = []

    def fake_dashboard(config: Config) -> None:
        # The loopback server still runs while the dashboard is open: its poll key works.
        assert config.feeds and all(f.url.startswith("http://127.0.0.1:") for f in config.feeds)
        assert httpx.get(config.feeds[0].url, timeout=5).status_code == 200
        opened.append(config)

    monkeypatch.setattr("partwatch.commands.tui.open_dashboard", fake_dashboard)
    result = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(opened) == 1 and "partwatch-demo-" in str(opened[0].db_path)
    assert not opened[0].db_path.exists()                  # the temporary database is gone afterwards


def test_no_command_opens_the_dashboard(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[Config] = []
    monkeypatch.setattr("partwatch.commands.tui.open_dashboard", opened.append)
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "c.toml"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "no such file" in result.stderr          # a named config must exist
    (tmp_path / "c.toml").write_text("")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "c.toml"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0 and opened[0].db_path == tmp_path / "x.db"
