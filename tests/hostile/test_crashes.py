"""Crashes and concurrency: kill -9 mid-poll, a poll beside a reading and writing dashboard, two
polls at once, a full disk, a read-only database, and schema versions older and newer than ours.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from partwatch.cli import main
from partwatch.lock import lock_path
from store.db import latest_version, open_db, schema_version
from store.feeds import pending_refresh
from store.reading import counts, mark_read
from store.schema import MIGRATIONS
from store.search import search
from store.search_index import pending_count
from store.timefmt import now as utc_now
from tests.feedserver import FeedServer, Route, item, rss_feed
from tests.hostile.cli import UNSAFE, Cli, config_toml, make_cli

FEEDS = 6
ENTRIES = 10
KILL_SEED = int(os.environ.get("PARTWATCH_KILL_SEED", "20261123"))   # another seed: other kill points
PARTNERSHIP = """
[[partnerships]]
id = "acme-globex"
name = "Acme and Globex"
parties = { Acme = [], Globex = [] }
"""


def feed_body(n: int, entries: int = ENTRIES, version: int = 0, text: str = "") -> bytes:
    return rss_feed([
        item(title=f"Acme and Globex deal, outlet {n} report {i} v{version}", guid=f"k{n}-{i}",
             link=f"https://outlet{n}.example/{i}", date=f"Mon, {2 + i % 20:02d} Mar 2026 09:00:00 GMT",
             description=text or f"<p>Outlet {n}: Acme and Globex agreed on {i}, revision {version}.</p>")
        for i in range(entries)
    ], title=f"Outlet {n}")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    served = FeedServer().start()
    yield served
    served.close()


def serve_feeds(server: FeedServer, delay: float = 0.0) -> list[str]:
    return [server.add(f"/k/{n}.xml", Route(body=feed_body(n), delay_s=delay * n)) for n in range(FEEDS)]


def _child(argv: list[str], output: str, uid: int | None = None) -> None:
    # pytest's capture replaced sys.stdout and sys.stderr: point both, and fds 1 and 2, at `output`.
    sink = open(output, "w", encoding="utf-8")
    if uid is not None:
        os.setgid(uid)
        os.setuid(uid)
    os.dup2(sink.fileno(), 1)
    os.dup2(sink.fileno(), 2)
    sys.stdout = sys.stderr = sink
    main(argv, prog_name="partwatch")


def start_poll(cli: Cli, *extra: str, output: Path | None = None, uid: int | None = None
               ) -> multiprocessing.Process:
    """`partwatch poll` in a forked child: the real command, started in milliseconds."""
    args = (cli.argv("poll", *extra), str(output) if output else os.devnull, uid)
    child = multiprocessing.get_context("fork").Process(target=_child, args=args)
    child.start()
    return child


def read_guids(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        return {row[0] for row in conn.execute("SELECT guid FROM articles")}
    finally:
        conn.close()


class Watcher(threading.Thread):
    """Reads the committed articles over and over (as another process would) while a poll runs."""

    def __init__(self, db_path: Path, started: float) -> None:
        super().__init__(daemon=True)
        self.db_path = db_path
        self.seen: set[str] = set()
        self.stop = threading.Event()
        self.started = started
        self.growth: list[float] = []          # seconds after start when more articles showed up

    def run(self) -> None:
        while not self.stop.is_set():
            if self.db_path.exists():
                try:
                    now = read_guids(self.db_path)
                except sqlite3.Error:
                    now = set()  # the schema is being created
                if now - self.seen:
                    self.growth.append(time.perf_counter() - self.started)
                self.seen |= now
            self.stop.wait(0.003)


def check_no_partial_batches(db_path: Path, before: int) -> int:
    """Integrity, and every feed's batch whole or absent; returns the number of articles.

    Each feed held `before` entries when the killed poll started and serves 2 * ENTRIES now with
    the ETag "v1": a feed's articles and its new ETag are one transaction, all of it or none.
    """
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:        # killed while creating the schema: the migration is all or nothing
            assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
            return 0
        assert version == latest_version()
        rows = conn.execute(
            "SELECT f.url, f.etag, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id) FROM feeds f"
        ).fetchall()
    finally:
        conn.close()
    for url, etag, count in rows:
        assert count in (before, 2 * ENTRIES), (url, count)
        assert (etag == '"v1"') == (count == 2 * ENTRIES), (url, etag, count)
    return sum(count for _, _, count in rows)


def search_index_counts(db_path: Path) -> tuple[int, int]:
    """(rows the search index holds plus rows waiting for it, rows waiting): the first must be
    the number of articles, before and after a kill (store/search_index.py). articles_fts_docsize
    has a row per indexed article; `count(*) FROM articles_fts` would read the articles table."""
    conn = sqlite3.connect(db_path)
    try:
        indexed = conn.execute("SELECT COUNT(*) FROM articles_fts_docsize").fetchone()[0]
        pending = conn.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0]
    finally:
        conn.close()
    return indexed + pending, pending


def serve_v1(server: FeedServer, delay: float) -> None:
    """Every feed with ENTRIES more entries than feed_body(n) (the first ENTRIES unchanged)."""
    for n in range(FEEDS):
        body = feed_body(n, entries=2 * ENTRIES)
        server.add(f"/k/{n}.xml", Route(body=body, etag='"v1"', delay_s=delay * n))


@pytest.mark.timeout(60)
def test_kill_9_at_random_points_loses_nothing_committed(server: FeedServer, tmp_path: Path) -> None:
    urls = [server.add(f"/k/{n}.xml", Route(body=feed_body(n), etag='"v0"')) for n in range(FEEDS)]
    toml = config_toml(urls, parse_workers=0, timeout=5, extra=PARTNERSHIP)
    # Most runs start from a database that one whole poll filled (stories and tags done), so the
    # killed poll only adds articles; the first few start from nothing (a kill mid-migration).
    template = make_cli(tmp_path, toml, db=tmp_path / "template.db")
    assert template("poll").exit_code == 0
    serve_v1(server, delay=0.05)
    rng = random.Random(KILL_SEED)

    def prepare(rep: int) -> tuple[Cli, int]:
        folder = tmp_path / f"run{rep}"
        folder.mkdir()
        if rep < 4:
            return make_cli(folder, toml), 0
        shutil.copyfile(template.db, folder / "pw.db")
        return make_cli(folder, toml), ENTRIES

    # A whole poll first, watched: how long it takes here and now (the machine may be loaded).
    # Half the kills land at a random time within that, half just after a random number of
    # batches were committed (so some always interrupt the storing).
    calibration, base = prepare(99)
    # Threads of ours start after the fork: a child forked while a thread is inside SQLite could
    # inherit a held mutex.
    started = time.perf_counter()
    whole = start_poll(calibration, output=tmp_path / "calibration.out")
    watcher = Watcher(calibration.db, started)
    watcher.start()
    whole.join(timeout=30)
    span = time.perf_counter() - watcher.started
    watcher.stop.set()
    watcher.join()
    assert whole.exitcode == 0, (tmp_path / "calibration.out").read_text()
    assert len(watcher.seen) == FEEDS * 2 * ENTRIES
    partial = 0
    for rep in range(20):
        cli, base = prepare(rep)
        started = time.perf_counter()
        child = start_poll(cli, output=cli.db.with_suffix(".out"))
        watcher = Watcher(cli.db, started)
        watcher.start()
        if rep % 2:
            # Kill right after the watcher sees a random number of batches committed.
            target = FEEDS * base + rng.randint(1, FEEDS - 1) * ENTRIES
            deadline = time.perf_counter() + 2 * span
            while child.is_alive() and len(watcher.seen) < target and time.perf_counter() < deadline:
                child.join(timeout=0.002)
        else:
            child.join(timeout=rng.uniform(0.0, span))
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join()
        watcher.stop.set()
        watcher.join()
        if not cli.db.exists():
            continue                                    # killed before it created the database
        total = check_no_partial_batches(cli.db, base)
        if total:
            assert watcher.seen <= read_guids(cli.db)   # everything committed before the kill is there
            assert search_index_counts(cli.db)[0] == total     # each article indexed or pending
        killed_stored = sorted(g for g in read_guids(cli.db) if int(g.split("-")[1]) >= base) if total else []
        if FEEDS * base < total < FEEDS * 2 * ENTRIES:
            partial += 1
            # Killed while storing: the search index runs after the fetch, so rows are waiting.
            assert search_index_counts(cli.db)[1] > 0
        # The next poll completes the work: every feed, every article, placed in a story and tagged.
        result = cli("poll")
        assert result.exit_code == 0, result.output
        db = open_db(cli.db)
        try:
            total = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            placed = db.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
            tagged = db.execute("SELECT COUNT(DISTINCT article_id) FROM article_partnerships").fetchone()[0]
            assert (total, placed, tagged) == (FEEDS * 2 * ENTRIES,) * 3, rep
            assert pending_refresh(db) == []
            assert pending_count(db) == 0
            if killed_stored:
                # An article the killed poll stored (perhaps without indexing it) is found now.
                n, i = killed_stored[0][1:].split("-")
                found = search(db, f'"outlet {n} report {i} v0"')
                assert [a.guid for a in found] == [killed_stored[0]], rep
        finally:
            db.conn.close()
        assert search_index_counts(cli.db) == (total, 0)
    assert partial >= 2, "the kills should land in the middle of storing now and then"


@pytest.mark.timeout(60)
def test_poll_beside_a_dashboard_reading_and_marking_read(server: FeedServer, tmp_path: Path) -> None:
    urls = serve_feeds(server, delay=0.03)
    cli = make_cli(tmp_path, config_toml(urls, parse_workers=0, timeout=5, extra=PARTNERSHIP))
    assert cli("poll").exit_code == 0
    for n in range(FEEDS):                                   # every entry changes: the next poll writes
        server.add(f"/k/{n}.xml", Route(body=feed_body(n, version=1), delay_s=0.03 * n))
    dashboard = open_db(cli.db)
    ids = [row[0] for row in dashboard.execute("SELECT id FROM articles ORDER BY id")]
    child = start_poll(cli)
    marked = 0
    errors: list[BaseException] = []
    while child.is_alive() or marked < 5:
        try:
            marked += mark_read(dashboard, [ids[marked % len(ids)]], utc_now())
            counts(dashboard)
        except sqlite3.Error as exc:
            errors.append(exc)
            break
    child.join()
    assert errors == []
    assert child.exitcode == 0
    read = dashboard.execute("SELECT COUNT(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0]
    assert read == min(marked, len(ids))                     # nothing the dashboard wrote was lost
    updated = dashboard.execute("SELECT COUNT(*) FROM articles WHERE title LIKE '% v1'").fetchone()[0]
    assert updated == FEEDS * ENTRIES                       # nor anything the poll wrote
    dashboard.conn.close()


@pytest.mark.timeout(60)
def test_two_polls_at_once_the_second_stops_cleanly(server: FeedServer, tmp_path: Path) -> None:
    urls = [server.add(f"/slow/{n}.xml", Route(body=feed_body(n), delay_s=0.5)) for n in range(3)]
    cli = make_cli(tmp_path, config_toml(urls, parse_workers=0, timeout=5))
    first = start_poll(cli)
    lock = lock_path(cli.db)
    while first.is_alive() and not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        first.join(timeout=0.005)
    second = cli("poll")
    first.join()
    assert second.exit_code == 1
    assert f"another partwatch poll (pid {first.pid})" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert "locked" not in second.output.lower().replace("lock:", "")
    assert first.exitcode == 0
    assert len(read_guids(cli.db)) == 3 * ENTRIES


Disk = tuple[Path, Callable[[str], None]]


@pytest.mark.timeout(60)
def test_two_polls_started_at_the_same_moment(server: FeedServer, tmp_path: Path) -> None:
    urls = [server.add(f"/slow/{n}.xml", Route(body=feed_body(n), delay_s=0.3)) for n in range(3)]
    cli = make_cli(tmp_path, config_toml(urls, parse_workers=0, timeout=5))
    outputs = [tmp_path / "a.out", tmp_path / "b.out"]
    children = [start_poll(cli, output=path) for path in outputs]
    for child in children:
        child.join()
    assert sorted(child.exitcode or 0 for child in children) == [0, 1]
    loser = outputs[[child.exitcode for child in children].index(1)].read_text()
    assert "another partwatch poll" in loser and "database is locked" not in loser
    assert len(loser.strip().splitlines()) == 1
    assert len(read_guids(cli.db)) == 3 * ENTRIES


def _mount_tmpfs(where: Path, size: str) -> Callable[[str], None]:
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)

    return remount


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Disk]:
    where = tmp_path / "disk"
    remount = _mount_tmpfs(where, "1m")
    try:
        yield where, remount
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.timeout(60)
def test_full_disk_is_one_clear_line_and_no_partial_rows(server: FeedServer, tmp_path: Path,
                                                         small_disk: Disk) -> None:
    disk, remount = small_disk
    small = [server.add(f"/s/{n}.xml", Route(body=feed_body(n))) for n in range(2)]
    long_text = "<p>" + "word " * 40_000 + "</p>"         # 200 KB an entry, 2.4 MB in all: over 1 MB
    big = server.add("/big.xml", Route(body=feed_body(99, text=long_text)))
    cli = make_cli(tmp_path, config_toml(small, parse_workers=0, max_bytes=10_000_000), db=disk / "pw.db")
    assert cli("poll").exit_code == 0
    before = read_guids(cli.db)
    assert len(before) == 2 * ENTRIES
    cli.config.write_text(config_toml([*small, big], parse_workers=0, max_bytes=10_000_000))
    result = cli("poll", "--force")
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed:")]
    assert any(big in line and "full" in line for line in failed), result.output
    assert all(not UNSAFE.search(line) for line in result.output.splitlines())
    assert "Traceback" not in result.output
    conn = sqlite3.connect(cli.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                            "WHERE f.url = ?", (big,)).fetchone()[0] == 0
    finally:
        conn.close()
    assert before <= read_guids(cli.db)
    remount("size=64m")                                        # space again: the next poll stores it
    assert cli("poll", "--force").exit_code == 0
    assert len(read_guids(cli.db)) == 3 * ENTRIES


@pytest.mark.timeout(60)
def test_read_only_database_is_one_clear_line_and_untouched(server: FeedServer, tmp_path: Path,
                                                           small_disk: Disk) -> None:
    disk, remount = small_disk
    urls = [server.add(f"/s/{n}.xml", Route(body=feed_body(n))) for n in range(2)]
    cli = make_cli(tmp_path, config_toml(urls, parse_workers=0), db=disk / "pw.db")
    assert cli("poll").exit_code == 0
    before = {p.name: p.read_bytes() for p in disk.iterdir()}
    remount("ro")
    for n in range(2):
        server.add(f"/s/{n}.xml", Route(body=feed_body(n, version=1)))
    result = cli("poll", "--force")
    assert result.exit_code in (1, 2)
    message = (result.stderr + result.stdout).strip()
    assert str(cli.db) in message or "read-only" in message or "readonly" in message, message
    assert "Traceback" not in message and not UNSAFE.search(message)
    errors = result.stderr.strip().splitlines()
    assert len(errors) <= 1
    assert {p.name: p.read_bytes() for p in disk.iterdir()} == before


@pytest.mark.timeout(60)
def test_read_only_database_file_is_one_clear_line_and_untouched(server: FeedServer,
                                                                request: pytest.FixtureRequest) -> None:
    """The file is read-only to the user polling (root ignores file modes: the poll runs as nobody)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to poll as another user")
    urls = [server.add(f"/s/{n}.xml", Route(body=feed_body(n))) for n in range(2)]
    folder = Path(tempfile.mkdtemp(prefix="partwatch-ro-"))   # pytest's tmp_path is root-only
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    folder.chmod(0o777)
    cli = make_cli(folder, config_toml(urls, parse_workers=0), db=folder / "pw.db")
    assert cli("poll").exit_code == 0
    lock_path(cli.db).unlink()
    cli.db.chmod(0o444)
    cli.config.chmod(0o644)
    before = cli.db.read_bytes()
    for n in range(2):
        server.add(f"/s/{n}.xml", Route(body=feed_body(n, version=1)))
    output = folder / "poll.out"
    child = start_poll(cli, "--force", output=output, uid=65534)
    child.join(timeout=30)
    message = output.read_text(encoding="utf-8").strip()
    assert child.exitcode == 2, message
    assert len(message.splitlines()) == 1 and str(cli.db) in message and "read-only" in message, message
    assert "Traceback" not in message and not UNSAFE.search(message)
    assert cli.db.read_bytes() == before
    assert len(read_guids(cli.db)) == 2 * ENTRIES


