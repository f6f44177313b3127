"""store.full_text: which pages a poll fetches, what a fetch leaves behind, and the migration."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlite_utils

from feeds.records import PageResult
from store.articles import get_article, store_articles
from store.db import open_db, schema_version
from store.feeds import add_feed, pending_refresh
from store.full_text import MAX_TRIES, page_counts, pending_pages, store_pages
from store.search import search
from tests.store.helpers import NOW, article, schema_at


def _feed(db: sqlite_utils.Database, full_text: bool = True, url: str = "https://a.example/feed") -> int:
    return add_feed(db, url, NOW, name="Outlet A", full_text=full_text).id


def _stored(db: sqlite_utils.Database, feed_id: int, count: int, *, defer_index: bool = False) -> list[int]:
    batch = [article(f"a{n}", title=f"Story {n}", text="Teaser.", published=NOW + timedelta(hours=n))
             for n in range(count)]
    new, _ = store_articles(db, feed_id, batch, NOW, defer_index=defer_index)
    return new


def _integrity(db: sqlite_utils.Database) -> None:
    """The search index holds exactly the words of each title and COALESCE(full_text, text): a
    trigger deleting other values than it inserted would leave words behind (FTS5's own
    integrity-check cannot tell, as the index disagrees with `text` on purpose)."""
    db.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms"
                    " USING fts5vocab(main, articles_fts, 'row')")
    indexed = {term for (term,) in db.conn.execute("SELECT term FROM temp.fts_terms")}
    words: set[str] = set()
    for (value,) in db.conn.execute("SELECT title || ' ' || COALESCE(full_text, text) FROM articles"):
        words |= {w.strip(".,'").lower() for w in value.replace("'", " ").split()}
    assert indexed == {w for w in words if w}


def test_pending_pages_are_capped_per_feed_newest_first(fresh_db: sqlite_utils.Database) -> None:
    full = _feed(fresh_db)
    plain = _feed(fresh_db, full_text=False, url="https://b.example/feed")
    ids = _stored(fresh_db, full, 5)
    _stored(fresh_db, plain, 3)
    jobs = pending_pages(fresh_db, [full, plain], per_feed=2)
    assert [job.article_id for job in jobs] == [ids[4], ids[3]]
    assert jobs[0].url == "https://example.com/a4" and jobs[0].teaser_chars == len("Teaser.")
    assert pending_pages(fresh_db, [full], per_feed=0) == []


def test_a_stored_text_is_never_fetched_again(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    [article_id] = _stored(fresh_db, feed_id, 1)
    arrived = store_pages(fresh_db, [PageResult(article_id, "u", text="The full text of the page.")], NOW)
    assert arrived == [article_id] and pending_refresh(fresh_db) == [article_id]
    assert pending_pages(fresh_db, [feed_id], per_feed=10) == []
    stored = get_article(fresh_db, article_id)
    assert stored is not None and stored.text == "The full text of the page." and stored.teaser == "Teaser."
    # A second result for the same article (never asked for) changes nothing.
    assert store_pages(fresh_db, [PageResult(article_id, "u", text="Other.")], NOW) == []
    assert page_counts(fresh_db)[feed_id].fetched == 1


def test_a_failure_that_may_pass_is_tried_max_tries_times(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    [article_id] = _stored(fresh_db, feed_id, 1)
    for attempt in range(MAX_TRIES):
        assert [j.article_id for j in pending_pages(fresh_db, [feed_id], 10)] == [article_id], attempt
        store_pages(fresh_db, [PageResult(article_id, "u", error="timed out after 20 s", retry=True)], NOW)
    assert pending_pages(fresh_db, [feed_id], 10) == []
    stored = get_article(fresh_db, article_id)
    error = "timed out after 20 s"
    assert stored is not None and stored.text == "Teaser." and stored.full_text_error == error
    counts = page_counts(fresh_db)[feed_id]
    assert (counts.fetched, counts.failed, counts.waiting, counts.last_error) == (0, 1, 0, error)


def test_a_final_failure_is_never_tried_again(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    [article_id] = _stored(fresh_db, feed_id, 1)
    store_pages(fresh_db, [PageResult(article_id, "u", error="HTTP 404 Not Found")], NOW)
    assert pending_pages(fresh_db, [feed_id], 10) == [] and pending_refresh(fresh_db) == []


def test_search_finds_the_full_text_and_the_index_stays_consistent(fresh_db: sqlite_utils.Database) -> None:
    feed_id = _feed(fresh_db)
    [article_id] = _stored(fresh_db, feed_id, 1)
    store_pages(fresh_db, [PageResult(article_id, "u", text="Bedrock runtime for Frontier.")], NOW)
    assert [a.id for a in search(fresh_db, "Frontier")] == [article_id]
    # The feed's teaser changes: the row is updated, the full text stays searchable.
    store_articles(fresh_db, feed_id, [article("a0", title="Story 0", text="New teaser.",
                                               published=NOW)], NOW)
    assert [a.id for a in search(fresh_db, "Frontier")] == [article_id]
    assert search(fresh_db, "teaser") == []
    _integrity(fresh_db)
    fresh_db.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    _integrity(fresh_db)
    assert search(fresh_db, "Frontier") == []


def test_a_version_4_database_is_migrated_with_its_articles_searchable(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    with schema_at(4):
        old = open_db(path)
        feed_id = _feed(old)
        # The version 4 trigger indexes the row itself; fts_pending (migration 7) does not exist yet.
        [article_id] = _stored(old, feed_id, 1, defer_index=True)
        old.conn.close()
    db = open_db(path)
    try:
        assert schema_version(db) >= 5
        assert [a.id for a in search(db, "teaser")] == [article_id]
        assert [j.article_id for j in pending_pages(db, [feed_id], 10)] == [article_id]
        store_pages(db, [PageResult(article_id, "u", text="Now the whole article.")], NOW)
        assert [a.id for a in search(db, "whole")] == [article_id]
        _integrity(db)
    finally:
        db.conn.close()
