"""The desk's commands end to end: a real poll of the demo feeds on a loopback server, then
`poll --quiet` (exactly the new watch hits), `watch`, `questions` and `export`."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from partwatch.cli import main
from store.db import open_db
from tests.feedserver import FeedServer, Route

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "partwatch" / "demo"
TRUTH = json.loads((DEMO / "truth.json").read_text())
EMPTY_RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ledgerline</title>'
             b"<link>https://ledgerline.example/</link><description>x</description></channel></rss>")


class Desk:
    def __init__(self, server: FeedServer, folder: Path) -> None:
        self.server = server
        self.config = folder / "config.toml"
        config = (DEMO / "config.toml").read_text().replace("http://127.0.0.1/", server.base + "/")
        self.config.write_text(config)
        self.db = folder / "desk.db"
        for path in sorted((DEMO / "feeds").glob("*.xml")):
            self.serve(path.name, path.read_bytes())

    def serve(self, name: str, body: bytes) -> None:
        self.server.add(f"/{name}", Route(body=body, content_type="application/xml"))

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config), "--db", str(self.db), *args],
                                  catch_exceptions=False)


@pytest.fixture
def desk(feed_server: FeedServer, tmp_path: Path) -> Desk:
    return Desk(feed_server, tmp_path)


@pytest.fixture(scope="module")
def polled_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One real poll of the demo feeds, shared (copied) by the tests that only read and mark."""
    server = FeedServer().start()
    try:
        desk = Desk(server, tmp_path_factory.mktemp("polled"))
        assert desk("poll", "--quiet").exit_code == 0
        db = open_db(desk.db)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        yield desk.db
    finally:
        server.close()


@pytest.fixture
def polled(polled_once: Path, feed_server: FeedServer, tmp_path: Path) -> Desk:
    desk = Desk(feed_server, tmp_path)
    shutil.copyfile(polled_once, desk.db)
    return desk


def _expected_lines(db_path: Path, guid_prefix: str) -> list[str]:
    """What `poll --quiet` must print for the hits among the articles whose guid starts so (links
    without tracking parameters: the canonical URL)."""
    titles = {
        "ftc-probe": "FTC probe", "eu-probe": "EU probe (European Commission, Digital Markets Act)",
        "frontier-launch": "Frontier launch", "lawsuit": "Lawsuit between the partners",
        "openai-other-cloud": "OpenAI signs with another cloud",
    }
    db = open_db(db_path)
    rows = {guid: (title, feed, url) for guid, title, feed, url in db.conn.execute(
        "SELECT a.guid, a.title, COALESCE(f.name, f.title), a.canonical_url FROM articles a "
        "JOIN feeds f ON f.id = a.feed_id")}
    db.conn.close()
    lines = []
    for item, guids in TRUTH["watch"].items():
        for guid in guids:
            if guid.startswith(guid_prefix):
                title, feed, url = rows[guid]
                lines.append((titles[item], title, url or "", f"{titles[item]}: {title} ({feed}) {url}"))
    return [line for *_, line in sorted(lines)]


def test_poll_quiet_prints_exactly_the_new_hits(desk: Desk) -> None:
    desk.serve("ledgerline.xml", EMPTY_RSS)                  # poll 1: Ledgerline has nothing yet
    first = desk("poll", "--quiet")
    assert first.exit_code == 0, first.output
    assert len(first.stdout.splitlines()) == sum(
        1 for guids in TRUTH["watch"].values() for g in guids if not g.startswith("ledgerline-"))

    desk.serve("ledgerline.xml", (DEMO / "feeds" / "ledgerline.xml").read_bytes())
    second = desk("poll", "--quiet")                         # poll 2: Ledgerline's articles arrive
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines() == _expected_lines(desk.db, "ledgerline-")
    assert "cmpid=" not in second.stdout                    # the feed's links carry ?cmpid=rss

    third = desk("poll", "--quiet")                          # poll 3: nothing moved
    assert third.exit_code == 0 and third.stdout == ""


