"""Storing articles: upsert by (feed, guid), no duplicates on re-poll, updates in place."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
import sqlite_utils

from store.articles import all_articles, count_articles, get_articles, iter_articles, store_articles
from store.feeds import add_feed
from store.search import match_expression, search
from tests.store.helpers import NOW, article


def _feed(db: sqlite_utils.Database, url: str = "https://a.example/feed") -> int:
    return add_feed(db, url, NOW, name="Outlet A").id


def test_repoll_never_duplicates(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    batch = [article("a1"), article("a2"), article("a3")]
    new, updated = store_articles(fresh_db, feed_id, batch, NOW)
    assert len(new) == 3 and updated == []
    new, updated = store_articles(fresh_db, feed_id, batch, NOW + timedelta(hours=1))
    assert (new, updated) == ([], [])
    assert count_articles(fresh_db) == 3


def test_unchanged_entry_costs_no_write(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    store_articles(fresh_db, feed_id, [article("a1")], NOW)
    before = fresh_db.conn.total_changes
    store_articles(fresh_db, feed_id, [article("a1")], NOW + timedelta(hours=1))
    assert fresh_db.conn.total_changes == before


def test_updated_entry_updates_its_row(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    (first,), _ = store_articles(fresh_db, feed_id, [article("a1", title="Old title")], NOW)
    later = NOW + timedelta(hours=2)
    new, updated = store_articles(fresh_db, feed_id, [article("a1", title="New title")], later)
    assert new == [] and updated == [first]
    (stored,) = get_articles(fresh_db, [first])
    assert stored.title == "New title"
    assert stored.first_seen == NOW and stored.updated == later
    assert stored.feed == "Outlet A"
    assert [a.id for a in search(fresh_db, "New")] == [first]
    assert search(fresh_db, "Old") == []


def test_same_guid_in_two_feeds_is_two_articles(fresh_db: sqlite_utils.Database) -> None:
    one, two = _feed(fresh_db), _feed(fresh_db, "https://b.example/feed")
    store_articles(fresh_db, one, [article("x")], NOW)
    store_articles(fresh_db, two, [article("x")], NOW)
    assert count_articles(fresh_db) == 2
    assert count_articles(fresh_db, one) == 1


def test_missing_date_falls_back_to_first_seen(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    (aid,), _ = store_articles(fresh_db, feed_id, [article("nodate", published=None)], NOW)
    assert get_articles(fresh_db, [aid])[0].published == NOW


def test_keyset_pages_cover_everything_once(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    store_articles(fresh_db, feed_id, [article(f"g{i}", text=f"text {i}") for i in range(25)], NOW)
    first = iter_articles(fresh_db, 0, 10)
    second = iter_articles(fresh_db, first[-1].id, 10)
    assert len(first) == 10 and second[0].id > first[-1].id
    assert len({a.id for a in all_articles(fresh_db, page=7)}) == 25


def test_failed_batch_leaves_nothing(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    broken = article("b2")
    object.__setattr__(broken, "title", None)  # NOT NULL violation halfway through the batch
    with pytest.raises(sqlite3.IntegrityError):
        store_articles(fresh_db, feed_id, [article("b1"), broken], NOW)
    assert count_articles(fresh_db) == 0


def test_search_survives_hostile_queries(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    store_articles(fresh_db, feed_id, [article("s1", title="Azure exclusivity rights", text="stateful")], NOW)
    for query in ['"', 'Azure"', "NOT", "a AND (", "-", "NEAR(", "*", "'; DROP TABLE articles; --", "\x00"]:
        search(fresh_db, query)
    assert [a.guid for a in search(fresh_db, 'azure "exclusivity')] == ["s1"]
    assert [a.guid for a in search(fresh_db, "exclusiv*")] == ["s1"]
    assert match_expression("  ") is None
