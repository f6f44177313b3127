"""The dashboard served in a browser (`partwatch serve`): links open in the user's browser tab."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import settle
from tui.app import PartwatchApp


async def test_o_under_a_web_driver_asks_the_browser_tab_to_open_the_link(make_app: Any,
                                                                          monkeypatch: pytest.MonkeyPatch
                                                                          ) -> None:
    on_server: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: on_server.append(url) or True)
    monkeypatch.setattr(PartwatchApp, "is_web", property(lambda self: True))
    app = make_app()
    in_tab: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: in_tab.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket", "6")
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
    assert in_tab == ["https://decoder.example/d4"]
    assert on_server == []
