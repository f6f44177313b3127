"""Feed rows: config sync, user feeds, due selection and recording poll results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlite_utils

from feeds.records import FeedResult, PollSettings
from store.articles import count_articles
from store.feeds import (
    FeedError,
    add_feed,
    due_feeds,
    get_feed,
    list_feeds,
    remove_feed,
    store_result,
    sync_config_feeds,
)
from tests.store.helpers import NOW, article

SETTINGS = PollSettings(min_interval=900)


@dataclass(frozen=True)
class Spec:
    url: str
    name: str | None = None
    full_text: bool = False


def test_sync_adds_updates_and_retires_without_deleting(fresh_db: sqlite_utils.Database) -> None:
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed", "A"), Spec("https://b.example/feed")], NOW)
    b = get_feed(fresh_db, "https://b.example/feed")
    assert b is not None
    store_result(fresh_db, b, FeedResult(url=b.url, status="ok", articles=[article("b1")]), NOW, SETTINGS)
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed", "A renamed")], NOW)
    assert [(f.url, f.name) for f in list_feeds(fresh_db)] == [("https://a.example/feed", "A renamed")]
    assert count_articles(fresh_db) == 1           # b's article is kept
    sync_config_feeds(fresh_db, [Spec("https://b.example/feed")], NOW)
    revived = get_feed(fresh_db, "https://b.example/feed")
    assert revived is not None and revived.removed is None and revived.articles == 1


def test_user_feeds_add_remove_and_refuse_config_feeds(fresh_db: sqlite_utils.Database) -> None:
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed")], NOW)
    added = add_feed(fresh_db, "https://u.example/rss", NOW, name="Mine")
    assert added.source == "user" and added.name == "Mine"
    with pytest.raises(FeedError, match="already in the feed list"):
        add_feed(fresh_db, "https://u.example/rss", NOW)
    with pytest.raises(FeedError, match="config.toml"):
        remove_feed(fresh_db, "https://a.example/feed", NOW)
    with pytest.raises(FeedError, match="not in the feed list"):
        remove_feed(fresh_db, "https://nope.example/", NOW)
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed")], NOW)   # a sync keeps user feeds
    remove_feed(fresh_db, "https://u.example/rss", NOW)
    assert [f.url for f in list_feeds(fresh_db)] == ["https://a.example/feed"]
    remove_feed(fresh_db, "https://u.example/rss", NOW, purge=True)
    assert get_feed(fresh_db, "https://u.example/rss") is None


def test_due_skips_recent_and_backs_off_failures(fresh_db: sqlite_utils.Database) -> None:
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed"), Spec("https://b.example/feed")], NOW)
    a = get_feed(fresh_db, "https://a.example/feed")
    b = get_feed(fresh_db, "https://b.example/feed")
    assert a and b
    due, skipped = due_feeds(fresh_db, NOW, SETTINGS)
    assert len(due) == 2 and skipped == []
    store_result(fresh_db, a, FeedResult(url=a.url, status="ok"), NOW, SETTINGS)
    store_result(fresh_db, b, FeedResult(url=b.url, status="failed", error="timed out"), NOW, SETTINGS)
    due, skipped = due_feeds(fresh_db, NOW + timedelta(seconds=60), SETTINGS)
    assert due == [] and len(skipped) == 2
    due, _ = due_feeds(fresh_db, NOW + timedelta(seconds=60), SETTINGS, force=True)
    assert len(due) == 2
    failed = get_feed(fresh_db, b.url)
    assert failed and failed.failures == 1 and failed.last_error == "timed out"
    store_result(fresh_db, failed, FeedResult(url=b.url, status="failed", error="again"), NOW, SETTINGS)
    twice = get_feed(fresh_db, b.url)
    assert twice and twice.failures == 2 and failed.next_due and twice.next_due
    assert twice.next_due > failed.next_due


def test_conditional_get_state_is_kept(fresh_db: sqlite_utils.Database) -> None:
    feed = add_feed(fresh_db, "https://a.example/feed", NOW)
    store_result(fresh_db, feed, FeedResult(url=feed.url, status="ok", etag='"v1"', last_modified="Mon",
                                            feed_title="Outlet A"), NOW, SETTINGS)
    stored = get_feed(fresh_db, feed.url)
    assert stored
    store_result(fresh_db, stored, FeedResult(url=feed.url, status="not_modified", http_status=304), NOW,
                 SETTINGS)
    after = get_feed(fresh_db, feed.url)
    assert after and after.etag == '"v1"' and after.last_modified == "Mon" and after.title == "Outlet A"
    assert after.last_status == "not_modified" and after.display_name == "Outlet A"


def test_gone_feed_is_not_polled_even_forced(fresh_db: sqlite_utils.Database) -> None:
    feed = add_feed(fresh_db, "https://a.example/feed", NOW)
    store_result(fresh_db, feed, FeedResult(url=feed.url, status="gone", http_status=410, error="410 Gone"),
                 NOW, SETTINGS)
    due, skipped = due_feeds(fresh_db, NOW + timedelta(days=3), SETTINGS, force=True)
    assert due == [] and [f.url for f in skipped] == [feed.url]
    remove_feed(fresh_db, feed.url, NOW)
    add_feed(fresh_db, feed.url, NOW)                      # removing and re-adding resets it
    due, _ = due_feeds(fresh_db, NOW + timedelta(days=3), SETTINGS)
    assert [f.url for f in due] == [feed.url]


def test_permanent_redirect_moves_url_and_sync_recognises_it(fresh_db: sqlite_utils.Database) -> None:
    old, new = "https://old.example/feed", "https://new.example/feed"
    sync_config_feeds(fresh_db, [Spec(old, "Outlet")], NOW)
    feed = get_feed(fresh_db, old)
    assert feed
    store_result(fresh_db, feed, FeedResult(url=old, status="ok", new_url=new, articles=[article("r1")]),
                 NOW, SETTINGS)
    sync_config_feeds(fresh_db, [Spec(old, "Outlet")], NOW)
    feeds = list_feeds(fresh_db)
    assert [f.url for f in feeds] == [new] and feeds[0].articles == 1


def test_redirect_onto_an_existing_feed_merges(fresh_db: sqlite_utils.Database) -> None:
    old, new = "https://old.example/feed", "https://new.example/feed"
    sync_config_feeds(fresh_db, [Spec(old), Spec(new)], NOW)
    target = get_feed(fresh_db, new)
    feed = get_feed(fresh_db, old)
    assert target and feed
    store_result(fresh_db, target, FeedResult(url=new, status="ok", articles=[article("shared")]), NOW,
                 SETTINGS)
    store_result(fresh_db, feed, FeedResult(url=old, status="ok", new_url=new,
                                            articles=[article("shared"), article("only-old")]), NOW, SETTINGS)
    feeds = list_feeds(fresh_db)
    assert [f.url for f in feeds] == [new] and feeds[0].articles == 2
    sync_config_feeds(fresh_db, [Spec(old), Spec(new)], NOW)
    assert len(list_feeds(fresh_db)) == 1


def test_an_unchanged_config_syncs_without_writing(fresh_db: sqlite_utils.Database) -> None:
    specs = [Spec("https://a.example/feed", "A"), Spec("https://b.example/feed", None, True)]
    sync_config_feeds(fresh_db, specs, NOW)
    before = fresh_db.conn.total_changes
    sync_config_feeds(fresh_db, specs, NOW)
    assert fresh_db.conn.total_changes == before
    sync_config_feeds(fresh_db, [Spec("https://a.example/feed", "A")], NOW)
    assert fresh_db.conn.total_changes > before
    assert [f.url for f in list_feeds(fresh_db)] == ["https://a.example/feed"]
