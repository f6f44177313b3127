"""`partwatch feeds`: list (text and JSON), add, remove, OPML import and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from feeds.opml import OpmlError, OpmlFeed, parse_opml, write_opml
from store.db import open_db
from tests.partwatch.conftest import Partwatch, feeds_toml
from tests.partwatch.site import Site

Runner = Callable[[str], Partwatch]
LIST_KEYS = {"url", "name", "status", "last_polled", "articles", "failures", "last_error"}


def test_list_json_has_the_documented_keys(site: Site, partwatch: Runner) -> None:
    good = site.feed("/a.xml", [("a1", "One"), ("a2", "Two")])
    pw = partwatch(feeds_toml(good, site.url("/broken.xml")))
    pw("poll")
    rows = {row["url"]: row for row in json.loads(pw("feeds", "list", "--json").stdout)}
    assert all(LIST_KEYS <= set(row) for row in rows.values())
    assert (rows[good]["status"], rows[good]["articles"], rows[good]["name"]) == ("ok", 2, "Test Outlet")
    broken = rows[site.url("/broken.xml")]
    assert (broken["status"], broken["failures"]) == ("failed", 1) and "404" in broken["last_error"]
    text = pw("feeds").stdout                      # `feeds` alone lists
    assert "Test Outlet" in text and "last error:" in text


def test_add_then_poll_then_remove_keeps_articles(site: Site, partwatch: Runner) -> None:
    pw = partwatch("")
    url = site.feed("/u.xml", [("u1", "Mine")])
    added = pw("feeds", "add", url, "--name", "My feed")
    assert added.exit_code == 0 and "added" in added.stdout
    assert pw("feeds", "add", url).exit_code == 1                          # already there
    assert json.loads(pw("poll", "--json").stdout)["new_articles"] == 1
    removed = pw("feeds", "remove", url)
    assert removed.exit_code == 0 and "1 articles are kept" in removed.stdout
    assert json.loads(pw("feeds", "list", "--json").stdout) == []
    kept = json.loads(pw("feeds", "list", "--json", "--all").stdout)
    assert kept[0]["articles"] == 1 and kept[0]["removed"]


def test_add_refuses_a_non_http_url(partwatch: Runner) -> None:
    result = partwatch("")("feeds", "add", "file:///etc/passwd")
    assert result.exit_code == 2 and "not an http or https URL" in result.stderr


def test_config_feeds_cannot_be_removed_here(partwatch: Runner) -> None:
    pw = partwatch(feeds_toml("https://a.example/feed"))
    result = pw("feeds", "remove", "https://a.example/feed")
    assert result.exit_code == 1 and "delete its [[feeds]] entry" in result.stderr


def test_opml_round_trip(partwatch: Runner, tmp_path: Path) -> None:
    source = partwatch(feeds_toml("https://a.example/feed"))
    source("feeds", "add", "https://b.example/rss", "--name", "B & <Co>")
    exported = tmp_path / "out.opml"
    assert source("feeds", "export", "-o", str(exported)).exit_code == 0
    target = Partwatch(tmp_path / "none.toml", tmp_path / "other.db")
    target.config.write_text("")
    result = target("feeds", "import", str(exported))
    assert "imported 2 new feeds" in result.stdout
    rows = json.loads(target("feeds", "list", "--json").stdout)
    assert sorted((r["url"], r["name"]) for r in rows) == [
        ("https://a.example/feed", "https://a.example/feed"), ("https://b.example/rss", "B & <Co>")]
    again = target("feeds", "import", str(exported))
    assert "imported 0 new feeds" in again.stdout and "2 already present" in again.stdout


def test_opml_nested_outlines_and_safety() -> None:
    nested = (b'<?xml version="1.0"?><opml version="1.0"><body><outline text="Tech">'
              b'<outline text="A" xmlUrl="https://a.example/feed"/><outline text="dup" xmlUrl="https://a.example/feed"/>'
              b'<outline text="mail" xmlUrl="mailto:x@y"/></outline></body></opml>')
    assert parse_opml(nested) == [OpmlFeed("https://a.example/feed", "A")]
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><opml><body/></opml>'
    with pytest.raises(OpmlError, match="DOCTYPE"):
        parse_opml(bomb)
    with pytest.raises(OpmlError, match="not well-formed"):
        parse_opml(b"<opml><body>")
    with pytest.raises(OpmlError, match="not <opml>"):
        parse_opml(b"<rss/>")
    assert parse_opml(write_opml([OpmlFeed("https://x.example/", None)])) == [
        OpmlFeed("https://x.example/", "https://x.example/")]


def test_import_of_a_bad_file_exits_2(partwatch: Runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>nope</html>")
    result = partwatch("")("feeds", "import", str(bad))
    assert result.exit_code == 2 and "bad.opml" in result.stderr


def test_export_to_an_unwritable_place_exits_2(partwatch: Runner, tmp_path: Path) -> None:
    pw = partwatch(feeds_toml("https://a.example/feed"))
    result = pw("feeds", "export", "-o", str(tmp_path / "no" / "x.opml"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_a_database_busy_past_the_timeout_is_one_line(partwatch: Runner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pw = partwatch("")
    monkeypatch.setattr("store.db.BUSY_TIMEOUT_MS", 100)
    holder = open_db(pw.db)
    holder.conn.execute("BEGIN IMMEDIATE")            # another writer, e.g. a poll's long refresh
    try:
        result = pw("feeds", "add", "https://x.example/feed")
    finally:
        holder.conn.execute("ROLLBACK")
        holder.conn.close()
    assert result.exit_code == 1 and "the database is busy" in result.stderr
