"""The bundled demo data stays consistent: feeds parse, truth.json describes them, configs load.

Other packages' tests (stories, desk) assert against partwatch/demo/truth.json; these tests
make sure an edit to a sample feed cannot silently leave that ground truth stale.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from feeds.parse import parse_feed
from feeds.records import ParsedArticle
from partwatch.config import load_config

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "partwatch" / "demo"
FEEDS = DEMO / "feeds"
SEEN = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[str, ParsedArticle]]:
    """guid -> (feed file slug, article), through partwatch's own parsing path."""
    out: dict[str, tuple[str, ParsedArticle]] = {}
    for path in sorted(FEEDS.glob("*.xml")):
        feed = parse_feed(path.read_bytes(), f"http://127.0.0.1/{path.name}",
                          {"content-type": "application/xml"}, SEEN)
        assert feed.warning is None, (path.name, feed.warning)
        for article in feed.articles:
            assert article.guid not in out, article.guid
            out[article.guid] = (path.stem, article)
    return out


def test_every_feed_is_well_formed_in_three_dialects() -> None:
    versions = set()
    for path in sorted(FEEDS.glob("*.xml")):
        result = feedparser.parse(path.read_bytes())
        assert not result.bozo, (path.name, result.get("bozo_exception"))
        assert result.entries, path.name
        versions.add(result.version)
    assert {"rss20", "rss10", "atom10"} <= versions
    assert 5 <= len(list(FEEDS.glob("*.xml"))) <= 8


def test_truth_describes_every_article(truth: dict[str, Any],
                                       parsed: dict[str, tuple[str, ParsedArticle]]) -> None:
    assert set(truth["articles"]) == set(parsed)
    assert len(parsed) >= 40
    for guid, info in truth["articles"].items():
        slug, article = parsed[guid]
        assert info["slug"] == slug
        assert info["title"] == article.title
        assert article.published is not None
        assert article.published.strftime("%Y-%m-%dT%H:%M:%SZ") == info["published"]
        assert datetime(2026, 2, 1, tzinfo=UTC) <= article.published < datetime(2026, 12, 1, tzinfo=UTC)


def test_every_article_is_in_exactly_one_story(truth: dict[str, Any]) -> None:
    members = [guid for guids in truth["stories"].values() for guid in guids]
    assert sorted(members) == sorted(truth["articles"])
    for key, guids in truth["stories"].items():
        assert truth["origins"][key] == guids[0]
        assert all(truth["articles"][g]["story"] == key for g in guids)
        published = [truth["articles"][g]["published"] for g in guids]
        assert published == sorted(published)


def test_not_same_pairs_are_in_different_stories(truth: dict[str, Any]) -> None:
    for a, b in truth["not_same"]:
        assert truth["articles"][a]["story"] != truth["articles"][b]["story"]


def test_the_storyline_cases_are_present(truth: dict[str, Any],
                                         parsed: dict[str, tuple[str, ParsedArticle]]) -> None:
    story = truth["stories"]["decoder-azure-exclusivity"]
    roles = {truth["articles"][g]["role"] for g in story}
    assert {"origin", "copy-site-suffix", "rewrite-same-title", "rewrite-changed-title",
            "rewrite-contradicting"} <= roles
    origin_title = parsed[story[0]][1].title
    same_title = [g for g in story[1:] if parsed[g][1].title == origin_title]
    assert len(same_title) >= 2
    assert any(parsed[g][1].title.startswith(origin_title + " - ") for g in story)


def test_contradictions_facts_and_questions_quote_the_articles(
        truth: dict[str, Any], parsed: dict[str, tuple[str, ParsedArticle]]) -> None:
    for contradiction in truth["contradictions"]:
        for side in contradiction["values"]:
            text = parsed[side["guid"]][1].text
            assert side["value"] in side["sentence"] and side["sentence"] in text
    for fact in truth["facts"]:
        assert fact["sentence"] in parsed[fact["guid"]][1].text
        datetime.strptime(fact["expected_date"], "%Y-%m-%d")
    for question in truth["suggested_questions"]:
        assert question["sentence"].endswith("?")
        assert question["sentence"] in parsed[question["guid"]][1].text


def test_scripts_and_tracking_pixels_never_reach_the_text(
        parsed: dict[str, tuple[str, ParsedArticle]]) -> None:
    for _slug, article in parsed.values():
        for leftover in ("<script", "_tr.push", "document.write", "pixel.gif", "<img", "<p>"):
            assert leftover not in article.text, (article.guid, leftover)


@pytest.mark.parametrize("config", [DEMO / "config.toml", ROOT / "config.toml"])
def test_configs_load(config: Path) -> None:
    loaded = load_config(config)
    assert loaded.feeds and loaded.partnerships and loaded.questions and loaded.watch


def test_demo_config_names_every_bundled_feed(truth: dict[str, Any]) -> None:
    loaded = load_config(DEMO / "config.toml")
    slugs = {feed.url.removeprefix("http://127.0.0.1/").removesuffix(".xml") for feed in loaded.feeds}
    assert slugs == {path.stem for path in FEEDS.glob("*.xml")}
    names = {feed.name for feed in loaded.feeds}
    assert {info["feed"] for info in truth["articles"].values()} == names
    assert {p.id for p in loaded.partnerships} == set(truth["partnerships"])
    assert {w.id for w in loaded.watch} == set(truth["watch"])
