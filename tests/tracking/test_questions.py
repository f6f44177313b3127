"""Open questions: evidence, suggested questions (grouping, adopt, dismiss), status."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from partwatch import desk_sync
from partwatch.desk_views import question_views, suggestions
from store import desk as store_desk
from store.desk_records import AdoptedQuestion, Source
from tests.tracking.desk_helpers import DEMO, demo_desk, guid_ids
from tracking.questions import adopted_question, group_suggestions, is_interrogative, terms_for

NOW = datetime(2026, 11, 21, tzinfo=UTC)
CARVE_OUT = "Does the carve-out apply to all OpenAI products indefinitely, or only to specific services?"


@pytest.fixture(scope="module")
def demo() -> tuple[object, object]:
    return demo_desk()


def test_configured_question_evidence_matches_the_truth_newest_first(demo: tuple) -> None:
    db, config = demo
    truth = json.loads((DEMO / "truth.json").read_text())["question_evidence"]
    by_id = {v: k for k, v in guid_ids(db).items()}
    views = {q.id: q for q in question_views(db, config)}
    for question_id, expected in truth.items():
        got = {(by_id[e.source.article_id], e.sentence) for e in views[question_id].evidence}
        assert got == {(e["guid"], e["sentence"]) for e in expected}, question_id
        published = [e.source.published for e in views[question_id].evidence]
        assert published == sorted(published, reverse=True)
    assert all(q.status == "open" and q.origin == "config" for q in views.values())


def test_interrogative_sentences() -> None:
    assert is_interrogative(CARVE_OUT)
    assert is_interrogative('"Will Microsoft really take its most important partner to court?"')
    assert not is_interrogative("Why?")                                  # too short
    assert not is_interrogative("Microsoft asked whether it applies?")   # not a question form
    assert not is_interrogative("Does it apply to all OpenAI products.")


def test_near_identical_suggestions_are_one_with_all_sources(demo: tuple) -> None:
    db, config = demo
    truth = json.loads((DEMO / "truth.json").read_text())["question_groups"][0]
    by_id = {v: k for k, v in guid_ids(db).items()}
    found = [s for s in suggestions(db, config) if "carve-out apply" in s.text]
    assert len(found) == 1
    assert {by_id[src.article_id] for src in found[0].sources} == set(truth["guids"])
    assert found[0].partnerships == ("microsoft-openai", "openai-aws", "microsoft-aws-cloud-rivalry")


def test_adopt_makes_a_stored_question_with_evidence_and_dismiss_is_forever() -> None:
    db, config = demo_desk()
    listed = suggestions(db, config)
    carve = next(s for s in listed if "carve-out apply" in s.text)
    question = adopted_question(carve)
    assert question.partnership == "microsoft-openai" and question.id == carve.id
    stored = AdoptedQuestion(question.id, question.partnership, question.text, question.terms)
    store_desk.adopt_question(db, stored, carve.sources[0].article_id, NOW)
    assert desk_sync.add_question_evidence(db, question) > 0
    adopted = next(q for q in question_views(db, config, "microsoft-openai") if q.id == carve.id)
    assert adopted.origin == "adopted" and adopted.evidence
    assert all(s.id != carve.id for s in suggestions(db, config))        # no longer suggested

    other = next(s for s in suggestions(db, config) if "court" in s.text)
    store_desk.dismiss_suggestion(db, other.id, other.text, None, NOW)
    desk_sync.refresh(db, config, [a for a in guid_ids(db).values()])     # a re-poll of everything
    assert all("court" not in s.text for s in suggestions(db, config))


def test_a_near_identical_new_candidate_of_a_dismissed_one_stays_hidden() -> None:
    source = Source(1, "Feed", None, "T", NOW, NOW)
    later = Source(2, "Feed", None, "T", NOW.replace(day=22), NOW)
    kept = group_suggestions([("p", CARVE_OUT, source)], excluded=[CARVE_OUT.replace("all", "every")])
    assert kept == []
    sue = "Will AWS sue Microsoft over the Azure deal?"
    both = group_suggestions([("p", CARVE_OUT, source), ("p", sue, later)])
    assert [s.text for s in both] == [sue, CARVE_OUT]


def test_terms_for_an_adopted_question_prefer_names() -> None:
    terms = terms_for("Will Microsoft's rights to OpenAI's intellectual property extend to AWS hardware?")
    assert len(terms) == 3 and all(len(group) == 1 for group in terms)
    assert terms[0][0].lower().startswith("microso")


def test_answer_and_reopen(demo: tuple) -> None:
    db, config = demo
    article = next(iter(guid_ids(db).values()))
    store_desk.set_status(db, "stateful-carveout", "answered", "Yes, for stateless only", article, NOW)
    view = next(q for q in question_views(db, config) if q.id == "stateful-carveout")
    assert (view.status, view.answer) == ("answered", "Yes, for stateless only")
    assert view.answer_source is not None and view.answer_source.article_id == article
    store_desk.set_status(db, "stateful-carveout", "open", None, None, NOW)
    view = next(q for q in question_views(db, config) if q.id == "stateful-carveout")
    assert (view.status, view.answer, view.answer_source) == ("open", None, None)