def test_older_schema_opens_and_upgrades_keeping_rows(tmp_path: Path) -> None:
    from store.db import _statements

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, sql in MIGRATIONS[:1]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO feeds (id, url, name, added) VALUES (1, 'https://old.example/f.xml', 'Old', "
                 "'2026-01-01T00:00:00Z')")
    stamp = "2026-01-01T00:00:00Z"
    conn.execute("INSERT INTO articles (feed_id, guid, title, text, published, first_seen, updated,"
                 " content_hash) VALUES (1, 'g1', 'Kept title', 'Kept text', ?, ?, ?, 'h')", (stamp,) * 3)
    conn.close()
    db = open_db(path)
    try:
        assert schema_version(db) == latest_version() > 1
        assert db.execute("SELECT title, text FROM articles").fetchall() == [("Kept title", "Kept text")]
        found = db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'kept'").fetchone()
        assert found[0] == 1
        assert "story_articles" in db.table_names()
    finally:
        db.conn.close()


def test_newer_schema_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = open_db(path)
    db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute(f"PRAGMA user_version = {latest_version() + 1}")
    db.conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    config_folder = tmp_path / "config"
    config_folder.mkdir()
    cli = make_cli(config_folder, "", db=path)
    for args in (("poll",), ("feeds", "list"), ("stories",)):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
        assert "newer than this partwatch supports" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert not path.with_name("future.db-wal").exists() and not path.with_name("future.db-shm").exists()
