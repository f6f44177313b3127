"""Fixtures for the dashboard tests: the fixed database, and a way to wait for the workers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from partwatch.commands.tui import DeskService
from partwatch.config import Config
from tests.tui.fixture import build_fixture_db, fixed_clock, fixture_config
from tui.app import PREVIEW_DELAY, PartwatchApp


@pytest.fixture(scope="session")
def fixture_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per session (per xdist worker); each test gets its own copy."""
    path = tmp_path_factory.mktemp("tui-fixture") / "fixture.db"
    build_fixture_db(path)
    return path


@pytest.fixture
def fixture_db(tmp_path: Path, fixture_template: Path) -> tuple[Path, Config]:
    path = tmp_path / "fixture.db"
    shutil.copyfile(fixture_template, path)
    return path, fixture_config(path)


@pytest.fixture
def make_app(fixture_db: tuple[Path, Config]) -> Callable[..., PartwatchApp]:
    def make(**kwargs: Any) -> PartwatchApp:
        path, config = fixture_db
        kwargs.setdefault("clock", fixed_clock)
        kwargs.setdefault("change_poll_seconds", None)
        kwargs.setdefault("desk", DeskService(config))
        return PartwatchApp(path, config, **kwargs)
    return make


async def settle(pilot: Pilot[Any], rounds: int = 40) -> None:
    """Wait until no worker is running and every message they posted has been handled."""
    app = pilot.app
    await pilot.pause(PREVIEW_DELAY + 0.02)          # the reader follows the cursor after a rest
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(w.is_finished for w in app.workers):
            await pilot.pause()
            if all(w.is_finished for w in app.workers):
                return
