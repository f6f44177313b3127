"""`partwatch doctor`: one line per finding with its fix, the documented exit codes and JSON
keys, and a database left exactly as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.records import FeedResult, PollSettings
from partwatch.cli import main
from partwatch.lock import lock_path, poll_lock
from store.db import latest_version, open_db
from store.feeds import add_feed, get_feed, record_result, sync_config_feeds
from store.timefmt import now as utc_now
from tests.partwatch.conftest import Partwatch, feeds_toml
from tests.partwatch.site import Site

Runner = Callable[[str], Partwatch]
JSON_KEYS = {"exit_code", "config", "database", "findings"}
DATABASE_KEYS = {"path", "exists", "size", "wal_size", "writable", "schema_version", "code_schema_version",
                 "journal_mode", "integrity", "feeds", "poll_lock_pid"}
FINDING_KEYS = {"level", "check", "subject", "message", "fix"}


def fingerprint(db: Path) -> tuple[str, ...]:
    """The bytes of the database and its -wal (a read-only reader may create an empty one)."""
    wal = db.with_name(db.name + "-wal")
    parts = [hashlib.sha256(db.read_bytes()).hexdigest()]
    if wal.exists() and wal.stat().st_size:
        parts.append(hashlib.sha256(wal.read_bytes()).hexdigest())
    return tuple(parts)


def doctor(pw: Partwatch, *args: str) -> tuple[int, list[str], dict]:
    text = pw("doctor", *args)
    as_json = pw("doctor", "--json", *args)
    assert text.exit_code == as_json.exit_code
    report = json.loads(as_json.stdout)
    assert report["exit_code"] == text.exit_code
    return text.exit_code, text.stdout.splitlines(), report


def fail(pw: Partwatch, url: str, times: int, error: str = "HTTP 404 Not Found",
         status: str = "failed") -> None:
    db = open_db(pw.db)
    for _ in range(times):
        feed = get_feed(db, url)
        assert feed is not None
        record_result(db, feed, FeedResult(url=url, status=status, http_status=404, error=error),
                      utc_now(), PollSettings())
    db.conn.close()


def test_a_healthy_setup_is_all_ok_and_left_untouched(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")]), site.feed("/b.xml", [("b1", "Two")])))
    assert pw("poll").exit_code == 0
    before = fingerprint(pw.db)
    code, lines, report = doctor(pw)
    assert code == 0, lines
    assert [line.split(":")[0] for line in lines] == ["ok", "ok"]
    assert lines[1].startswith(f"ok: database {pw.db}: ")
    assert f"schema {latest_version()}" in lines[1] and "integrity ok" in lines[1]
    assert set(report) == JSON_KEYS and set(report["database"]) == DATABASE_KEYS
    assert all(set(finding) == FINDING_KEYS for finding in report["findings"])
    database = report["database"]
    assert (database["integrity"], database["journal_mode"], database["feeds"]) == ("ok", "wal", 2)
    assert database["schema_version"] == database["code_schema_version"] == latest_version()
    assert report["config"] == {"path": str(pw.config), "exists": True, "valid": True, "feeds": 2,
                                "partnerships": 0}
    assert fingerprint(pw.db) == before


def test_failing_feeds_say_how_often_why_and_what_to_do(site: Site, partwatch: Runner) -> None:
    broken = site.url("/broken.xml")
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")]), broken))
    pw("poll")
    code, lines, _ = doctor(pw)
    assert code == 0, lines                          # one failure: a note, the backoff retries it
    assert any(line.startswith("note: feed") and "has failed once in a row (HTTP 404 Not Found)" in line
               for line in lines)

    fail(pw, broken, 6)
    db = open_db(pw.db)
    user = add_feed(db, "https://user.example/feed", utc_now()).url
    db.conn.close()
    fail(pw, user, 3, error="timed out after 20 s")
    code, lines, report = doctor(pw)
    assert code == 1
    config_line = next(line for line in lines if broken in line.split(":", 1)[1] and "failed" in line)
    assert config_line.startswith("warning: feed")
    assert "has failed 7 times in a row (HTTP 404 Not Found)" in config_line
    assert "backing off, next try 20" in config_line
    assert f"check the URL ({broken}) or delete its [[feeds]] entry from {pw.config}" in config_line
    user_line = next(line for line in lines if "user.example" in line)
    assert "failed 3 times" in user_line and user_line.endswith("`partwatch feeds remove https://user.example/feed`")
    subjects = {f["subject"] for f in report["findings"] if f["level"] == "warning"}
    assert subjects == {broken, user}


def test_gone_never_polled_and_parse_warnings(site: Site, partwatch: Runner) -> None:
    gone, later = site.feed("/gone.xml", [("g", "G")]), "https://later.example/feed"
    warned = site.feed("/warned.xml", [("w", "W")])
    pw = partwatch(feeds_toml(gone, warned))
    pw("poll")
    fail(pw, gone, 1, error="HTTP 410 Gone", status="gone")
    db = open_db(pw.db)
    feed = get_feed(db, warned)
    assert feed is not None
    record_result(db, feed, FeedResult(url=warned, status="ok", warning="not well-formed (line 3)"),
                  utc_now(), PollSettings())
    db.conn.close()
    # A feed added to the config since the last command: not in the table, doctor never syncs.
    pw.config.write_text(feeds_toml(gone, warned, later), encoding="utf-8")
    code, lines, _ = doctor(pw)
    assert code == 1
    assert any(line.startswith("warning: feed") and "410 Gone" in line and "delete its [[feeds]]" in line
               for line in lines)
    assert f'warning: feed "{later}" (config) has never been polled: run `partwatch poll`' in lines
    assert any(line.startswith("note: feed") and "not well-formed (line 3)" in line for line in lines)


def test_many_feeds_never_polled_make_one_line(partwatch: Runner) -> None:
    pw = partwatch(feeds_toml("https://a.example/feed"))
    db = open_db(pw.db)
    for i in range(6):
        add_feed(db, f"https://user{i}.example/feed", utc_now())
    db.conn.close()
    code, lines, _ = doctor(pw)
    assert code == 1
    assert lines[-1] == ('warning: 7 feeds have never been polled ("https://a.example/feed" (config), '
                         '"https://user0.example/feed", "https://user1.example/feed", ...): '
                         'run `partwatch poll`')
    assert len(lines) == 3


def test_an_empty_database_has_no_feeds_to_poll(partwatch: Runner) -> None:
    pw = partwatch("")
    open_db(pw.db).conn.close()
    code, lines, _ = doctor(pw)
    assert code == 1
    assert lines[-1] == ("warning: no feeds to poll: run `partwatch init` and list feeds under [[feeds]], "
                         "or `partwatch feeds add URL`")


def test_untrusted_feed_text_is_printed_plain(site: Site, partwatch: Runner) -> None:
    url = site.url("/evil.xml")
    pw = partwatch(feeds_toml(url))
    pw("poll")
    fail(pw, url, 3, error="HTTP 500 \x1b[31mred\x1b]0;title\x07\nsecond line")
    lines = pw("doctor").stdout.splitlines()
    assert all("\x1b" not in line and "\x07" not in line for line in lines)
    assert any("second line" in line and "red" in line for line in lines)


def test_a_file_that_is_not_a_database(partwatch: Runner) -> None:
    pw = partwatch(feeds_toml("https://a.example/feed"))
    pw.db.write_bytes(b"this is not SQLite" * 100)
    code, lines, report = doctor(pw)
    assert code == 1
    assert any(line.startswith(f"error: {pw.db}: not a readable SQLite database") and "move it aside" in line
               for line in lines)
    assert report["database"]["integrity"] is None
    assert pw.db.read_bytes() == b"this is not SQLite" * 100


def test_a_damaged_database(partwatch: Runner) -> None:
    pw = partwatch("")
    db = open_db(pw.db)
    db.conn.execute("BEGIN")
    db.conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                        [(f"k{i}", "x" * 100) for i in range(2000)])
    db.conn.execute("COMMIT")
    db.conn.close()
    data = bytearray(pw.db.read_bytes())
    data[-40960:-20480] = b"\x5a" * 20480                 # five pages of meta rows overwritten
    pw.db.write_bytes(bytes(data))
    before = fingerprint(pw.db)
    code, lines, report = doctor(pw)
    assert code == 1
    damaged = next(line for line in lines if "is damaged" in line)
    assert damaged.startswith(f"error: database {pw.db} is damaged") and ".recover" in damaged
    assert report["database"]["integrity"] != "ok"
    assert fingerprint(pw.db) == before


def test_a_database_from_a_newer_partwatch(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    pw("poll")
    conn = sqlite3.connect(pw.db)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    before = fingerprint(pw.db)
    code, lines, report = doctor(pw)
    assert code == 1
    assert any(line.startswith("error: database schema version") and "upgrade partwatch" in line
               for line in lines)
    assert not any("feed" in line.split(":")[1] for line in lines if line.startswith("warning"))
    assert report["database"]["schema_version"] == latest_version() + 1
    assert fingerprint(pw.db) == before


def test_a_bad_config_is_exit_2_naming_the_file(partwatch: Runner) -> None:
    pw = partwatch("[poll]\nconcurency = 3\n")
    code, lines, report = doctor(pw)
    assert code == 2
    assert lines == [f'error: {pw.config}:2: [poll] has unknown key "concurency"; '
                     'did you mean "concurrency"?']
    assert report["database"] is None and report["config"]["valid"] is False
    assert not pw.db.exists()


def test_a_missing_database_is_not_created(partwatch: Runner) -> None:
    pw = partwatch(feeds_toml("https://a.example/feed"))
    code, lines, report = doctor(pw)
    assert code == 1
    assert f"warning: database {pw.db} does not exist yet: `partwatch poll` creates it " \
           "(or point --db or [store] path at yours)" in lines
    assert report["database"]["exists"] is False
    assert not pw.db.exists() and not lock_path(pw.db).exists()


def test_no_config_file_points_at_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTWATCH_CONFIG", raising=False)
    monkeypatch.setattr("partwatch.config.default_config_path", lambda: tmp_path / "none.toml")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "pw.db"), "doctor"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"note: no config file at {tmp_path / 'none.toml'} (built-in defaults, no [[feeds]]): "
        "`partwatch init` writes the commented default there",
        f"warning: database {tmp_path / 'pw.db'} does not exist yet: `partwatch poll` creates it "
        "(or point --db or [store] path at yours)",
        "warning: no feeds to poll: run `partwatch init` and list feeds under [[feeds]], "
        "or `partwatch feeds add URL`",
    ]


def test_a_poll_holding_the_lock(site: Site, partwatch: Runner) -> None:
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    pw("poll")
    with poll_lock(pw.db) as lock:
        code, lines, report = doctor(pw)
        assert code == 0
        assert any(line.startswith(f"note: a poll (pid {os.getpid()}) is running now") for line in lines)
        assert report["database"]["poll_lock_pid"] == str(os.getpid())
        stale = (utc_now() - timedelta(hours=3)).timestamp()
        os.utime(lock, (stale, stale))
        code, lines, _ = doctor(pw)
        assert code == 1
        assert any(line.startswith(f"warning: a poll (pid {os.getpid()}) has held the poll lock since")
                   and f"`kill {os.getpid()}`" in line for line in lines)
    assert doctor(pw)[2]["database"]["poll_lock_pid"] is None


def test_a_leftover_wal_is_reported_and_never_folded_in(site: Site, partwatch: Runner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The image a killed writer leaves: committed pages still in the -wal. A read-write close
    would checkpoint them into the file and delete the -wal; doctor must leave both as they are."""
    pw = partwatch(feeds_toml(site.feed("/a.xml", [("a1", "One")])))
    pw("poll")
    writer = open_db(pw.db)
    sync_config_feeds(writer, [], utc_now())           # a committed write, still in the -wal
    crashed = tmp_path / "crashed.db"
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{pw.db}{suffix}", f"{crashed}{suffix}")
    writer.conn.close()
    before = fingerprint(crashed)
    assert len(before) == 2
    monkeypatch.setattr("partwatch.doctor.LARGE_WAL", 1)
    monkeypatch.setattr("partwatch.doctor._writable", lambda path: False)
    code, lines, report = doctor(Partwatch(pw.config, crashed))
    assert code == 1
    assert any(line.startswith(f"warning: leftover write-ahead log {crashed}-wal of ") for line in lines)
    assert f"error: database {crashed} (or its folder) is not writable by you: polls will fail until you " \
           "fix the permissions (chmod/chown) or use another --db" in lines
    assert report["database"]["wal_size"] > 0 and report["database"]["writable"] is False
    assert fingerprint(crashed) == before


def test_the_readme_documents_every_json_key() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `partwatch doctor"):]
    section = section[:section.index("\n### ", 1)]
    missing = [key for key in sorted(JSON_KEYS | DATABASE_KEYS | FINDING_KEYS) if key not in section]
    assert missing == [], f"README's doctor section lacks {missing}"
