"""The quality bar as tests: ruff, mypy --strict, the import contracts, a documented CLI, and a
cron path that never loads the UI toolkit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.partwatch.test_cli_main import all_commands

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}; run `python3 dev.py test` to install the test tools")
    return str(path)


def test_ruff() -> None:
    result = run(tool("ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = run(tool("mypy"))          # files and strictness come from pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts() -> None:
    result = run(tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_cron_path_never_imports_textual() -> None:
    code = ("import sys, partwatch.cli, partwatch.polling, partwatch.refresh; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich.live')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = readme[readme.index("## CLI reference"):]
    missing = [" ".join(path) for path in all_commands() if f"partwatch {' '.join(path)}" not in reference]
    assert missing == [], f"README.md's CLI reference does not mention: {missing}"


def test_every_data_file_ships_in_the_wheel() -> None:
    """Data files (demo feeds, stylesheet, ...) must match a package-data pattern, or a real
    `pip install` (not editable) would lack them and `partwatch demo` would break."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    missing = [
        str(path.relative_to(ROOT))
        for package in ("feeds", "store", "tracking", "tui", "partwatch")
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)
    ]
    assert missing == [], f"add a pattern to [tool.setuptools.package-data] for: {missing}"


def test_readme_documents_every_setting_with_its_default() -> None:
    """[poll] and [dedupe] keys are the dataclass fields (partwatch/config.py maps them
    generically), so a field added or retuned in code must show up in the README's tables."""
    import dataclasses
    import re

    from feeds.records import PollSettings
    from tracking.model import DedupeSettings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table, cls in (("[poll]", PollSettings), ("[dedupe]", DedupeSettings)):
        section = readme[readme.index(f"### `{table}`"):]
        section = section[:section.index("\n### ", 1)]
        rows = {m[0]: m[1] for m in re.findall(r"^\| `(\w+)` \| [^|]+ \| `([^`]*)` \|", section, re.M)}
        for field in dataclasses.fields(cls):
            assert field.name in rows, f"README {table} table lacks `{field.name}`"
            documented, actual = rows[field.name].replace("_", ""), field.default
            message = f"README {table} `{field.name}` default {documented} is not {actual!r}"
            if isinstance(actual, (int, float)) and not isinstance(actual, bool):
                assert float(documented) == actual, message
            else:
                assert documented == str(actual).replace("_", ""), message
