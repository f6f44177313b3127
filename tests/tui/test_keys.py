"""Keys remapped by the config's [keys] section reach the dashboard."""

from __future__ import annotations

import dataclasses

from textual.widgets import TabbedContent

from partwatch.commands.tui import dashboard
from partwatch.config import parse_config
from tests.tui.conftest import settle
from tests.tui.fixture import fixed_clock


async def test_a_key_remapped_in_the_config_works(fixture_db):
    path, config = fixture_db
    keys = parse_config('[keys]\n"view.feeds" = "f"\nlist.down = "n"\n', None, db=path).keys
    app = dashboard(dataclasses.replace(config, keys=keys))
    app.clock = fixed_clock
    app.change_poll_seconds = None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")                                # the old key no longer switches
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "timeline"
        await pilot.press("f")
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "feeds"
        feeds = app.list_for("feeds")
        await pilot.press("n")
        await settle(pilot)
        assert feeds.cursor == 1
