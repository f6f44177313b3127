"""store.search_index: rows stored with defer_index wait in fts_pending, and an update, a page's
full text or a delete before they are indexed leaves the index exact (migration 7)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from feeds.records import PageResult
from store.articles import store_articles
from store.db import open_db, schema_version
from store.feeds import add_feed, remove_feed
from store.full_text import store_pages
from store.search import search
from store.search_index import index_pending, pending_count
from tests.store.helpers import NOW, article, schema_at
from tests.store.test_store_full_text import _integrity


def _feed(db: sqlite_utils.Database) -> int:
    return add_feed(db, "https://a.example/feed", NOW, name="Outlet A", full_text=True).id


def _found(db: sqlite_utils.Database, query: str) -> list[str]:
    return [a.guid for a in search(db, query)]


def test_deferred_rows_are_found_once_indexed_and_others_at_once(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    store_articles(fresh_db, feed_id, [article("a", title="Globex merger", text="Quarterly")], NOW,
                   defer_index=True)
    assert _found(fresh_db, "globex") == [] and pending_count(fresh_db) == 1
    store_articles(fresh_db, feed_id, [article("b", title="Initech merger", text="Quarterly")], NOW)
    assert _found(fresh_db, "initech") == ["b"]
    assert index_pending(fresh_db, chunk=1) == 1
    assert sorted(_found(fresh_db, "merger")) == ["a", "b"] and pending_count(fresh_db) == 0
    assert index_pending(fresh_db) == 0
    _integrity(fresh_db)


def test_a_pending_row_updated_or_given_its_full_text_is_indexed_as_it_is_then(
        fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    [first, _second] = store_articles(fresh_db, feed_id, [article("a", title="Old title", text="Teaser"),
                                                          article("b", title="Other", text="Teaser")],
                                      NOW, defer_index=True)[0]
    _, updated = store_articles(fresh_db, feed_id, [article("a", title="New title", text="Teaser")], NOW,
                                defer_index=True)
    assert updated == [first]
    store_pages(fresh_db, [PageResult(first, "u", text="The whole page about Hooli.")], NOW)
    assert index_pending(fresh_db) == 2
    assert _found(fresh_db, "new hooli") == ["a"]
    assert _found(fresh_db, "old") == [] and _found(fresh_db, "teaser") == ["b"]
    _integrity(fresh_db)
    # Once indexed, an update goes through the trigger again.
    store_articles(fresh_db, feed_id, [article("b", title="Renamed", text="Body")], NOW)
    assert _found(fresh_db, "renamed") == ["b"] and _found(fresh_db, "other") == []
    _integrity(fresh_db)


def test_deleting_pending_and_indexed_rows_keeps_the_index_exact(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    store_articles(fresh_db, feed_id, [article("a", title="Indexed one")], NOW)
    store_articles(fresh_db, feed_id, [article("b", title="Pending one")], NOW, defer_index=True)
    other = add_feed(fresh_db, "https://b.example/feed", NOW, name="Outlet B").id
    store_articles(fresh_db, other, [article("c", title="Kept one")], NOW, defer_index=True)
    remove_feed(fresh_db, "https://a.example/feed", NOW, purge=True)
    assert pending_count(fresh_db) == 1
    assert index_pending(fresh_db) == 1
    assert _found(fresh_db, "one") == ["c"]
    _integrity(fresh_db)


def test_a_version_6_database_is_migrated_with_its_articles_searchable(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    with schema_at(6):
        old = open_db(path)
        feed_id = _feed(old)
        # The version 6 trigger indexes the row itself; fts_pending does not exist yet.
        store_articles(old, feed_id, [article("a", title="Before the upgrade")], NOW, defer_index=True)
        old.conn.close()
    db = open_db(path)
    try:
        assert schema_version(db) == 7 and pending_count(db) == 0
        assert _found(db, "upgrade") == ["a"]
        store_articles(db, feed_id, [article("a", title="After the upgrade")], NOW, defer_index=True)
        assert _found(db, "after") == ["a"] and _found(db, "before") == []
        _integrity(db)
    finally:
        db.conn.close()
