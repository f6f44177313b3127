"""Watch items: hits (terms, exclude, partnership), states across polls, seen marks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from feeds.records import ParsedArticle
from partwatch import desk_sync
from partwatch.desk_views import partnership_watch, watch_views
from store import desk as store_desk
from store.articles import get_articles, store_articles
from store.db import memory_db
from store.feeds import get_feed
from tests.tracking.desk_helpers import (
    DEMO,
    demo_config,
    demo_desk,
    guid_ids,
    load_demo_feeds,
    make_article,
    store_hand_written,
)
from tracking.model import WatchItem
from tracking.watch import WatchMatcher

FTC = WatchItem("ftc-probe", "FTC probe", (("FTC", "Federal Trade Commission"), ("probe", "investigat")),
                partnership="microsoft-openai")
SUITS = WatchItem("lawsuit", "Lawsuit", (("lawsuit", "sue"),), exclude=("copyright",))


def _match(item: WatchItem, title: str, text: str, partnerships: tuple[str, ...] = ("microsoft-openai",)
           ) -> list[tuple[str, str]]:
    return WatchMatcher([item]).match(title, text, partnerships, lambda: text.split(". "))


def test_terms_exclude_and_partnership_decide_a_hit() -> None:
    text = "Regulators act. The Federal Trade Commission is investigating the deal. More later"
    sentence = "The Federal Trade Commission is investigating the deal"
    assert _match(FTC, "News", text) == [("ftc-probe", sentence)]
    assert _match(FTC, "News", text, partnerships=()) == []            # not about its partnership
    assert _match(FTC, "FTC fines a bank", "No inquiry here.") == []    # one group only
    assert _match(SUITS, "Publishers sue OpenAI", "A copyright case.") == []
    assert _match(SUITS, "Microsoft may sue", "Now.", partnerships=()) == [("lawsuit", "Microsoft may sue")]
    assert _match(SUITS, "Lawsuits pile up", "x") == [("lawsuit", "Lawsuits pile up")]   # word start


def test_demo_hits_match_the_truth_file() -> None:
    truth = json.loads((DEMO / "truth.json").read_text())["watch"]
    db, config = demo_desk()
    by_id = {v: k for k, v in guid_ids(db).items()}
    for view in watch_views(db, config):
        assert {by_id[h.source.article_id] for h in view.hits} == set(truth[view.id]), view.id
        assert view.state == "new"
        assert all(h.sentence for h in view.hits)


def test_states_across_two_polls() -> None:
    db = memory_db()
    config = demo_config()
    desk_sync.refresh(db, config, [])        # the first run records the config (nothing to analyse yet)
    ids = load_demo_feeds(db)
    articles = get_articles(db, ids)
    cut = datetime(2026, 6, 1, tzinfo=UTC)
    first = [a.id for a in articles if a.published < cut]
    second = [a.id for a in articles if a.published >= cut]

    report = desk_sync.refresh(db, config, first)                 # poll 1: February to May
    states = {v.id: v.state for v in watch_views(db, config)}
    assert states["ftc-probe"] == "new" and states["eu-probe"] == "quiet"
    assert {h.item_id for h in report.new_hits} == {k for k, v in states.items() if v == "new"}
    assert store_desk.mark_seen(db, ["ftc-probe"]) > 0
    assert {v.id: v.state for v in watch_views(db, config)}["ftc-probe"] == "seen"

    assert desk_sync.refresh(db, config, first).new_hits == []    # the same articles again: nothing moves
    assert {v.id: v.state for v in watch_views(db, config)}["ftc-probe"] == "seen"
    store_desk.mark_seen(db)

    report = desk_sync.refresh(db, config, second)                # poll 2: June to November
    states = {v.id: v.state for v in watch_views(db, config)}
    assert states["eu-probe"] == "new"
    assert states["ftc-probe"] == "new"                           # the FTC closed its inquiry in November
    fresh = {v.id: [h for h in v.hits if not h.seen] for v in watch_views(db, config, new_only=True)}
    assert all(h.source.published >= cut for hits in fresh.values() for h in hits)
    assert len(report.new_hits) == sum(len(h) for h in fresh.values())
    store_desk.mark_seen(db)
    assert {v.state for v in watch_views(db, config)} <= {"seen", "quiet"}
    assert watch_views(db, config, new_only=True) == []


def test_partnership_watch_holds_unnamed_items_hits_among_its_articles() -> None:
    db, config = demo_desk()
    views = {v.id: v for v in partnership_watch(db, config, "openai-aws")}
    assert "frontier-launch" in views                   # names openai-aws
    assert "ftc-probe" not in views                      # names another partnership
    assert views["openai-other-cloud"].partnership is None and views["openai-other-cloud"].hits


def test_an_updated_article_keeps_its_seen_hit_or_loses_a_stale_one() -> None:
    db = memory_db()
    config = demo_config()
    when = datetime(2026, 5, 12, tzinfo=UTC)
    text = "The FTC opened an inquiry into Microsoft and OpenAI."
    ids = store_hand_written(db, "Wire", [make_article("w1", "FTC opens inquiry", text, when)])
    assert [h.item_id for h in desk_sync.refresh(db, config, ids).new_hits] == ["ftc-probe"]
    store_desk.mark_seen(db)
    edited = store_hand_written_update(db, make_article("w1", "FTC opens inquiry (updated)", text, when))
    assert desk_sync.refresh(db, config, edited).new_hits == []
    assert {v.id: v.state for v in watch_views(db, config)}["ftc-probe"] == "seen"
    retracted = store_hand_written_update(db, make_article("w1", "Correction", "Microsoft and OpenAI.", when))
    desk_sync.refresh(db, config, retracted)
    assert {v.id: v.state for v in watch_views(db, config)}["ftc-probe"] == "quiet"


def store_hand_written_update(db: sqlite_utils.Database, article: ParsedArticle) -> list[int]:
    """Store a changed version of an article of the "Wire" feed; returns its id as updated."""
    feed = get_feed(db, "https://wire.example/feed")
    assert feed is not None
    _new, updated = store_articles(db, feed.id, [article], datetime(2026, 11, 21, tzinfo=UTC))
    assert updated
    return updated
