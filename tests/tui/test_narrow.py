"""The dashboard at 80x24 and 100x30: what each list, the reader, the search, the header and the
key bar still show when the screen is small (issue #5: "The screen stays usable at 80x24")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.widgets import Input, Static
from textual.widgets._header import HeaderTitle

from tests.tui.conftest import settle
from tests.tui.fixture import NOW
from tui import views
from tui.screens.story import StoryScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.lazylist import LazyList

SIZES = [(80, 24), (100, 30)]


async def shown_list(pilot, key: str, view: str) -> LazyList:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.list_for(view)


def line(lazy: LazyList, y: int) -> str:
    return lazy.render_line(y).text


def cell(lazy: LazyList, y: int, label: str) -> str | None:
    """What line y shows in the column `label` (None: the column is hidden at this width)."""
    widths = lazy._widths(lazy.scrollable_content_region.width)
    index = [c.label for c in lazy.columns].index(label)
    if not widths[index]:
        return None
    start = sum(w + 1 for w in widths[:index] if w)
    return line(lazy, y)[start:start + widths[index]].strip()


@pytest.mark.parametrize("columns", [views.STORY_COLUMNS, views.FEED_COLUMNS, views.ARTICLE_COLUMNS,
                                     views.TIMELINE_COLUMNS, views.COPY_COLUMNS, views.WATCH_COLUMNS,
                                     views.QUESTION_COLUMNS])
def test_columns_never_overflow_the_list(columns):
    lazy = LazyList(columns)
    for width in range(10, 220):
        widths = lazy._widths(width)
        shown = [w for w in widths if w]
        assert sum(shown) + len(shown) - 1 <= width, (width, widths)
        if width >= 40:                  # below that even the first column gives way
            assert all(w >= c.min_width for c, w in zip(columns, widths, strict=True) if w and c.width)


@pytest.mark.parametrize("size", SIZES)
async def test_stories_show_the_outlets_count_at_every_width(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        stories = await shown_list(pilot, "2", "stories")
        header = line(stories, 0)
        assert "Out" in header and ("Contra" in header or "⚠" in header)
        assert len(header) <= stories.scrollable_content_region.width
        for y, row in enumerate(stories.rows, 1):
            assert cell(stories, y, "Outlets") == row.cells[4].plain
            assert cell(stories, y, "Contra") == row.cells[5].plain
        assert cell(stories, 1, "Lead title")          # the title keeps room


@pytest.mark.parametrize("size", [*SIZES, (120, 40)])
async def test_feeds_keep_status_poll_failures_and_error(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        feeds = await shown_list(pilot, "5", "feeds")
        header = line(feeds, 0)
        for label in ("Status", "Last poll", "Fails", "Last error"):
            assert label in header
        for y, row in enumerate(feeds.rows, 1):
            feed = row.data
            assert cell(feeds, y, "Fails") == str(feed.failures)
            assert cell(feeds, y, "Articles") in (None, f"{feed.articles:,}")   # whole, or hidden
            assert cell(feeds, y, "Last poll") == row.cells[2].plain
        broken = next(y for y, row in enumerate(feeds.rows, 1) if row.cells[0].plain == "Broken Feed")
        assert cell(feeds, broken, "Status") == "failed"
        assert cell(feeds, broken, "Last error").startswith("HTTP 500")
        if size[0] >= 120:
            assert "Articles" in header


def test_reader_shows_the_whole_link_as_plain_text():
    link = "https://news.example/" + "very-long-path-segment/" * 8 + "[bold]not-markup[/bold]?q=1"
    article = SimpleNamespace(title="T", feed="Outlet", published=NOW, author=None, url=link,
                              canonical_url=None, teaser=None, full_text_error=None, text="Body")
    text = views.reader_text(article)
    start = text.plain.index(link)                         # whole, not cut at 60 characters
    inside = [span for span in text.spans if span.start < start + len(link) and span.end > start]
    assert [str(span.style) for span in inside] == ["underline"]     # no markup taken from it


async def test_story_screen_shows_the_selected_copys_link_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "end", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        copies = screen.query_one("#story-copies", LazyList)
        assert "Link" not in line(copies, 0)                  # no room for the column ...
        link = screen.query_one("#copy-link", Static)
        assert link.visual.plain == copies.rows[0].data.url   # ... the selected copy's link is below
        if len(copies.rows) > 1:
            await pilot.press("down")
            await settle(pilot)
            assert link.visual.plain == copies.rows[1].data.url
        reader = screen.query_one("#story-reader-body", Static).visual.plain
        assert copies.rows[copies.cursor].data.url in reader


async def test_search_matches_the_word_being_typed_and_says_when_nothing_matches(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"azure")
        await settle(pilot)
        results = app.list_for("search")
        whole = [row.key for row in results.rows]
        assert whole
        await pilot.press("backspace", "backspace")          # "azu": still typing the word
        await settle(pilot)
        assert [row.key for row in results.rows] == whole
        app.query_one("#search-input", Input).value = ""
        await pilot.press(*"azure zzzq")
        await settle(pilot)
        assert results.rows == []
        assert line(results, 1).strip() == "No matches for “azure zzzq”."
        for hostile in ['"', "AND", "*", "NEAR(", "-", 'a" OR "b', "[red]x[/red]"]:
            app.query_one("#search-input", Input).value = hostile
            await settle(pilot)
            assert app.is_running
            shown = line(results, 1).strip()
            assert results.rows or shown == f"No matches for “{hostile}”."
        app.query_one("#search-input", Input).value = ""
        await settle(pilot)
        assert "Type to search" in line(results, 1)


@pytest.mark.parametrize("size", SIZES)
async def test_header_keeps_the_whole_last_poll_time(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.dashboard is not None and app.dashboard.last_poll is not None
        stamp = app.dashboard.last_poll.strftime("%Y-%m-%d %H:%M") + " UTC"
        title = app.screen.query_one(HeaderTitle)
        shown = title.render_line(0).text.strip()
        assert shown.endswith("last poll " + stamp)
        assert "…" not in shown.split("—")[-1]


def test_header_title_cuts_the_name_before_the_time():
    assert views.header_title("Microsoft and OpenAI", NOW, 120)[0] == "partwatch · Microsoft and OpenAI"
    assert views.header_title("Microsoft and OpenAI", NOW, 80)[0] == "Microsoft and OpenAI"
    title, sub = views.header_title("A very long partnership name that will not fit at all", NOW, 80)
    assert title.endswith("…") and len(title) + len(sub) + views.HEADER_CHROME <= 80
    assert sub == f"last poll {NOW:%Y-%m-%d %H:%M} UTC"


async def test_key_bar_keeps_partnerships_and_the_palette_at_80_columns(make_app):
    app = make_app(poll=lambda progress: None, export=lambda partnership, path: path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        shown = bar.render_line(0).text
        assert "p Partnerships" in shown and "^p palette" in shown and "/ Search" in shown
        assert "? Help" in shown and "⏎ Open" in shown
        assert "e Export" not in shown                        # shed first: the palette has it
        assert len(shown.rstrip()) <= bar.content_size.width
        await pilot.resize_terminal(140, 30)
        await settle(pilot)
        wide = bar.render_line(0).text
        assert "e Export" in wide and "r Poll" in wide and "p Partnerships" in wide
