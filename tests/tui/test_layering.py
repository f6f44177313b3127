"""tui/ reads through store/ and tracking/ only: no SQL driver, no HTTP, no partwatch/ (which
hands it services instead), and no feeds/."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"
FORBIDDEN = ("sqlite3", "sqlite_utils", "httpx", "partwatch", "feeds")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_tui_imports_no_sql_no_http_no_cli() -> None:
    files = sorted(TUI.rglob("*.py"))
    assert len(files) >= 8
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.relative_to(TUI.parent)} imports {sorted(bad)}"


def test_one_stylesheet_and_no_inline_css() -> None:
    assert [p.name for p in TUI.rglob("*.tcss")] == ["partwatch.tcss"]
    for path in TUI.rglob("*.py"):
        assert "DEFAULT_CSS" not in path.read_text(encoding="utf-8"), path
