"""`partwatch poll`: exit codes, output modes, idempotent re-polls, redirects and the lock."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from feeds.records import FeedResult
from partwatch import polling, store_writer
from partwatch.lock import poll_lock
from store.articles import all_articles
from store.db import open_db
from store.feeds import list_feeds
from store.search import search
from store.search_index import pending_count
from tests.partwatch.conftest import Partwatch, feeds_toml
from tests.partwatch.site import Site

Runner = Callable[[str], Partwatch]
POLL_KEYS = {"feeds", "ok", "not_modified", "failed", "skipped", "new_articles", "updated_articles", "errors"}


def _titles(db_path: Path) -> list[str]:
    db = open_db(db_path)
    try:
        return sorted(a.title for a in all_articles(db))
    finally:
        db.conn.close()


def test_all_ok_exits_0_with_a_summary(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One"), ("a2", "Two")]),
                              site.feed("/b.xml", [("b1", "Three")])))
    result = pw("poll")
    assert result.exit_code == 0, result.output
    assert "2 feeds polled: 2 ok, 0 not modified, 0 failed; 3 new articles" in result.stdout
    assert _titles(pw.db) == ["One", "Three", "Two"]


def test_some_failed_exits_1_and_names_each_failure(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")]), site.url("/missing.xml")))
    result = pw("poll")
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "/missing.xml" in failed[0] and "404" in failed[0]
    assert _titles(pw.db) == ["One"]          # the good feed is stored anyway


def test_config_error_exits_2_with_one_line(partwatch: Runner) -> None:
    pw = partwatch('[[feeds]]\nurl = "ftp://x"\n')
    result = pw("poll")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert 'url "ftp://x" is not http or https; use an http:// or https:// URL' in result.stderr


def test_json_has_the_documented_keys(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")]), site.url("/gone.xml")))
    result = pw("poll", "--json")
    data = json.loads(result.stdout)
    assert POLL_KEYS <= set(data)
    assert (data["feeds"], data["ok"], data["failed"], data["new_articles"]) == (2, 1, 1, 1)
    assert data["errors"][0]["url"].endswith("/gone.xml") and data["errors"][0]["error"]


def test_quiet_is_silent_unless_a_human_is_needed(site: Site, partwatch: Runner) -> None:
    good = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    result = good("poll", "--quiet")
    assert (result.exit_code, result.output) == (0, "")
    site.routes.pop("/a.xml")
    result = good("poll", "--quiet", "--force")
    assert result.exit_code == 1 and result.stdout.startswith("failed: ")


def test_repoll_is_idempotent_and_304_costs_no_parse(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One"), ("a2", "Two")], etag='"v1"')))
    assert json.loads(pw("poll", "--json").stdout)["new_articles"] == 2
    skipped = json.loads(pw("poll", "--json").stdout)
    assert (skipped["feeds"], skipped["skipped"]) == (0, 1)          # polled < min_interval ago
    again = json.loads(pw("poll", "--json", "--force").stdout)
    assert (again["not_modified"], again["new_articles"]) == (1, 0)
    site.routes["/a.xml"].etag = None                                 # now a full body, same entries
    full = json.loads(pw("poll", "--json", "--force").stdout)
    assert (full["ok"], full["new_articles"], full["updated_articles"]) == (1, 0, 0)
    assert _titles(pw.db) == ["One", "Two"]


def test_updated_entry_updates_its_row(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "First take")])))
    pw("poll")
    site.feed("/a.xml", [("a1", "Corrected take")])
    data = json.loads(pw("poll", "--json", "--force").stdout)
    assert (data["new_articles"], data["updated_articles"]) == (0, 1)
    assert _titles(pw.db) == ["Corrected take"]


def test_permanent_redirect_updates_the_stored_url(site: Site, partwatch: Runner) -> None:
    new = site.feed("/new.xml", [("a1", "One")])
    site.redirect("/old.xml", new)
    pw = partwatch(feeds_toml(site.url("/old.xml")))
    result = pw("poll")
    assert result.exit_code == 0, result.output
    assert "moved permanently" in result.stdout
    pw("poll", "--force")
    db = open_db(pw.db)
    try:
        assert [f.url for f in list_feeds(db)] == [new]
        assert len(list(all_articles(db))) == 1
    finally:
        db.conn.close()


def test_second_poll_exits_at_once_while_one_runs(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    with poll_lock(pw.db):
        started = time.monotonic()
        result = pw("poll")
        elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert "another partwatch poll" in result.stderr and "already polling" in result.stderr
    assert elapsed < 5 and site.hits == []
    assert pw("poll").exit_code == 0           # the lock is released with its holder


def test_a_database_from_a_newer_partwatch_exits_2(partwatch: Runner) -> None:
    pw = partwatch("")
    db = open_db(pw.db)
    db.conn.execute("PRAGMA user_version = 999")
    db.conn.close()
    result = pw("poll")
    assert result.exit_code == 2
    assert "newer than this partwatch supports" in result.stderr and result.stderr.count("\n") == 1


def test_no_feeds_says_how_to_add_one(partwatch: Runner) -> None:
    result = partwatch("")("poll")
    assert result.exit_code == 0 and "no feeds yet" in result.stdout


def test_a_crash_after_storing_is_one_line_and_keeps_articles(site: Site, partwatch: Runner,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("partwatch.polling.after_poll", broken)
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    result = pw("poll")
    assert result.exit_code == 1
    assert "failed: updating stories and the desk after the poll: RuntimeError: boom" in result.stdout
    assert _titles(pw.db) == ["One"]
    seen: list[list[int]] = []
    monkeypatch.setattr("partwatch.polling.after_poll", lambda db, config, ids: seen.append(list(ids)) or
                        polling.RefreshReport())
    assert pw("poll", "--force").exit_code == 0           # the feed is unchanged: nothing new...
    assert len(seen[0]) == 1                              # ...yet the article left over is refreshed
    pw("poll", "--force")
    assert seen[1] == []                                  # and only once


def test_a_poller_crash_fails_the_unanswered_feeds_only(site: Site, partwatch: Runner,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = polling.poll_feeds

    async def one_then_crash(*args: Any, **kwargs: Any) -> AsyncIterator[FeedResult]:
        async for result in real(*args, **kwargs):
            yield result
            raise OSError("poller bug")

    monkeypatch.setattr("partwatch.polling.poll_feeds", one_then_crash)
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")]), site.feed("/b.xml", [("b1", "Two")])))
    data = json.loads(pw("poll", "--json").stdout)
    assert (data["ok"], data["failed"]) == (1, 1)
    assert "the poll stopped early (OSError: poller bug)" in data["errors"][0]["error"]
    assert len(_titles(pw.db)) == 1


def test_an_unwritable_database_folder_exits_2(partwatch: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    pw = partwatch("")
    pw.db = blocker / "sub" / "pw.db"
    result = pw("poll")
    assert result.exit_code == 2 and "cannot create" in result.stderr


def test_304s_are_recorded_and_a_store_error_fails_only_its_feed(site: Site, partwatch: Runner,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [site.feed(f"/{n}.xml", [(f"{n}1", f"Title {n}")], etag=f'"{n}"') for n in "abcde"]
    pw = partwatch(feeds_toml(*urls))
    assert json.loads(pw("poll", "--json").stdout)["new_articles"] == 5
    real = polling.store_result

    def broken_for_c(db: Any, feed: Any, result: FeedResult, *args: Any, **kwargs: Any) -> Any:
        if feed.url.endswith("/c.xml"):
            raise sqlite3.OperationalError("disk I/O error")
        return real(db, feed, result, *args, **kwargs)

    monkeypatch.setattr("partwatch.polling.store_result", broken_for_c)
    data = json.loads(pw("poll", "--json", "--force").stdout)
    assert (data["not_modified"], data["failed"]) == (4, 1)
    assert data["errors"][0]["url"].endswith("/c.xml") and "disk I/O error" in data["errors"][0]["error"]
    db = open_db(pw.db)
    try:
        status = {feed.url.rsplit("/", 1)[1]: feed.last_status for feed in list_feeds(db)}
    finally:
        db.conn.close()
    assert status == {"a.xml": "not_modified", "b.xml": "not_modified", "c.xml": "ok",
                      "d.xml": "not_modified", "e.xml": "not_modified"}


def test_new_articles_share_a_transaction_and_a_store_error_fails_only_its_feed(
        site: Site, partwatch: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer stores every result waiting in its inbox in one transaction; when one feed's
    store fails, the batch is rolled back and stored feed by feed, so only that feed fails."""
    urls = [site.feed(f"/{n}.xml", [(f"{n}1", f"Title {n}"), (f"{n}2", f"Second {n}")], etag=f'"{n}"')
            for n in "abcde"]
    pw = partwatch(feeds_toml(*urls))
    polled = polling.threading.Event()
    real_open, real_poll, real_store = store_writer.open_db, polling.poll_feeds, polling.store_result
    batches: list[int] = []

    def writer_waits(path: Any, *, migrate: bool = True) -> Any:
        if not migrate:  # the writer's connection: start once every result is in its inbox
            polled.wait(30)
        return real_open(path, migrate=migrate)

    async def then_release(*args: Any, **kwargs: Any) -> AsyncIterator[FeedResult]:
        async for result in real_poll(*args, **kwargs):
            yield result
        polled.set()

    def broken_for_c(db: Any, feed: Any, result: FeedResult, *args: Any, **kwargs: Any) -> Any:
        batches.append(int(db.conn.in_transaction))
        if feed.url.endswith("/c.xml"):
            raise sqlite3.OperationalError("disk I/O error")
        return real_store(db, feed, result, *args, **kwargs)

    monkeypatch.setattr("partwatch.store_writer.open_db", writer_waits)
    monkeypatch.setattr("partwatch.polling.poll_feeds", then_release)
    monkeypatch.setattr("partwatch.polling.store_result", broken_for_c)
    data = json.loads(pw("poll", "--json").stdout)
    # In one shared transaction up to the failing feed (completion order varies), then each alone.
    alone = batches.index(0)
    assert alone >= 1 and all(batches[:alone]) and batches[alone:] == [0] * 5, batches
    assert (data["ok"], data["failed"], data["new_articles"]) == (4, 1, 8)
    assert data["errors"][0]["url"].endswith("/c.xml") and "disk I/O error" in data["errors"][0]["error"]
    assert _titles(pw.db) == sorted(f"{kind} {n}" for n in "abde" for kind in ("Title", "Second"))
    db = open_db(pw.db)
    try:
        etags = {feed.url.rsplit("/", 1)[1]: feed.etag for feed in list_feeds(db)}
    finally:
        db.conn.close()
    assert etags == {"a.xml": '"a"', "b.xml": '"b"', "c.xml": None, "d.xml": '"d"', "e.xml": '"e"'}


def test_every_stored_article_is_searchable_when_the_poll_returns(site: Site, partwatch: Runner,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "Globex merger"), ("a2", "Initech deal")])))

    def full_disk(db: Any, chunk: int = 0) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patched:
        patched.setattr("partwatch.search_indexer.index_pending", full_disk)
        result = pw("poll")
    assert result.exit_code == 1
    assert "search index: OperationalError: database or disk is full" in result.stdout
    db = open_db(pw.db)
    try:
        assert search(db, "globex") == [] and pending_count(db) == 2     # stored, waiting
    finally:
        db.conn.close()
    again = pw("poll", "--force", "--json")         # nothing new, and the leftovers are indexed
    assert again.exit_code == 0 and json.loads(again.stdout)["seconds"]["search_index"] > 0
    db = open_db(pw.db)
    try:
        assert [a.title for a in search(db, "globex")] == ["Globex merger"] and pending_count(db) == 0
    finally:
        db.conn.close()
