"""Stories as stored: incremental placement after polls, rebuild, merge/split, the demo's truth, the CLI."""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from partwatch import stories_sync
from partwatch.cli import main
from partwatch.refresh import after_poll
from partwatch.stamps import STORIES_SETTINGS_KEY
from store import stories as store
from store.db import open_db
from tests.tracking.stories_helpers import DEMO, add, config, load_demo, parsed
from tests.tracking.test_stories import DECODER_BODY, LEGAL_BODY, REWRITE_BODY, T0
from tracking.normalize import FEATURES_VERSION

TITLE = "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights"


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_db(tmp_path / "stories.db")


def _poll(db: sqlite_utils.Database, tmp_path: Path, outlet: str, items: list) -> list[int]:  # type: ignore[type-arg]
    ids = add(db, outlet, items)
    stories_sync.place(db, config(tmp_path), ids)
    return ids


def _grouping(db: sqlite_utils.Database) -> dict[int, int]:
    return dict(db.conn.execute("SELECT article_id, story_id FROM story_articles").fetchall())


def _storyline(db: sqlite_utils.Database, tmp_path: Path) -> dict[str, int]:
    ids: dict[str, int] = {}
    ids["decoder"] = _poll(db, tmp_path, "The Decoder", [parsed("d1", TITLE, DECODER_BODY, T0)])[0]
    ids["legal"] = _poll(
        db,
        tmp_path,
        "Meridian",
        [
            parsed(
                "m1",
                "Microsoft weighs legal action against OpenAI and Amazon",
                LEGAL_BODY,
                T0 + timedelta(hours=4),
            )
        ],
    )[0]
    ids["copy"] = _poll(
        db, tmp_path, "Yahoo", [parsed("y1", f"{TITLE} - Yahoo News", DECODER_BODY, T0 + timedelta(hours=6))]
    )[0]
    ids["rewrite"] = _poll(
        db, tmp_path, "TechBuzz Hub", [parsed("t1", TITLE, REWRITE_BODY, T0 + timedelta(days=1))]
    )[0]
    return ids


