"""`partwatch tui` and the services it hands the dashboard: a real poll over loopback feeds and a
real export, driven through the app."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from partwatch.cli import main
from partwatch.commands.tui import DeskService, export_service, poll_service
from partwatch.config import parse_config
from store.db import open_db
from tests.feedserver import Route, item, rss_feed
from tests.tui.conftest import settle
from tui.app import PartwatchApp
from tui.services import PollSummary


def test_tui_command_is_registered_with_help() -> None:
    result = CliRunner().invoke(main, ["tui", "--help"])
    assert result.exit_code == 0
    assert "Open the dashboard" in result.output


async def test_r_polls_loopback_feeds_in_a_worker_and_e_exports_the_briefing(feed_server: Any,
                                                                              tmp_path: Path) -> None:
    url = feed_server.add("/wire.xml", Route(body=rss_feed([
        item(title="FTC opens probe into Microsoft and OpenAI deal", link="https://wire.example/1",
             guid="1", description="The FTC opened a probe into the Microsoft and OpenAI agreement."),
        item(title="OpenAI and AWS expand Bedrock deal", link="https://wire.example/2", guid="2",
             description="OpenAI and AWS widen their deal on Bedrock."),
    ], title="Loopback Wire")))
    db_path = tmp_path / "live.db"
    config = parse_config(f'''
[[feeds]]
url = "{url}"

[[partnerships]]
id = "msft-openai"
name = "Microsoft and OpenAI"
parties = {{ Microsoft = [], OpenAI = [] }}

[[watch]]
id = "ftc"
title = "FTC probe"
terms = [["FTC"], ["probe"]]
''', None, db=db_path)
    open_db(db_path).conn.close()
    app = PartwatchApp(db_path, config, poll=poll_service(config), export=export_service(config),
                       desk=DeskService(config), change_poll_seconds=None)
    app.preview_delay = 0
    app.search_delay = 0
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.has_class("-empty")                       # nothing polled yet
        await pilot.press("r")
        await settle(pilot)
        assert not app.has_class("-empty")
        await pilot.press("left_square_bracket", "6")
        await settle(pilot)
        titles = [row.cells[-1].plain for row in app.list_for("articles").rows]
        assert sorted(titles) == ["FTC opens probe into Microsoft and OpenAI deal",
                                  "OpenAI and AWS expand Bedrock deal"]
        assert any(n.title == "Watch: FTC probe" for n in app._notifications)
        assert feed_server.hits("/wire.xml") == 1
        await pilot.press("e")
        await settle(pilot)
        target = tmp_path / "brief.md"
        app.screen.query_one("#dialog-input").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "FTC opens probe into Microsoft and OpenAI deal" in target.read_text(encoding="utf-8")


async def test_the_ui_answers_keys_while_a_poll_runs(make_app: Any) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_poll(progress: Any) -> PollSummary:
        progress(1, 4)
        started.set()
        assert release.wait(10)
        progress(4, 4)
        return PollSummary(feeds=4)

    app = make_app(poll=slow_poll)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        while not started.is_set():
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.polling and app.has_class("-polling")
        bar = app.query_one("#poll-progress")
        assert bar.total == 4 and bar.progress == 1
        await pilot.press("2")                               # views switch while the poll runs
        await pilot.press("down")
        assert app.query_one("#views").active == "stories"
        release.set()
        await settle(pilot)
        assert not app.polling and not app.has_class("-polling")
        assert any("Polled 4 feeds" in n.message for n in app._notifications)


def test_the_poll_service_hands_failed_watch_alerts_to_the_dashboard(tmp_path: Path,
                                                                     monkeypatch: Any) -> None:
    from partwatch import polling
    from partwatch.notify.deliver import NotifyReport

    report = NotifyReport(failed=1, pending=1, lines=["phone: failed after 3 tries: HTTP 500\x1b[31m"])
    monkeypatch.setattr(polling, "run_poll", lambda *a, **k: polling.PollSummary(
        feeds=0, notifications=report, notify_error="OSError: disk full"))
    summary = poll_service(parse_config("", None, db=tmp_path / "x.db"))(lambda done, total: None)
    assert summary.alert_failures == ("phone: failed after 3 tries: HTTP 500[31m",
                                      "delivering watch alerts: OSError: disk full")
