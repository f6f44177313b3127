"""Merging two stories and splitting a copy out of one, from the dashboard (the same store and
tracking calls as `partwatch stories merge/split`): the lists follow and the decision is stored."""

from __future__ import annotations

from partwatch import stories_sync
from store import stories as store
from store.db import open_db
from tests.tui.conftest import open_story, settle
from tui.app import PartwatchApp
from tui.screens.dialogs import ConfirmDialog
from tui.views import StoryRef
from tui.widgets.lazylist import LazyList


def story_ids(app: PartwatchApp) -> list[int]:
    return [row.data.story_id for row in app.list_for("stories").rows if isinstance(row.data, StoryRef)]


async def test_marking_a_story_and_merging_another_into_it(make_app, fixture_db):
    path, config = fixture_db
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")              # all partnerships: every story
        await pilot.press("2")
        await settle(pilot)
        before = story_ids(app)
        assert len(before) >= 2
        first, second = before[0], before[1]
        assert not app.check_action("merge_story", ())         # nothing marked yet: no J
        await pilot.press("M")
        await pilot.press("down")
        await pilot.pause()
        assert app.check_action("merge_story", ())
        await pilot.press("J")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")                           # cancelled: nothing changes
        await settle(pilot)
        assert story_ids(app) == before
        await pilot.press("J")
        await pilot.pause()
        await pilot.press("enter")                            # confirmed
        await settle(pilot)
        after = story_ids(app)
        assert len(after) == len(before) - 1
        kept = next(s for s in (first, second) if s in after)
        assert app.list_for("stories").current.data.story_id == kept     # the merged story is selected
        assert not ({first, second} - {kept}) & set(after)
    db = open_db(path)
    members = store.members_of(db, [kept])[kept]
    assert [d.kind for d in store.decisions(db)] == ["merge"]
    stories_sync.rebuild(db, config)                                    # the decision wins
    assert store.members_of(db, [kept])[kept] == members


async def test_splitting_a_copy_out_of_a_story_on_the_story_screen(make_app, fixture_db):
    path, config = fixture_db
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await pilot.press("2")
        await settle(pilot)
        stories = app.list_for("stories")
        before = story_ids(app)
        index = next(i for i, row in enumerate(stories.rows) if row.cells[4].plain == "2")   # two copies
        story = stories.rows[index].data.story_id
        screen = await open_story(pilot, index)
        copies = screen.query_one("#story-copies", LazyList)
        assert len(copies.rows) == 2
        other = copies.current.data.article_id
        await pilot.press("down")
        split_out = copies.current.data.article_id
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert [row.data.article_id for row in copies.rows] == [other]   # what is left of the story
        assert not screen.check_action("split", ())            # one copy left: nothing to split
        await pilot.press("escape")
        await settle(pilot)
        after = story_ids(app)
        assert len(after) == len(before) + 1 and split_out in after
    db = open_db(path)
    assert [(d.kind, d.article_a, d.article_b) for d in store.decisions(db)] == [("split", split_out, other)]
    stories_sync.rebuild(db, config)                                    # the decision wins
    placed = store.story_of(db, [split_out, other])
    assert placed[split_out] == split_out and placed[other] != split_out
    assert story in (placed[other], split_out)


async def test_story_keys_are_in_the_key_bar_help_and_palette(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        names = [name for name, _, _ in app.command_list()]
        assert {"Mark story for merge", "Merge story into marked", "Split copy out of story"} <= set(names)
        assert any(key == "M" for key, _ in app.help_rows())
        bar = app.query_one("KeyBar").visual.plain
        assert "M Mark story" in bar and "J Merge" not in bar           # J once a story is marked


async def test_a_merge_while_a_poll_runs_is_refused_with_a_notification(make_app, fixture_db):
    from partwatch.lock import poll_lock

    path, _config = fixture_db
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket", "2")
        await settle(pilot)
        before = story_ids(app)
        with poll_lock(path):                                 # a cron poll holds the lock
            await pilot.press("M", "down", "J")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
        assert story_ids(app) == before
        assert any("Could not change the stories" in str(n.message) for n in app._notifications)
    assert store.decisions(open_db(path)) == []
