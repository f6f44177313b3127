"""The desk as the commands and the dashboard show it: questions with their state and
evidence, watch items with their hits, timelines and whole briefings, read from the store
and assembled by tracking/. Reading only; writes go through desk_sync and the commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlite_utils

from partwatch.config import Config
from partwatch.desk_sync import all_questions
from store import desk as store_desk
from store.desk import Status
from store.desk_records import Hit
from store.partnerships import article_ids_for
from tracking.export import Briefing, PartnershipBriefing, WatchView
from tracking.questions import QuestionView, Suggestion, group_suggestions
from tracking.timeline import TimelineEntry, build_timeline
from tracking.watch import item_state


def question_views(db: sqlite_utils.Database, config: Config, partnership: str | None = None,
                   evidence_limit: int | None = None, since: date | None = None) -> list[QuestionView]:
    """Configured then adopted questions (of one partnership, or all), with their state."""
    config_ids = {q.id for q in config.questions}
    states = store_desk.statuses(db)
    views = []
    for question in all_questions(db, config):
        if partnership is not None and question.partnership != partnership:
            continue
        state = states.get(question.id)
        status: Status = state[0] if state else "open"
        answer, article_id, updated = (state[1], state[2], state[3]) if state else (None, None, None)
        evidence = store_desk.evidence_for(db, question.id)
        if since is not None:
            evidence = [e for e in evidence if e.source.published.date() >= since]
        if evidence_limit is not None:
            evidence = evidence[:evidence_limit]
        answer_source = store_desk.sources_for(db, [article_id]).get(article_id) if article_id else None
        views.append(QuestionView(
            id=question.id, text=question.text, partnership=question.partnership,
            origin="config" if question.id in config_ids else "adopted", status=status, answer=answer,
            answer_source=answer_source, evidence=tuple(evidence), updated=updated,
        ))
    return views


def suggestions(db: sqlite_utils.Database, config: Config,
                partnership: str | None = None) -> list[Suggestion]:
    """Suggested questions, minus the dismissed ones and those already asked."""
    excluded = store_desk.dismissed_texts(db) + [q.text for q in all_questions(db, config)]
    dismissed_ids = set(store_desk.dismissed_ids(db))
    adopted_ids = {q.id for q in store_desk.adopted_questions(db)}
    found = group_suggestions(store_desk.question_candidates(db, partnership), excluded,
                              [p.id for p in config.partnerships])
    return [s for s in found if s.id not in dismissed_ids and s.id not in adopted_ids]


def watch_views(db: sqlite_utils.Database, config: Config, *, new_only: bool = False,
                since: date | None = None) -> list[WatchView]:
    """Every configured watch item with its state and hits (newest first)."""
    views = []
    for item in config.watch:
        hits = store_desk.hits(db, item.id)
        state = item_state(hits)
        shown = _since(hits, since)
        if new_only:
            if state != "new":
                continue
            shown = [h for h in shown if not h.seen]
        views.append(WatchView(item.id, item.title, item.partnership, state, tuple(shown)))
    return views


def _since(hits: Sequence[Hit], since: date | None) -> list[Hit]:
    return [h for h in hits if since is None or h.source.published.date() >= since]


def partnership_watch(db: sqlite_utils.Database, config: Config, partnership: str,
                      since: date | None = None) -> list[WatchView]:
    """The items that name the partnership (all their hits) and, for items that name no
    partnership, their hits among the partnership's articles (only when there are some)."""
    members: set[int] | None = None
    views = []
    for item in config.watch:
        if item.partnership == partnership:
            hits = store_desk.hits(db, item.id)
        elif item.partnership is None:
            if members is None:
                members = set(article_ids_for(db, partnership))
            hits = [h for h in store_desk.hits(db, item.id) if h.source.article_id in members]
            if not hits:
                continue
        else:
            continue
        views.append(WatchView(item.id, item.title, item.partnership, item_state(hits),
                               tuple(_since(hits, since))))
    return views


def timeline(db: sqlite_utils.Database, partnership: str, since: date | None = None,
             last_looked: datetime | None = None) -> list[TimelineEntry]:
    return build_timeline(store_desk.story_refs(db, partnership), store_desk.facts_for(db, partnership),
                          last_looked=last_looked, since=since)


def briefing(db: sqlite_utils.Database, config: Config, generated: datetime, partnership: str | None = None,
             since: date | None = None, evidence_limit: int = 5) -> Briefing:
    """The whole briefing (all partnerships, or one) as of `generated`."""
    chosen = [p for p in config.partnerships if partnership is None or p.id == partnership]
    parts = []
    for p in chosen:
        looked = store_desk.last_looked(db, p.id)
        parts.append(PartnershipBriefing(
            id=p.id, name=p.name, parties=dict(p.parties),
            timeline=tuple(timeline(db, p.id, since, looked)),
            questions=tuple(question_views(db, config, p.id, evidence_limit, since)),
            watch=tuple(partnership_watch(db, config, p.id, since)),
            last_looked=looked,
        ))
    return Briefing(generated=generated, since=since, partnerships=tuple(parts),
                    watch=tuple(watch_views(db, config, since=since)))
