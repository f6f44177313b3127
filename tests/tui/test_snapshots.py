"""Snapshots of every view at 120x40 and of the dashboard at 80x24, on the fixed database.

The clock is fixed (tests/tui/fixture.py NOW), the data is fixed, and nothing on screen shows
the wall clock or blinks. Update with `pytest tests/tui --snapshot-update` after a deliberate
change, and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.conftest import settle


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await settle(pilot)
        await pilot.pause(0.1)        # a few refresh frames: relabelled tabs re-measure after a layout
        await settle(pilot)
    return run


VIEWS = {
    "timeline": (),
    "stories": ("2",),
    "story": ("2", "end", "enter"),                 # the rewritten story, with its contradictions
    "questions": ("3",),
    "watch": ("4",),
    "feeds": ("5",),
    "articles": ("left_square_bracket", "6", "down", "enter"),
    "search": ("slash", *"azure"),
    "help": ("question_mark",),
    "all_partnerships": ("left_square_bracket",),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_view_at_120x40(view: str, make_app: Any, snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=keys(*VIEWS[view]))


def test_dashboard_at_80x24(make_app: Any, snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys())


def test_story_at_80x24(make_app: Any, snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys("2", "end", "enter"))


def test_first_run_at_80x24(tmp_path: Any, snap_compare: Any) -> None:
    from tui.app import PartwatchApp
    app = PartwatchApp(tmp_path / "empty.db", None, change_poll_seconds=None)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys())


@pytest.mark.parametrize("view", ["stories", "feeds"])
def test_view_at_100x30(view: str, make_app: Any, snap_compare: Any) -> None:
    """The sidebar leaves the lists ~64 columns: every column fits, none spills off the edge."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=keys(*VIEWS[view]))
