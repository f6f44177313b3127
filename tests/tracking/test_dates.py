"""Date expressions resolved against the publication date, to (first day, precision)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from store import desk as store_desk
from tests.tracking.desk_helpers import DEMO, demo_desk, guid_ids
from tracking.dates import find_dates
from tracking.timeline import period_label

MARCH_19 = date(2026, 3, 19)      # a Thursday


@pytest.mark.parametrize(("sentence", "published", "expected", "precision"), [
    ("In late February, OpenAI and AWS announced a runtime.", MARCH_19, date(2026, 2, 20), "late-month"),
    ("In early March Microsoft objected.", MARCH_19, date(2026, 3, 1), "early-month"),
    ("By mid-January the talks had stalled.", MARCH_19, date(2026, 1, 10), "mid-month"),
    ("The deal was signed in mid-2024.", MARCH_19, date(2024, 5, 1), "mid-year"),
    ("Microsoft has invested in OpenAI since 2019.", MARCH_19, date(2019, 1, 1), "year"),
    ("On March 19, 2026 The Decoder reported it.", date(2026, 3, 25), date(2026, 3, 19), "day"),
    ("It was first reported on 19 March 2026.", date(2026, 3, 25), date(2026, 3, 19), "day"),
    ("Last week, Microsoft sent a list.", date(2026, 3, 25), date(2026, 3, 16), "week"),
    ("OpenAI said in November that it would.", MARCH_19, date(2025, 11, 1), "month"),   # past preferred
    ("AWS grew in February 2025.", MARCH_19, date(2025, 2, 1), "month"),
    ("Revenue rose in the third quarter of 2025.", MARCH_19, date(2025, 7, 1), "quarter"),
    ("OpenAI expects to launch Frontier in Q3.", date(2026, 4, 22), date(2026, 7, 1), "quarter"),
    ("Results for Q4 came in strong.", date(2027, 1, 20), date(2026, 10, 1), "quarter"),
    ("The company said on Friday.", date(2026, 2, 27), date(2026, 2, 27), "day"),    # same-day Friday
    ("Microsoft said yesterday.", MARCH_19, date(2026, 3, 18), "day"),
    ("The review ends at the end of 2026.", MARCH_19, date(2026, 9, 1), "late-year"),
])
def test_resolution(sentence: str, published: date, expected: date, precision: str) -> None:
    refs = find_dates(sentence, published)
    assert refs, sentence
    assert (refs[0].date, refs[0].precision) == (expected, precision)


@pytest.mark.parametrize("sentence", [
    "OpenAI may do it again.",                 # "may" the verb
    "Rivals march on regardless.",             # "march" the verb
    "AWS holds 32% of the market and 2019 staff.",   # bare numbers are not years
    "Microsoft spent $2026 million.",
])
def test_no_false_dates(sentence: str) -> None:
    assert find_dates(sentence, MARCH_19) == []


def test_labels() -> None:
    assert period_label(date(2026, 2, 20), "late-month") == "late February 2026"
    assert period_label(date(2024, 5, 1), "mid-year") == "mid-2024"
    assert period_label(date(2025, 7, 1), "quarter") == "Q3 2025"
    assert period_label(date(2026, 3, 16), "week") == "week of 16 March 2026"


def test_demo_facts_resolve_as_the_truth_file_says() -> None:
    truth = json.loads((DEMO / "truth.json").read_text())
    db, config = demo_desk()
    by_id = {v: k for k, v in guid_ids(db).items()}
    stored = {(by_id[f.source.article_id], f.sentence): (f.date.isoformat(), f.precision)
              for p in config.partnerships for f in store_desk.facts_for(db, p.id)}
    for fact in truth["facts"]:
        expected = (fact["expected_date"], fact["precision"])
        assert stored.get((fact["guid"], fact["sentence"])) == expected, fact
