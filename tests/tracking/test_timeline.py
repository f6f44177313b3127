"""Timelines: stories and dated facts in date order, one entry per fact with all its sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

from partwatch import desk_sync
from partwatch.desk_views import timeline
from store import desk as store_desk
from store.db import memory_db
from store.desk_records import FactRecord, Source, StoryRef
from tests.tracking.desk_helpers import demo_config, make_article, store_hand_written
from tracking.model import Partnership
from tracking.timeline import build_timeline, group_facts

MARCH_19 = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)
PARTNERSHIP = Partnership("openai-aws", "OpenAI and AWS", {"OpenAI": (), "Amazon": ("AWS",)})


def _source(article_id: int, feed: str, day: int, seen_day: int | None = None) -> Source:
    published = datetime(2026, 3, day, 9, tzinfo=UTC)
    seen = datetime(2026, 3, seen_day or day, 10, tzinfo=UTC)
    return Source(article_id, feed, f"https://{feed.lower()}.example/{article_id}", f"Headline {article_id}",
                  published, seen)


def _fact(article_id: int, feed: str, sentence: str, story: int | None = None, day: int = 19) -> FactRecord:
    return FactRecord("openai-aws", date(2026, 2, 20), "late-month", "late February", sentence,
                      _source(article_id, feed, day), story)


def test_the_same_fact_from_two_articles_appears_once_with_both_sources() -> None:
    db = memory_db()
    config = demo_config()
    sentence = "In late February, OpenAI and AWS announced a stateful runtime on Amazon Bedrock."
    first = store_hand_written(db, "Origin Times", [make_article(
        "a1", "OpenAI's AWS deal", f"{sentence} Microsoft was not pleased.", MARCH_19)])
    copy = store_hand_written(db, "Copy Daily", [make_article(
        "b1", "OpenAI's AWS deal, again", f"Rewritten intro. {sentence}", datetime(2026, 3, 20, tzinfo=UTC))])
    desk_sync.refresh(db, config, first + copy)
    facts = [e for e in timeline(db, "openai-aws") if e.kind == "fact" and e.precision == "late-month"]
    assert len(facts) == 1
    assert facts[0].date == date(2026, 2, 20)
    assert [s.feed for s in facts[0].sources] == ["Origin Times", "Copy Daily"]
    assert facts[0].text == sentence


def test_rewritten_sentences_fold_by_story_but_different_facts_do_not() -> None:
    a = _fact(1, "Origin", "In late February, OpenAI and AWS announced a runtime.", story=10)
    b = _fact(2, "Farm", "Late in February the pair unveiled something for Bedrock users.", story=10, day=20)
    c = _fact(3, "Other", "In late February, AWS cut its storage prices for everyone.", story=11, day=21)
    groups = group_facts([c, b, a])
    assert [[f.source.article_id for f in g] for g in groups] == [[1, 2], [3]]


def test_stories_and_facts_in_date_order_with_new_marks_and_since() -> None:
    story = StoryRef(id=7, title="OpenAI and AWS sign", url="https://x.example/7", origin="Origin", outlets=2,
                     first_published=datetime(2026, 2, 26, 14, tzinfo=UTC), summary="Summary.",
                     members=(_source(7, "Origin", 1), _source(8, "Copy", 2, seen_day=25)))
    old = _fact(1, "Origin", "In late February, OpenAI and AWS announced a runtime.", day=3)
    year = FactRecord("openai-aws", date(2019, 1, 1), "year", "since 2019",
                      "Microsoft and OpenAI since 2019.", _source(2, "Origin", 4))
    entries = build_timeline([story], [old, year], last_looked=datetime(2026, 3, 10, tzinfo=UTC))
    assert [(e.kind, e.date.isoformat()) for e in entries] == [
        ("fact", "2019-01-01"), ("fact", "2026-02-20"), ("story", "2026-02-26")]
    assert [e.new for e in entries] == [False, False, True]       # the copy was first seen on 25 March
    assert entries[2].outlets == 2 and entries[2].story_id == 7
    assert [e.kind for e in build_timeline([story], [old, year], since=date(2026, 2, 21))] == ["story"]
    assert all(e.new for e in build_timeline([story], [old], last_looked=None))


def test_last_looked_is_kept_per_partnership() -> None:
    db = memory_db()
    assert store_desk.last_looked(db, "openai-aws") is None
    store_desk.set_last_looked(db, "openai-aws", MARCH_19)
    assert store_desk.last_looked(db, "openai-aws") == MARCH_19
    assert store_desk.last_looked(db, "microsoft-openai") is None