def test_polls_place_incrementally_and_rebuild_gives_the_same_stories(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ids = _storyline(db, tmp_path)
    grouping = _grouping(db)
    assert grouping[ids["copy"]] == grouping[ids["rewrite"]] == grouping[ids["decoder"]] == ids["decoder"]
    assert grouping[ids["legal"]] == ids["legal"]
    story = store.get_stories(db, [ids["decoder"]])[ids["decoder"]]
    assert (story.articles, story.outlets, story.origin_id) == (3, 3, ids["decoder"])
    assert story.contradictions >= 3
    stories_sync.rebuild(db, config(tmp_path))
    assert _grouping(db) == grouping


def test_a_repolled_updated_article_does_not_split(db: sqlite_utils.Database, tmp_path: Path) -> None:
    ids = _storyline(db, tmp_path)
    updated = _poll(
        db,
        tmp_path,
        "Yahoo",
        [
            parsed(
                "y1",
                "Amazon deal: what it means for Azure (updated)",
                "A short update. " * 5,
                T0 + timedelta(hours=6),
            )
        ],
    )
    assert updated == [ids["copy"]]
    assert _grouping(db)[ids["copy"]] == ids["decoder"]


def test_merge_and_split_survive_a_rebuild(db: sqlite_utils.Database, tmp_path: Path) -> None:
    ids = _storyline(db, tmp_path)
    cfg = config(tmp_path)
    kept = stories_sync.merge(db, cfg, ids["legal"], ids["decoder"])
    assert kept == ids["decoder"]
    assert _grouping(db)[ids["legal"]] == ids["decoder"]
    assert stories_sync.split(db, cfg, ids["rewrite"]) == ids["rewrite"]
    assert _grouping(db)[ids["rewrite"]] == ids["rewrite"]
    before = _grouping(db)
    stories_sync.rebuild(db, cfg)
    assert _grouping(db) == before
    assert store.get_stories(db, [ids["decoder"]])[ids["decoder"]].articles == 3
    with pytest.raises(stories_sync.StoryCommandError):
        stories_sync.merge(db, cfg, ids["decoder"], 999_999)


def test_stories_placed_with_other_features_are_rebuilt_once_at_the_next_poll(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _storyline(db, tmp_path)
    cfg = config(tmp_path)
    grouping = _grouping(db)
    # What an install wrote before the stamp carried the features' version: the settings alone.
    store.set_meta(db, STORIES_SETTINGS_KEY, json.dumps(dataclasses.asdict(cfg.dedupe), sort_keys=True))
    upgraded = after_poll(db, cfg, [])  # a poll where every feed answered 304
    assert upgraded.stories is not None and upgraded.stories.rebuilt
    assert _grouping(db) == grouping
    assert after_poll(db, cfg, []).stories is None
    monkeypatch.setattr("partwatch.stamps.FEATURES_VERSION", FEATURES_VERSION + 1)
    bumped = after_poll(db, cfg, [])
    assert bumped.stories is not None and bumped.stories.rebuilt
    assert after_poll(db, cfg, []).stories is None


def test_demo_feeds_group_as_their_truth_says(db: sqlite_utils.Database, tmp_path: Path) -> None:
    cfg = config(tmp_path)
    ids = load_demo(db, cfg)
    truth = json.loads((DEMO / "truth.json").read_text())
    stories_sync.rebuild(db, cfg)
    grouping = _grouping(db)
    for key, guids in truth["stories"].items():
        assert len({grouping[ids[g]] for g in guids}) == 1, key
    story_ids = {key: grouping[ids[guids[0]]] for key, guids in truth["stories"].items()}
    assert len(set(story_ids.values())) == len(story_ids), "two labelled stories were merged"
    for a, b in truth["not_same"]:
        assert grouping[ids[a]] != grouping[ids[b]]
    rows = store.get_stories(db, story_ids.values())
    for key, guid in truth["origins"].items():
        assert rows[story_ids[key]].origin_id == ids[guid], key
    sides = store.contradictions_of(db, story_ids.values())
    for expected in truth["contradictions"]:
        found = sides.get(story_ids[expected["story"]], [])
        values = {s.value for s in found if s.kind == expected["kind"]}
        assert set(expected["values_plain"]) <= values, expected["values_plain"]


def test_incremental_demo_in_published_order_equals_rebuild(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    cfg = config(tmp_path)
    load_demo(db, cfg)
    stories_sync.rebuild(db, cfg)
    expected = _grouping(db)
    store.clear(db)
    ordered = [int(r[0]) for r in db.conn.execute("SELECT id FROM articles ORDER BY published, id")]
    for start in range(0, len(ordered), 7):
        stories_sync.place(db, cfg, ordered[start : start + 7])
    assert _grouping(db) == expected


def test_cli_lists_stories_as_json_and_plain_text(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.db"
    db = open_db(db_path)
    cfg = config(tmp_path)
    ids = load_demo(db, cfg)
    hostile = add(
        db,
        "Evil \x1b[31mFeed",
        [parsed("evil", "Red \x1b[2J[bold]alert[/] title", "body", T0 + timedelta(days=300))],
    )
    stories_sync.rebuild(db, cfg)
    runner = CliRunner()
    base = ["--config", str(DEMO / "config.toml"), "--db", str(db_path), "stories"]
    result = runner.invoke(main, [*base, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == db.conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    assert set(data[0]) == {
        "id",
        "title",
        "first_published",
        "last_published",
        "origin",
        "articles",
        "contradictions",
    }
    assert [d["last_published"] for d in data] == sorted((d["last_published"] for d in data), reverse=True)
    decoder = next(
        d
        for d in data
        if d["id"]
        == store.story_of(db, [ids["https://www.tensorreport.example/?p=4102"]])[
            ids["https://www.tensorreport.example/?p=4102"]
        ]
    )
    kinds = {c["kind"] for c in decoder["contradictions"]}
    assert {"date", "money", "percent"} <= kinds
    assert set(decoder["contradictions"][0]["values"][0]) == {"value", "feed", "url", "sentence"}
    text = runner.invoke(main, base)
    assert text.exit_code == 0
    assert "\x1b" not in text.output and "Red" in text.output
    assert str(hostile[0]) in text.output
    missing = runner.invoke(main, [*base, "split", "999999"])
    assert missing.exit_code == 2
    rebuilt = runner.invoke(main, [*base, "rebuild"])
    assert rebuilt.exit_code == 0 and f"{len(ids) + 1} articles in {len(data)} stories" in rebuilt.output
    merged = runner.invoke(main, [*base, "merge", str(data[0]["id"]), str(data[1]["id"])])
    assert merged.exit_code == 0, merged.output
    after = json.loads(runner.invoke(main, [*base, "--json"]).output)
    assert len(after) == len(data) - 1


def _demo_stories(tmp_path: Path) -> tuple[sqlite_utils.Database, list[str], list[dict[str, Any]]]:
    """The demo's stories built in a fresh database: the database, the CLI prefix, `--json`."""
    db_path = tmp_path / "demo.db"
    db = open_db(db_path)
    load_demo(db, config(tmp_path))
    stories_sync.rebuild(db, config(tmp_path))
    base = ["--config", str(DEMO / "config.toml"), "--db", str(db_path), "stories"]
    return db, base, json.loads(CliRunner().invoke(main, [*base, "--json"]).output)


def _earliest_two(data: list[dict[str, Any]]) -> tuple[int, int]:
    """The ids of the two stories founded first, earliest first."""
    ordered = sorted(data, key=lambda d: (d["first_published"], d["id"]))
    return int(ordered[0]["id"]), int(ordered[1]["id"])


def test_cli_merge_keeps_the_earlier_founded_id_whatever_the_order(tmp_path: Path) -> None:
    _, base, data = _demo_stories(tmp_path)
    runner = CliRunner()
    earlier, later = _earliest_two(data)
    merged = runner.invoke(main, [*base, "merge", str(later), str(earlier)])
    assert merged.exit_code == 0, merged.output
    assert merged.output.startswith(f"Merged story {later} into story {earlier} ")
    ids = {d["id"] for d in json.loads(runner.invoke(main, [*base, "--json"]).output)}
    assert earlier in ids and later not in ids
    helped = runner.invoke(main, [*base, "merge", "--help"])
    assert "keeps the id of the one whose first article was published earlier" in " ".join(
        helped.output.split()
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["merge", "{a}", "9999"], "story 9999: no such story"),
        (["merge", "9999", "{a}"], "story 9999: no such story"),
        (["merge", "{a}", "{a}"], "story {a}: a story cannot be merged with itself"),
        (["split", "99999"], "article 99999: no such placed article"),
        (["split", "{alone}"], "article {alone}: already alone in its story"),
    ],
)
def test_cli_merge_and_split_of_an_impossible_id_is_exit_2_and_one_line(
    tmp_path: Path, args: list[str], named: str
) -> None:
    db, base, data = _demo_stories(tmp_path)
    runner = CliRunner()
    story = next(d for d in data if len(d["articles"]) > 1)["id"]
    alone = next(d for d in data if len(d["articles"]) == 1)["articles"][0]["id"]
    before = _grouping(db)
    result = runner.invoke(main, [*base, *(a.format(a=story, alone=alone) for a in args)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"partwatch: {named.format(a=story, alone=alone)}")
    assert _grouping(db) == before


def test_cli_merge_and_split_wait_for_no_poll(tmp_path: Path) -> None:
    """Like rebuild, merge and split take the poll lock: a poll placing articles meanwhile
    would write its own grouping over the change. Busy: exit 1, one line, nothing changed."""
    from partwatch.lock import poll_lock

    db, base, data = _demo_stories(tmp_path)
    runner = CliRunner()
    earlier, later = _earliest_two(data)
    copy = next(d for d in data if len(d["articles"]) > 1)["articles"][0]["id"]
    before = _grouping(db)
    with poll_lock(tmp_path / "demo.db"):
        for args in (["merge", str(earlier), str(later)], ["split", str(copy)]):
            result = runner.invoke(main, [*base, *args])
            assert result.exit_code == 1, result.output
            assert len(result.stderr.splitlines()) == 1 and "poll" in result.stderr
    assert _grouping(db) == before
    assert runner.invoke(main, [*base, "merge", str(earlier), str(later)]).exit_code == 0


def test_cli_filters_by_partnership(tmp_path: Path) -> None:
    from partwatch import desk_sync

    db_path = tmp_path / "tags.db"
    db = open_db(db_path)
    cfg = config(tmp_path)
    ids = load_demo(db, cfg)
    stories_sync.rebuild(db, cfg)
    desk_sync.refresh(db, cfg, list(ids.values()))
    truth = json.loads((DEMO / "truth.json").read_text())
    tagged = {ids[g] for g in truth["partnerships"]["openai-aws"]}
    runner = CliRunner()
    base = ["--config", str(DEMO / "config.toml"), "--db", str(db_path), "stories"]
    result = runner.invoke(main, [*base, "--partnership", "openai-aws", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    everything = json.loads(runner.invoke(main, [*base, "--json"]).output)
    assert 0 < len(listed) < len(everything)
    for story in listed:
        assert {a["id"] for a in story["articles"]} & tagged
    unknown = runner.invoke(main, [*base, "--partnership", "nope"])
    assert unknown.exit_code == 2


def test_worker_processes_give_what_one_process_gives(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = config(tmp_path)
    load_demo(db, cfg)
    stories_sync.rebuild(db, cfg)
    # A manual merge of the first story with the last one: the first has left the window
    # (and been summarised, with workers) long before the merge brings it back.
    first, last = min(_grouping(db).values()), max(_grouping(db).values())
    merged = stories_sync.merge(db, cfg, first, last)
    stories_sync.rebuild(db, cfg)
    grouping = _grouping(db)
    assert grouping[last] == merged == grouping[first]
    rows = store.get_stories(db, set(grouping.values()))
    sides = store.contradictions_of(db, rows)
    # Features and story rows in worker processes, a chunk of four at a time.
    monkeypatch.setattr(stories_sync, "PARALLEL_FROM", 1)
    monkeypatch.setattr(stories_sync, "CHUNK", 4)
    submitted: list[str] = []

    class Counting(ProcessPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            submitted.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(stories_sync, "ProcessPoolExecutor", Counting)
    stories_sync.rebuild(db, cfg)
    assert {"_features_of", "_summaries_of"} <= set(submitted)
    assert submitted.count("_features_of") > 1
    assert _grouping(db) == grouping
    assert store.get_stories(db, rows) == rows
    assert store.contradictions_of(db, rows) == sides
    assert any(len(s) > 0 for s in sides.values())
