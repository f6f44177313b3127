"""Behaviour of the dashboard, driven with Pilot on the fixed database."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static, TabbedContent

from feeds.records import FeedResult, ParsedArticle, PollSettings
from store.db import open_db
from store.feeds import get_feed, store_result
from tests.tui.conftest import open_story, settle
from tests.tui.fixture import FEED_URLS, NOW
from tui.app import PartwatchApp
from tui.services import PollSummary, WatchHitNote
from tui.widgets.lazylist import LazyList


def titles(lazy: LazyList) -> list[str]:
    return [row.cells[-1].plain for row in lazy.rows]


def reader_text(app: PartwatchApp) -> str:
    body = app.query_one("#reader-body", Static).visual
    return body.plain if hasattr(body, "plain") else str(body)


async def test_views_switch_by_key_and_mouse(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tabs = app.query_one("#views", TabbedContent)
        for key, view in [("2", "stories"), ("3", "questions"), ("4", "watch"), ("5", "feeds"),
                          ("6", "articles"), ("1", "timeline")]:
            await pilot.press(key)
            await settle(pilot)
            assert tabs.active == view
            assert app.focused is app.list_for(view)
        await pilot.click("#--content-tab-feeds")
        await settle(pilot)
        assert tabs.active == "feeds"
        feeds = app.list_for("feeds")
        assert [row.cells[0].plain for row in feeds.rows] == ["The Decoder", "Cloud Wire", "TechNewsHub",
                                                               "Broken Feed"] or len(feeds.rows) == 4
        broken = next(row for row in feeds.rows if row.cells[0].plain == "Broken Feed")
        assert broken.cells[1].plain == "failed"
        assert "HTTP 500" in broken.cells[-1].plain


async def test_opening_an_article_marks_it_read_and_counts_follow(make_app, fixture_db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")        # from the first partnership to all of them
        await pilot.press("6")
        await settle(pilot)
        articles = app.list_for("articles")
        assert articles.total == 10
        assert app.dashboard is not None and app.dashboard.unread == 10
        first = articles.rows[0]
        assert not first.dim
        await pilot.press("enter")
        await settle(pilot)
        assert "Microsoft Copilot adds OpenAI models" in reader_text(app)
        assert articles.rows[0].dim
        assert app.dashboard.unread == 9
        assert "Articles 9●" in str(app.query_one("#views", TabbedContent).get_tab("articles").label)
    db = open_db(fixture_db[0])
    assert db.execute("SELECT count(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0] == 1


async def test_markup_and_escapes_in_titles_show_literally(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")        # from the first partnership to all of them
        await pilot.press("6")
        await settle(pilot)
        articles = app.list_for("articles")
        shown = [row.cells[-1].plain for row in articles.rows]
        hostile = next(t for t in shown if t.startswith("[bold red]"))
        assert "\x1b" not in hostile and "\x07" not in hostile
        assert "[bold red]x[/]" in hostile and "[@click=app.quit]bye[/]" in hostile
        index = shown.index(hostile)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        text = reader_text(app)
        assert "[bold red]x[/]" in text and "[b]markup[/b]" in text
        assert "\x1b" not in text
        assert app.is_running
        # the hostile row is drawn as text: the screen shows the brackets
        lines = [strip.text for strip in (articles.render_line(y) for y in range(articles.size.height))]
        assert any("[bold red]x[/]" in line for line in lines)


async def test_search_waits_for_typing_to_pause(make_app):
    """Keys typed at speed only echo; one search runs for what was typed once typing pauses."""
    app = make_app()
    app.search_delay = 0.5                               # Pilot presses a key every ~60 ms
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        results = app.list_for("search")
        before = results._generation
        await pilot.press(*"azur")                       # Pilot presses faster than the delay
        assert results._generation == before and app._search_timer is not None
        await pilot.pause(0.6)
        await settle(pilot)
        assert results._generation == before + 1
        assert titles(results) and app._search_timer is None


async def test_search_narrows_results_as_you_type(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "search"
        await pilot.press(*"azure")
        await settle(pilot)
        results = app.list_for("search")
        wide = titles(results)
        assert len(wide) >= 3
        await pilot.press("space", *"stateful")
        await settle(pilot)
        narrow = titles(results)
        assert 0 < len(narrow) < len(wide)
        assert all("Azure exclusivity" in t for t in narrow)
        await pilot.press("q")                                  # typed into the box, not quit
        await settle(pilot)
        assert app.is_running and app.query_one("#search-input").value == "azure statefulq"
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "timeline"


async def test_export_asks_for_a_path_and_says_where_it_wrote(make_app, tmp_path):
    calls: list[tuple[str | None, Path]] = []

    def export(partnership: str | None, path: Path) -> Path:
        calls.append((partnership, path))
        path.write_text("# briefing\n", encoding="utf-8")
        return path

    app = make_app(export=export)
    target = tmp_path / "out" / "brief.md"
    target.parent.mkdir()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog_input = app.screen.query_one("#dialog-input")
        assert dialog_input.value.endswith("partwatch-msft-openai-2026-11-20.md")
        dialog_input.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "# briefing\n"
        assert calls == [("msft-openai", target)]
        assert any(str(target) in n.message for n in app._notifications)


async def test_poll_runs_in_a_worker_and_updates_the_lists(make_app, fixture_db):
    path = fixture_db[0]

    def poll(progress) -> PollSummary:
        db = open_db(path)
        feed = get_feed(db, FEED_URLS["wire"])
        assert feed is not None
        text = "The FTC opened a formal probe into the Microsoft and OpenAI agreement."
        article = ParsedArticle(guid="w9", url="https://wire.example/w9", canonical_url=None,
                                title="FTC opens formal probe of Microsoft-OpenAI deal", text=text,
                                author=None,
                                published=NOW - timedelta(hours=2),
                                content_hash=hashlib.sha1(text.encode()).hexdigest())
        progress(0, 1)
        store_result(db, feed, FeedResult(url=feed.url, status="ok", articles=[article]), NOW, PollSettings())
        progress(1, 1)
        db.conn.close()
        return PollSummary(feeds=1, new_articles=1, watch_hits=(
            WatchHitNote("FTC probe", "FTC opens formal probe of Microsoft-OpenAI deal", "Cloud Wire"),),
            alert_failures=("phone: failed after 3 tries: HTTP 500 [red]x[/]",))

    app = make_app(poll=poll)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")        # from the first partnership to all of them
        await pilot.press("6")
        await settle(pilot)
        articles = app.list_for("articles")
        assert articles.total == 10
        await pilot.press("r")
        await settle(pilot)
        assert not app.polling
        assert articles.total == 11
        assert titles(articles)[0] == "FTC opens formal probe of Microsoft-OpenAI deal"
        messages = [n.message for n in app._notifications]
        assert any("1 new articles" in m for m in messages)
        assert any(n.title == "Watch: FTC probe" for n in app._notifications)
        failed = [n for n in app._notifications if n.title == "Watch alert not delivered"]
        assert [n.message for n in failed] == ["phone: failed after 3 tries: HTTP 500 [red]x[/]"]


async def test_a_write_by_another_process_is_noticed_and_the_selection_kept(make_app, fixture_db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")        # from the first partnership to all of them
        await pilot.press("6")
        await settle(pilot)
        articles = app.list_for("articles")
        await pilot.press("down", "down")
        selected = articles.current.key
        app.check_for_changes()                       # the baseline
        await settle(pilot)
        other = open_db(fixture_db[0])
        feed = get_feed(other, FEED_URLS["decoder"])
        text = "Brand new."
        store_result(other, feed, FeedResult(url=feed.url, status="ok", articles=[ParsedArticle(
            guid="late", url=None, canonical_url=None, title="A cron poll wrote this", text=text, author=None,
            published=NOW, content_hash="x")]), NOW, PollSettings())
        other.conn.close()
        app.check_for_changes()
        await settle(pilot)
        assert titles(articles)[0] == "A cron poll wrote this"
        assert articles.current.key == selected


async def test_an_empty_database_shows_the_first_run_screen(tmp_path):
    app = PartwatchApp(tmp_path / "empty.db", None, change_poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.has_class("-empty")
        first_run = app.query_one("#first-run", Static)
        assert first_run.display
        text = first_run.visual.plain if hasattr(first_run.visual, "plain") else ""
        assert "partwatch demo" in text and "[[feeds]]" in text


async def test_help_and_escape_and_quit(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ != "HelpScreen"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_every_action_is_in_the_command_palette(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = [name for name, _, _ in app.command_list()]
        for wanted in ("Poll feeds now", "Export briefing", "Search articles", "Mark watch item seen",
                       "Answer question", "Show Stories", "Focus: Microsoft and OpenAI"):
            assert wanted in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show feeds")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "feeds"


async def test_bindings_have_ids_and_can_be_remapped(make_app):
    app = make_app(keymap={"view.feeds": "f"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert app.query_one("#views", TabbedContent).active == "feeds"


def test_clean_strips_control_characters():
    from tui.text import clean, clean_line, line
    assert clean_line("a\x1b[31mb\x9bc\u202ed\n e") == "a[31mbcd e"
    assert clean("x\r\ny\x07") == "x\ny"
    assert isinstance(line("[b]x[/b]"), Text) and line("[b]x[/b]").plain == "[b]x[/b]"


async def test_enter_on_a_story_opens_every_copy_and_its_contradictions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        stories = app.list_for("stories")
        index = next(i for i, row in enumerate(stories.rows) if row.cells[-1].plain)   # the ⚠ one
        assert stories.rows[index].cells[4].plain == "2"                                # two outlets
        screen = await open_story(pilot, index)
        copies = screen.query_one("#story-copies", LazyList)
        assert [row.cells[2].plain for row in copies.rows] == ["The Decoder", "TechNewsHub"]
        assert copies.rows[1].cells[4].plain == "https://farm.example/f1"
        sides = [s.visual.plain for s in screen.query(".contradiction-side").results(Static)]
        assert any("late February" in s for s in sides) and any("mid-2024" in s for s in sides)
        assert any("50%" in s for s in sides) and any("300%" in s for s in sides)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Source: The Decoder" in screen.query_one("#story-reader-body", Static).visual.plain
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]


async def test_timeline_marks_new_entries_until_the_user_has_looked(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.list_for("timeline")
        assert timeline.rows and all(row.marked for row in timeline.rows)        # never looked yet
        kinds = {row.cells[2].plain for row in timeline.rows}
        assert kinds == {"story", "fact"}
        dates = [row.data.date for row in timeline.rows]
        assert dates == sorted(dates, reverse=True)                             # newest first
        await pilot.press("right_square_bracket")                              # leave: looked at
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.partnership == "msft-openai"
        assert timeline.rows and not any(row.marked for row in timeline.rows)
        summary = next(s for s in app.dashboard.partnerships if s.id == "msft-openai")
        assert summary.new_stories == 0


async def test_answering_and_reopening_a_question(make_app, fixture_db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        questions = app.list_for("questions")
        assert questions.rows[0].cells[0].plain == "open"
        assert "a Answer" in app.screen.query_one("KeyBar").visual.plain
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Only the stateless APIs")
        await pilot.press("enter")
        await settle(pilot)
        assert questions.rows[0].cells[0].plain == "answered"
        assert "Answer: Only the stateless APIs" in reader_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert questions.rows[0].cells[0].plain == "open"
    db = open_db(fixture_db[0])
    row = db.execute("SELECT status FROM question_status WHERE question_id = 'stateful'").fetchone()
    assert row[0] == "open"


async def test_adopting_and_dismissing_suggestions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.focus_partnership("openai-aws")
        await pilot.press("3")
        await settle(pilot)
        questions = app.list_for("questions")
        suggested = [i for i, row in enumerate(questions.rows) if row.cells[0].plain == "suggested"]
        assert suggested, [row.cells[1].plain for row in questions.rows]
        text = questions.rows[suggested[0]].cells[1].plain
        questions.cursor = suggested[0]
        await pilot.press("A")
        await settle(pilot)
        adopted = [row for row in questions.rows if row.cells[1].plain == text]
        assert adopted and adopted[0].cells[0].plain == "open"
        remaining = [i for i, row in enumerate(questions.rows) if row.cells[0].plain == "suggested"]
        if remaining:
            gone = questions.rows[remaining[0]].cells[1].plain
            questions.cursor = remaining[0]
            await pilot.press("x")
            await settle(pilot)
            assert gone not in [row.cells[1].plain for row in questions.rows]


async def test_marking_watch_items_seen(make_app, fixture_db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        watch = app.list_for("watch")
        states = {row.cells[1].plain: row.cells[0].plain for row in watch.rows}
        assert states == {"FTC probe": "new", "Lawsuit filed": "new"}
        before = next(s for s in app.dashboard.partnerships if s.id == "msft-openai").new_hits
        await pilot.press("s")
        await settle(pilot)
        assert watch.rows[0].cells[0].plain == "seen" and watch.rows[1].cells[0].plain == "new"
        after = next(s for s in app.dashboard.partnerships if s.id == "msft-openai").new_hits
        assert after < before
        await pilot.press("S")
        await settle(pilot)
        assert {row.cells[0].plain for row in watch.rows} == {"seen"}
    db = open_db(fixture_db[0])
    assert db.execute("SELECT count(*) FROM watch_hits WHERE seen = 0 AND item_id IN ('ftc', 'lawsuit')"
                      ).fetchone()[0] == 0


@pytest.mark.parametrize("web", [False, True])
async def test_o_opens_the_link_of_the_article_in_the_reader(make_app, monkeypatch, web):
    # Under `partwatch serve` (a web driver) the user's browser tab opens it, not the server.
    opened: list[str] = []
    in_tab: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    monkeypatch.setattr(PartwatchApp, "is_web", property(lambda self: web))
    app = make_app()
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: in_tab.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket", "6")
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
    assert (in_tab if web else opened) == ["https://decoder.example/d4"]
    assert (opened if web else in_tab) == []


async def test_a_list_whose_query_fails_says_so_and_the_app_keeps_running(make_app):
    def broken(db, after, limit):
        raise RuntimeError("database disk image is malformed")

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.list_for("stories").set_loader(broken, reload=False)
        await pilot.press("2")
        await settle(pilot)
        stories = app.list_for("stories")
        assert not stories._state.loading
        assert "Could not read this list: database disk image is malformed" in stories.empty
        assert app.is_running


async def test_a_database_that_refuses_writes_still_shows_the_article(make_app, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("attempt to write a readonly database")

    monkeypatch.setattr("store.reading.mark_read", refuse)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket", "6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Microsoft Copilot adds OpenAI models" in reader_text(app)
        assert any("Could not save the reading state" in n.message for n in app._notifications)
        assert app.is_running
