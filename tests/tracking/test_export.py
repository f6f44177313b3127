"""Briefings: Markdown checked against an expected file, hostile text made harmless, JSON
validated against its schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
import sqlite_utils
from markdown_it import MarkdownIt

from partwatch import desk_sync
from partwatch.config import Config, parse_config
from partwatch.desk_views import briefing
from store import desk as store_desk
from store.db import memory_db
from tests.tracking.desk_helpers import (
    demo_desk,
    make_article,
    store_hand_written,
)
from tracking.export import md_link, md_text, safe_url, to_json, to_json_data, to_markdown

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "data" / "expected_briefing.md"
SCHEMA = json.loads((ROOT / "tracking" / "export_schema.json").read_text())
GENERATED = datetime(2026, 3, 26, 8, 0, tzinfo=UTC)
HOSTILE = ("# [click me](javascript:alert(1)) ![pixel](https://track.example/p.png) <script>alert(1)</script>"
           " <img src=x onerror=alert(1)> **bold** _u_ `code` | a | b |\n\n# Heading &amp; %%hidden%%"
           " ==hl== $x$ https://evil.example/a www.evil.example \x1b[31mred\u202eevil\x07")

CONFIG = """
[[partnerships]]
id = "openai-aws"
name = "OpenAI and AWS"
parties = { OpenAI = ["ChatGPT"], Amazon = ["AWS"] }

[[questions]]
id = "stateful"
partnership = "openai-aws"
text = "Is the Bedrock runtime stateful?"
terms = [["stateful"], ["Bedrock"]]

[[watch]]
id = "lawsuit"
title = "Lawsuit"
partnership = "openai-aws"
terms = [["lawsuit", "sue"]]
"""


def _desk(hostile: bool = False) -> tuple[sqlite_utils.Database, Config]:
    config = parse_config(CONFIG, None, db=Path(":memory:"))
    db = memory_db()
    seen = datetime(2026, 3, 25, 12, tzinfo=UTC)
    ids = store_hand_written(db, "Origin Times", [
        make_article("a1", "OpenAI and AWS sign a runtime deal",
                     "In late February, OpenAI and AWS announced a stateful runtime on Bedrock. "
                     "Does it cover every product?", datetime(2026, 2, 27, 9, tzinfo=UTC)),
        make_article("a2", "Microsoft may sue over the AWS deal",
                     "Microsoft weighs a lawsuit against OpenAI and AWS, people said on Tuesday.",
                     datetime(2026, 3, 11, 9, tzinfo=UTC)),
    ], seen)
    ids += store_hand_written(db, "Copy Daily", [
        make_article("b1", HOSTILE if hostile else "OpenAI and AWS sign a runtime deal (copy)",
                     "In late February, OpenAI and AWS announced a stateful runtime on Bedrock.",
                     datetime(2026, 2, 28, 9, tzinfo=UTC)),
    ], seen)
    desk_sync.refresh(db, config, ids)
    store_desk.set_status(db, "stateful", "answered", "Yes: the runtime keeps state", ids[0], GENERATED)
    return db, config


def test_markdown_matches_the_expected_file() -> None:
    db, config = _desk()
    text = to_markdown(briefing(db, config, GENERATED))
    assert text == EXPECTED.read_text(encoding="utf-8")
    again = to_markdown(briefing(db, config, GENERATED))
    assert again == text                                      # deterministic


def test_since_limits_the_period() -> None:
    db, config = _desk()
    data = to_json_data(briefing(db, config, GENERATED, since=date(2026, 3, 1)))
    assert all(entry["date"] >= "2026-03-01" for entry in data["partnerships"][0]["timeline"])
    assert "period: 1 March 2026 to 26 March 2026" in to_markdown(briefing(db, config, GENERATED,
                                                                             since=date(2026, 3, 1)))


def test_a_hostile_headline_is_exported_harmlessly() -> None:
    db, config = _desk(hostile=True)
    text = to_markdown(briefing(db, config, GENERATED))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    html = MarkdownIt("gfm-like").render(text)
    assert "<script" not in html and "<img" not in html
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert hrefs and all(h.startswith("https://news.example/") for h in hrefs), hrefs
    assert "<strong>bold" not in html and "<em>u" not in html and "<code>" not in html
    assert "<h1>Heading" not in html and "<table" not in html
    # Every line of the briefing is still one of ours: the headline did not start a block.
    for line in text.splitlines():
        assert not line.startswith("# Heading")
    # The text itself survives, readable.
    assert "click me" in html and "alert(1)" in html and "hidden" in html


@pytest.mark.parametrize(("url", "expected"), [
    ("javascript:alert(1)", None),
    ("data:text/html,hi", None),
    ("ftp://x.example/f", None),
    ("https://ok.example/a (b)", "https://ok.example/a%20%28b%29"),
    ("http://ok.example/?q=1&r=<2>", "http://ok.example/?q=1&r=%3C2%3E"),
])
def test_only_http_links(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected
    assert md_link("t", url) == (f"[t]({expected})" if expected else "t")


def test_md_text_escapes_every_markdown_character() -> None:
    assert md_text("a*b_c[d](e)#f<g>&h|i!j`k\\l") == r"a\*b\_c\[d\]\(e\)\#f\<g\>\&h\|i\!j\`k\\l"
    assert md_text("line\nbreak\u200b") == "line break"


def test_json_follows_the_schema_on_the_demo() -> None:
    db, config = demo_desk()
    data = json.loads(to_json(briefing(db, config, GENERATED)))
    jsonschema.validate(data, SCHEMA)
    assert set(data) == {"generated", "partnerships", "watch"}
    first = data["partnerships"][0]
    assert set(first) == {"id", "name", "parties", "timeline", "questions", "watch"}
    entry = next(e for e in first["timeline"] if e["precision"] == "late-month")
    assert entry["date"].endswith("-20") and entry["kind"] == "fact"
    assert {w["id"] for w in data["watch"]} == {w.id for w in config.watch}


def test_json_of_the_small_desk_follows_the_schema_too() -> None:
    db, config = _desk(hostile=True)
    jsonschema.validate(to_json_data(briefing(db, config, GENERATED)), SCHEMA)
