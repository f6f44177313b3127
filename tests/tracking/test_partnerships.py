"""Partnership tagging: names and aliases at word boundaries, the case rules, the demo truth."""

from __future__ import annotations

import json

import pytest

from partwatch import desk_sync
from store.db import memory_db
from store.partnerships import article_ids_for
from tests.tracking.desk_helpers import DEMO, demo_config, demo_desk, guid_ids, load_demo_feeds
from tracking.model import Partnership
from tracking.partnerships import Tagger, compile_partnership

OPENAI_AWS = Partnership("openai-aws", "OpenAI and AWS", {
    "OpenAI": ("Open AI", "ChatGPT", "Frontier"), "Amazon": ("AWS", "Amazon Web Services")})
MSFT_OPENAI = Partnership("microsoft-openai", "Microsoft and OpenAI",
                          {"Microsoft": ("MSFT", "Azure"), "OpenAI": ("Open AI", "ChatGPT")})


@pytest.mark.parametrize(("text", "expected"), [
    ("OpenAI signs a deal with AWS", True),
    ("Open  AI and Amazon Web Services", True),          # multi-word alias, any whitespace
    ("ChatGPT will run on Amazon's cloud", True),        # possessive: a word boundary after the name
    ("OPENAI and AMAZON", True),                         # a capitalised name tolerates capitals
    ("Frontier runs on AWS", True),                      # the model name, capitalised
    ("openai and aws", False),                           # all-caps alias AWS is case-sensitive
    ("OpenAI changes the laws of cloud computing", False),   # "aws" inside "laws"
    ("OpenAI reaches the frontier of cloud pricing", False),  # "frontier" the common noun, no Amazon
    ("the frontier of AWS pricing", False),              # common noun does not name OpenAI
    ("OpenAIs and AWSome", False),                       # names inside longer words
])
def test_every_party_must_be_named_with_the_case_rules(text: str, expected: bool) -> None:
    assert compile_partnership(OPENAI_AWS).concerns(text) is expected
    assert (Tagger([OPENAI_AWS]).tag(text, "") == ["openai-aws"]) is expected


def test_title_and_text_together_name_the_parties() -> None:
    tagger = Tagger([OPENAI_AWS, MSFT_OPENAI])
    assert tagger.tag("Azure grows", "OpenAI said MSFT shares rose.") == ["microsoft-openai"]
    assert tagger.tag("OpenAI", "Microsoft and AWS") == ["openai-aws", "microsoft-openai"]
    assert tagger.tag("msft and openai", "") == []        # MSFT is all-caps: exact case only


def test_demo_tagging_matches_the_truth_file() -> None:
    truth = json.loads((DEMO / "truth.json").read_text())
    db, _config = demo_desk()
    by_id = {v: k for k, v in guid_ids(db).items()}
    for partnership, guids in truth["partnerships"].items():
        assert {by_id[i] for i in article_ids_for(db, partnership)} == set(guids), partnership
    tagged = {by_id[i] for p in truth["partnerships"] for i in article_ids_for(db, p)}
    negatives = truth["tagging_negatives"]
    assert "tag:meridiannews.example,2026:wire/224" not in tagged        # "export laws", "frontier"
    assert all(guid not in set(truth["partnerships"]["microsoft-aws-cloud-rivalry"]) for guid in negatives)


def test_changed_partnerships_retag_every_article_without_being_asked() -> None:
    db = memory_db()
    ids = load_demo_feeds(db)
    config = demo_config()
    desk_sync.refresh(db, config, ids)
    before = len(article_ids_for(db, "openai-aws"))
    narrowed = Partnership("openai-aws", "OpenAI and AWS", {"OpenAI": (), "Amazon": ("Bedrock",)})
    changed = type(config)(**{**config.__dict__, "partnerships": (narrowed, *config.partnerships[2:])})
    report = desk_sync.refresh(db, changed, [])          # no new articles at all
    assert report.retagged_all and report.analysed == len(ids)
    after = len(article_ids_for(db, "openai-aws"))
    assert 0 < after < before
    assert article_ids_for(db, "microsoft-openai") == []  # dropped from the config: no tags left
    assert not desk_sync.refresh(db, changed, []).retagged_all   # and only once
