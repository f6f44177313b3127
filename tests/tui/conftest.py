"""Fixtures for the dashboard tests: the fixed database, and a way to wait for the workers."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Tab, Tabs
from textual.widgets._tabs import Underline
from textual.worker import WorkerCancelled, WorkerFailed

from partwatch.commands.tui import DeskService
from partwatch.config import Config
from tests.tui.fixture import build_fixture_db, fixed_clock, fixture_config
from tui.app import PartwatchApp
from tui.widgets.lazylist import LazyList


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
        app = PartwatchApp(path, config, **kwargs)
        app.preview_delay = 0
        app.search_delay = 0
        return app
    return make


def tabs_laid_out(pilot: Pilot[Any]) -> bool:
    """Whether every shown tab has been re-measured for its current label and every underline
    sits under its active tab. A relabelled tab could keep its old width after the next layout
    (seen under load: "Timeline" for "Timeline+6"); tui/app.py now measures it again, and this
    waits for that before a picture is taken."""
    for tabs in pilot.app.screen.query(Tabs):
        if not tabs.region:                               # not shown (the first-run screen)
            continue
        if any(tab.content_size.width != tab.label.cell_length for tab in tabs.query(Tab)):
            return False
        active = tabs.active_tab
        if active is None:
            continue
        underline = tabs.query_one(Underline)
        span = active.virtual_region.shrink(active.styles.gutter).column_span
        if (underline.highlight_start, underline.highlight_end) != span:
            return False
    return True


async def settle(pilot: Pilot[Any], rounds: int = 200) -> None:
    """Wait until no worker is running, no list is loading, every tab is laid out for its
    label, and that held for three rounds in a row (a finished worker's message may still be
    travelling from widget to widget and start another worker when it lands)."""
    app = pilot.app
    quiet = 0
    while quiet < 3 and rounds:
        rounds -= 1
        with contextlib.suppress(WorkerCancelled, WorkerFailed):   # overtaken by a newer one
            await app.workers.wait_for_complete()
        await pilot.pause(0.005)
        lists = [lazy for screen in app.screen_stack for lazy in screen.query(LazyList)]
        busy = (any(not w.is_finished for w in app.workers)
                or any(lazy._state.loading for lazy in lists)
                or not tabs_laid_out(pilot))
        quiet = 0 if busy else quiet + 1


async def open_story(pilot: Pilot[Any], index: int) -> Any:
    """Move to the index-th row of the visible list, press Enter, and return the story screen."""
    from tui.screens.story import StoryScreen

    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StoryScreen)
    return screen
