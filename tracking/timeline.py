"""A partnership's timeline: its stories and the dated facts stated in them, in date order.

Facts: a sentence is a fact of a partnership when it names one of its parties and carries a
date expression (tracking/dates.py); the fact's date is the expression's resolved period.

The same fact stated by several articles appears once, with all of them as sources. Two
fact sentences state the same fact when they resolve to the same date and precision and
either (a) their words overlap strongly (rapidfuzz token_set_ratio >= SAME_FACT_SIMILARITY,
which folds syndicated copies and light rewrites) or (b) they come from different articles
of the same story (a rewrite of an article restates its facts in other words). Why not text
similarity alone: content farms reword sentences beyond any safe threshold, while a story
already groups them. Known false merge: two different events on the same day reported by
one story's members. Known miss: the same event dated "late February" in one article and
"February 27" in another stays two facts (different precision); both are shown.

"New since the user last looked": an entry is new when one of its sources was first seen
after `last_looked` (with no last look, everything is new).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from rapidfuzz import fuzz, process

from store.desk_records import FactRecord, Source, StoryRef
from tracking.dates import PRECISIONS, DateRef, find_dates, has_date_hint
from tracking.partnerships import CompiledPartnership

SAME_FACT_SIMILARITY = 80.0
MAX_FACT_SENTENCE = 600     # longer "sentences" are splitter failures (lists, tables): skipped

_COARSE_FIRST = {precision: -rank for rank, precision in enumerate(PRECISIONS)}


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    precision: str
    kind: Literal["story", "fact"]
    title: str
    text: str
    sources: tuple[Source, ...]
    story_id: int | None
    new: bool = False
    outlets: int = 1
    url: str | None = None          # story: the lead's link
    origin: str | None = None       # story: the origin outlet


def extract_facts(compiled: CompiledPartnership, sentences: Iterable[str],
                  published: datetime) -> list[tuple[DateRef, str]]:
    """The (date, sentence) facts of one article for one partnership: the first date
    expression of each sentence that names a party (the first is the one the sentence is
    about far more often than the later ones, which tend to be background)."""
    facts = []
    for sentence in sentences:
        # The party regex skips ahead on a character set: much cheaper than the date hint.
        if len(sentence) > MAX_FACT_SENTENCE or not compiled.names_a_party(sentence):
            continue
        if not has_date_hint(sentence):
            continue
        refs = find_dates(sentence, published, first_only=True)
        if refs:
            facts.append((refs[0], sentence))
    return facts


def group_facts(facts: Sequence[FactRecord]) -> list[list[FactRecord]]:
    """Facts grouped so that each group is one fact (see the module docstring); groups and
    their members come in a deterministic order (date, then publication, then article id).

    Each fact is looked up, cheapest first, by its exact normalised sentence, then by its
    story, then compared (rapidfuzz, in C) with the first sentence of each group of its
    period: linear in the number of facts for syndicated copies, and bounded by the number of
    distinct facts of one period otherwise.
    """
    ordered = sorted(facts, key=lambda f: (f.date, f.precision, f.source.published, f.source.article_id,
                                           f.sentence))
    groups: list[list[FactRecord]] = []
    exact: dict[tuple[date, str, str], list[FactRecord]] = {}
    by_story: dict[tuple[date, str, int], list[FactRecord]] = {}
    firsts: dict[tuple[date, str], tuple[list[str], list[list[FactRecord]]]] = {}
    for fact in ordered:
        period = (fact.date, fact.precision)
        norm = " ".join(fact.sentence.lower().split())
        group = exact.get((*period, norm))
        if group is None and fact.story_id is not None:
            group = by_story.get((*period, fact.story_id))
            if group is not None and any(f.source.article_id == fact.source.article_id for f in group):
                group = None       # another sentence of the same article: a different fact
        texts, candidates = firsts.setdefault(period, ([], []))
        if group is None and texts:
            found = process.extractOne(fact.sentence, texts, scorer=fuzz.token_set_ratio,
                                       score_cutoff=SAME_FACT_SIMILARITY)
            if found is not None:
                group = candidates[found[2]]
        if group is None:
            group = []
            groups.append(group)
            texts.append(fact.sentence)
            candidates.append(group)
        group.append(fact)
        exact.setdefault((*period, norm), group)
        if fact.story_id is not None:
            by_story.setdefault((*period, fact.story_id), group)
    return groups


def build_timeline(stories: Iterable[StoryRef], facts: Sequence[FactRecord],
                   last_looked: datetime | None = None, since: date | None = None) -> list[TimelineEntry]:
    """Stories and grouped facts in date order (coarser periods first on the same day, then
    stories before facts, then by title), optionally only from `since` on."""
    entries: list[TimelineEntry] = []
    for story in stories:
        entries.append(TimelineEntry(
            date=story.first_published.date(), precision="day", kind="story", title=story.title,
            text=story.summary, sources=story.members, story_id=story.id,
            new=_is_new(story.members, last_looked), outlets=story.outlets, url=story.url,
            origin=story.origin,
        ))
    for group in group_facts(facts):
        first = group[0]
        sources: list[Source] = []
        cited: set[int] = set()
        for fact in group:
            if fact.source.article_id not in cited:
                cited.add(fact.source.article_id)
                sources.append(fact.source)
        entries.append(TimelineEntry(
            date=first.date, precision=first.precision, kind="fact", title=first.source.title,
            text=first.sentence, sources=tuple(sources), story_id=first.story_id,
            new=_is_new(sources, last_looked), outlets=len({s.feed for s in sources}),
        ))
    if since is not None:
        entries = [entry for entry in entries if entry.date >= since]
    entries.sort(key=lambda e: (e.date, _COARSE_FIRST.get(e.precision, 0), e.kind != "story", e.title,
                                e.sources[0].article_id if e.sources else 0, e.text))
    return entries


def _is_new(sources: Iterable[Source], last_looked: datetime | None) -> bool:
    if last_looked is None:
        return True
    return any(source.first_seen > last_looked for source in sources)


_MONTH_NAMES = ("January February March April May June July August September October November "
                "December").split()


def period_label(day: date, precision: str) -> str:
    """How a resolved date reads in a briefing: "19 March 2026", "late February 2026", "Q3 2025"."""
    month = _MONTH_NAMES[day.month - 1]
    if precision == "day":
        return f"{day.day} {month} {day.year}"
    if precision == "week":
        return f"week of {day.day} {month} {day.year}"
    if precision == "month":
        return f"{month} {day.year}"
    if precision.endswith("-month"):
        return f"{precision.split('-')[0]} {month} {day.year}"
    if precision == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == "half":
        return f"{'first' if day.month == 1 else 'second'} half of {day.year}"
    if precision == "mid-year":
        return f"mid-{day.year}"
    if precision.endswith("-year"):
        return f"{precision.split('-')[0]} {day.year}"
    return str(day.year)
