"""`partwatch init`: the default config written where partwatch reads it, never over a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from partwatch.cli import main
from partwatch.config import load_config

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = (ROOT / "config.toml").read_text(encoding="utf-8")


def test_init_writes_the_default_config_to_the_config_path(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new" / "folder" / "config.toml"
    monkeypatch.setenv("PARTWATCH_CONFIG", str(target))
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == DEFAULT
    config = load_config(None)
    assert config.path == target and len(config.feeds) >= 5
    assert f"database: {config.db_path}" in result.stdout


def test_init_never_overwrites_a_config(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    target.write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(target), "init"])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert result.stderr.startswith(f"partwatch: {target}: already exists") and result.stderr.count("\n") == 1


def test_init_print_writes_the_default_to_stdout(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "c.toml"), "init", "--print"])
    assert result.exit_code == 0 and result.stdout == DEFAULT
    assert not (tmp_path / "c.toml").exists()


def test_init_reports_a_folder_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(blocker / "config.toml"), "init"])
    assert result.exit_code == 1 and "cannot write the config" in result.stderr