def test_watch_lists_states_and_marks_seen(polled: Desk) -> None:
    desk = polled
    listed = json.loads(desk("watch", "--json").stdout)
    assert {item["id"]: item["state"] for item in listed} == {item: "new" for item in TRUTH["watch"]}
    assert {i["id"]: len(i["hits"]) for i in listed} == {k: len(v) for k, v in TRUTH["watch"].items()}

    assert desk("watch", "seen", "ftc-probe").stdout.startswith(f"{len(TRUTH['watch']['ftc-probe'])} hits")
    new = desk("watch", "--new")
    assert "ftc-probe" not in new.stdout and "eu-probe [new]" in new.stdout
    assert desk("watch", "seen", "--all").exit_code == 0
    assert desk("watch", "--new").stdout.strip() == "No new watch hits."
    assert {i["state"] for i in json.loads(desk("watch", "--json").stdout)} == {"seen"}

    bad = desk("watch", "seen", "nope")
    assert bad.exit_code == 2 and "no watch item 'nope'" in bad.stderr
    assert desk("watch", "seen").exit_code == 2


def test_questions_answer_reopen_adopt_dismiss(polled: Desk) -> None:
    desk = polled
    listing = desk("questions", "--partnership", "microsoft-openai")
    assert listing.exit_code == 0
    assert ("stateful-carveout [open] Does Azure exclusivity cover stateful runtimes on Bedrock?"
            in listing.stdout)
    assert "frontier-availability" not in listing.stdout     # another partnership

    answer = desk("questions", "answer", "stateful-carveout", "Only stateless APIs", "--article", "1")
    assert answer.exit_code == 0
    data = json.loads(desk("questions", "--json").stdout)
    answered = next(q for q in data["questions"] if q["id"] == "stateful-carveout")
    assert (answered["status"], answered["answer"], answered["answer_article"]["article"]) == (
        "answered", "Only stateless APIs", 1)
    assert desk("questions", "reopen", "stateful-carveout").exit_code == 0
    data = json.loads(desk("questions", "--json").stdout)
    assert next(q for q in data["questions"] if q["id"] == "stateful-carveout")["status"] == "open"

    carve = next(s for s in data["suggestions"] if "carve-out apply" in s["text"])
    court = next(s for s in data["suggestions"] if "court" in s["text"])
    adopted = desk("questions", "adopt", carve["id"])
    assert adopted.exit_code == 0 and re.search(r"[1-9]\d* evidence sentences", adopted.stdout)
    assert desk("questions", "dismiss", court["id"]).exit_code == 0
    data = json.loads(desk("questions", "--json").stdout)
    assert any(q["id"] == carve["id"] and q["origin"] == "adopted" for q in data["questions"])
    assert all(s["id"] not in (carve["id"], court["id"]) for s in data["suggestions"])
    assert desk("questions", "dismiss", court["id"]).exit_code == 2      # already gone
    assert desk("questions", "answer", "nope").exit_code == 2
    assert desk("questions", "--partnership", "nope").exit_code == 2


def test_export_markdown_and_json(polled: Desk, tmp_path: Path) -> None:
    desk = polled
    md = desk("export", "--partnership", "openai-aws", "--since", "2026-03-01")
    assert md.exit_code == 0
    assert md.stdout.startswith("# partwatch briefing\n")
    assert "## OpenAI and AWS" in md.stdout and "## Microsoft and OpenAI" not in md.stdout
    assert "period: 1 March 2026 to " in md.stdout
    out = tmp_path / "briefing.json"
    result = desk("export", "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    data = json.loads(out.read_text())
    jsonschema.validate(data, json.loads((ROOT / "tracking" / "export_schema.json").read_text()))
    assert [p["id"] for p in data["partnerships"]] == [
        "microsoft-openai", "openai-aws", "microsoft-aws-cloud-rivalry"]
    assert desk("export", "--since", "March").exit_code == 2
