"""bench/screenshot.py, which makes the README's docs/dashboard.svg, still runs and shows the
dashboard on the demo data (so the screenshot can always be regenerated, never by hand)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def svg_text(path: Path) -> str:
    """Every text node of the SVG, non-breaking spaces as spaces (Rich writes one per space)."""
    return " ".join(ET.parse(path).getroot().itertext()).replace("\xa0", " ")


def test_the_screenshot_script_draws_the_dashboard_on_the_demo_data(tmp_path: Path) -> None:
    out = tmp_path / "shots" / "dashboard.svg"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "screenshot.py"), "--out", str(out)],
                            capture_output=True, text=True, timeout=110, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    text = svg_text(out)
    assert "partwatch · Microsoft and OpenAI" in text                        # the window and header title
    assert "last poll 2026-11-23 09:00 UTC" in text                          # the fixed clock, not now
    assert "21 stories" in text and "Nine months after the AWS deal" in text    # demo data, Stories view


def test_the_readme_shows_the_committed_screenshot() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "![partwatch dashboard](docs/dashboard.svg)" in readme
    assert "partwatch · Microsoft and OpenAI" in svg_text(ROOT / "docs" / "dashboard.svg")
