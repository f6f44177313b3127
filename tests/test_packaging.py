"""A real install: the wheel `python -m build` makes must run partwatch on its own, outside the
source tree, with every data file it needs (demo feeds, stylesheet, export schema, default config).

The .venv holds an editable install that maps the packages onto the source tree, so the test
installs the wheel into a folder of its own, runs it from another folder with PYTHONPATH set to
it, and checks that every module and data file came from that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from partwatch.config import default_config_text

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
from pathlib import Path
import feeds, store, tracking, tui, partwatch, tui.app
from textual.app import App
from textual.css.stylesheet import Stylesheet
from partwatch.config import default_config_text
from partwatch.commands.demo import demo_data
stylesheet = Path(tui.app.__file__).with_name(tui.app.PartwatchApp.CSS_PATH)
sheet = Stylesheet(variables=App().get_css_variables())
sheet.read(stylesheet)
sheet.parse()
schema = Path(tracking.__file__).with_name("export_schema.json")
with demo_data() as folder:
    demo_feeds = sorted(str(p) for p in (folder / "feeds").glob("*.xml"))
print(json.dumps({
    "modules": [m.__file__ for m in (feeds, store, tracking, tui, partwatch)],
    "files": [str(stylesheet), str(schema), *demo_feeds],
    "rules": len(sheet.rules),
    "schema": json.loads(schema.read_text())["title"] if schema.exists() else None,
    "demo_feeds": len(demo_feeds),
    "default_config": default_config_text(),
}))
"""


def test_the_default_config_is_the_repos_config_toml() -> None:
    """partwatch/default_config.toml is a symlink to the root file; a checkout that lost the link
    (core.symlinks=false) would ship a one-line file instead."""
    assert default_config_text() == (ROOT / "config.toml").read_text(encoding="utf-8")


def _source_copy(dest: Path) -> Path:
    """The files a build reads, copied (symlinks kept) so the build writes nothing in the tree."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]]
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", "config.toml"):
        shutil.copy2(ROOT / name, dest / name)
    for package in packages:
        shutil.copytree(ROOT / package, dest / package, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def test_the_wheel_runs_outside_the_source_tree(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "src")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
         str(source)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("partwatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("partwatch/default_config.toml", "tui/partwatch.tcss", "tracking/export_schema.json",
                 "partwatch/demo/config.toml", "partwatch/demo/feeds/meridian.xml"):
        assert data in names, f"the wheel lacks {data}"

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=180,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "PARTWATCH_CONFIG": str(elsewhere / "none.toml")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                              cwd=elsewhere, env=env)

    version = run("-m", "partwatch", "--version")
    assert version.returncode == 0 and version.stdout.startswith("partwatch "), version.stderr

    probe = run("-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    for path in found["modules"] + found["files"]:
        assert Path(path).is_relative_to(target), f"{path} does not come from the installed wheel"
    assert found["rules"] > 10 and found["schema"] and found["demo_feeds"] == 8
    assert found["default_config"] == (ROOT / "config.toml").read_text(encoding="utf-8")

    demo = run("-m", "partwatch", "demo", "--no-tui", "--json")
    assert demo.returncode == 0, demo.stderr
    summary = json.loads(demo.stdout)
    assert (summary["feeds"], summary["ok"], summary["new_articles"]) == (8, 8, 51)
