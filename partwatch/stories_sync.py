"""Keeping the stored stories in step with the articles: incremental placement after each
poll, a full rebuild, and the user's merges and splits.

Incremental placement (`place`) loads the window the new articles need and nothing more: the
articles published from `window_days` before the earliest new one (they seed the word weights,
make up the story centroids and are the candidates). The new articles are then placed in
published order, exactly as a rebuild would place them, so `rebuild` gives the same stories as
polls that arrive in published order.
The index is rebuilt per poll rather than persisted: recomputing the window's features costs
about 0.12 ms an article (2.4 CPU s for the 20,000 articles of the benchmark feeds), while
persisting them would keep a second copy of every article's features in the database, kept in
step through every update and invalidated whenever a feature or a [dedupe] setting changes.

An article that is already placed keeps its story when it changes (a re-polled, updated
entry must not split from its story); its story's origin, lead and contradictions are
recomputed. When the [dedupe] settings change, the next placement rebuilds everything.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

import sqlite_utils

from partwatch.config import Config
from partwatch.stamps import STORIES_SETTINGS_KEY as SETTINGS_KEY
from partwatch.stamps import stories_stamp as _settings_stamp
from store import stories as store
from store.articles import count_articles
from store.db import transaction
from store.timefmt import now
from tracking.dedupe import ArticleInput, Features, features
from tracking.model import DedupeSettings
from tracking.stories import StoryIndex, StorySummary, summarise

# Below this many articles (or stories) a worker process costs more than it saves.
PARALLEL_FROM = 5000
CHUNK = 1000
# Stories summarised per batch (one store read of their members, one task for a worker).
STORY_BATCH = 200
In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class StoriesReport:
    placed: int = 0
    new_stories: int = 0
    updated_stories: int = 0
    rebuilt: bool = False


class StoryCommandError(Exception):
    """A merge or split that cannot be done (unknown id); one line for the user."""


def _new_index(db: sqlite_utils.Database, settings: DedupeSettings) -> StoryIndex:
    index = StoryIndex(settings)
    for decision in store.decisions(db):
        if decision.kind == "merge":
            index.must_link(decision.article_a, decision.article_b)
        else:
            index.cannot_link(decision.article_a, decision.article_b)
    return index


def place(db: sqlite_utils.Database, config: Config, article_ids: Sequence[int]) -> StoriesReport:
    """Place new articles into stories and refresh the stories of changed ones."""
    settings = config.dedupe
    if store.get_meta(db, SETTINGS_KEY) != _settings_stamp(settings):
        return rebuild(db, config)
    report = StoriesReport()
    if not article_ids:
        return report
    articles = store.placeables(db, article_ids)
    known = store.story_of(db, [a.id for a in articles])
    touched = {known[a.id] for a in articles if a.id in known}
    fresh = [a for a in articles if a.id not in known]
    with transaction(db):
        if fresh:
            index = _new_index(db, settings)
            window = timedelta(days=settings.window_days)
            start = fresh[0].published - window
            loaded = store.articles_between(db, start)
            founded = store.published_of(db, {story for _, story in loaded})
            before: dict[int, int] = {}
            pending = {a.id for a in fresh}
            # Interleave stored and new articles in published order, as a rebuild would.
            merged = sorted(
                [(a, s) for a, s in loaded if a.id not in pending] + [(a, None) for a in fresh],
                key=lambda pair: (pair[0].published, pair[0].id),
            )
            feats = features_stream(
                (a for a, _ in merged), settings, parallel=len(merged) >= PARALLEL_FROM
            )
            for (article, story), feat in zip(merged, feats, strict=True):
                if story is not None:
                    when = founded.get(story)
                    index.assign(feat, story, when.timestamp() if when else None)
                    before[article.id] = story
                else:
                    index.place(feat)
            changes = [(a, s) for a, s in index.story_of.items() if before.get(a) != s]
            store.set_story(db, changes)
            touched |= {s for _, s in changes} | {before[a] for a, _ in changes if a in before}
            report.placed = len(fresh)
            report.new_stories = len({index.story_of[a.id] for a in fresh} - set(before.values()))
        report.updated_stories = _refresh_stories(db, settings, touched)
    return report


def rebuild(db: sqlite_utils.Database, config: Config) -> StoriesReport:
    """Recompute every story from scratch, placing all articles in published order; the manual
    merges and splits are replayed as they are placed. With worker processes, a story is
    summarised as soon as it leaves the window (no later article can join it), beside the
    placement of the rest, rather than all of them after it."""
    settings = config.dedupe
    index = _new_index(db, settings)
    count = 0
    total = count_articles(db)
    with _pool(total >= PARALLEL_FROM) as pool:
        early = _EarlySummaries(pool, settings)
        inputs = early.keep(store.iter_all_articles(db))
        for feat in _in_workers(_batched(inputs, CHUNK), _features_of, settings, pool):
            index.place(feat)
            early.closed(index.take_closed())
            count += 1
        with transaction(db):
            store.clear(db)
            store.set_story(db, index.story_of.items())
            stories = {s for s in index.story_of.values()}
            done = early.write(db, index.members)
            _refresh_stories(db, settings, stories - done, pool)
            store.set_meta(db, SETTINGS_KEY, _settings_stamp(settings))
    return StoriesReport(placed=count, new_stories=len(stories), updated_stories=len(stories), rebuilt=True)


class _EarlySummaries:
    """Stories summarised in the worker processes as they close, while placement goes on.

    Holds the articles read but not yet in a closed story (about a window of them). A story
    that a manual merge reopened after its summary was taken is summarised again at the end,
    from the store, like the stories still open then."""

    def __init__(self, pool: ProcessPoolExecutor | None, settings: DedupeSettings) -> None:
        self.pool = pool
        self.settings = settings
        self.articles: dict[int, ArticleInput] = {}
        self.batch: list[tuple[int, list[ArticleInput]]] = []
        self.pending: list[Future[list[StorySummary]]] = []

    def keep(self, articles: Iterable[ArticleInput]) -> Iterator[ArticleInput]:
        if self.pool is None:
            yield from articles
            return
        for article in articles:
            self.articles[article.id] = article
            yield article

    def closed(self, stories: list[tuple[int, list[int]]]) -> None:
        if self.pool is None:
            return
        for story, members in stories:
            found = [self.articles.pop(m, None) for m in members]
            kept = [a for a in found if a is not None]
            if len(kept) == len(found):
                self.batch.append((story, kept))
        if len(self.batch) >= STORY_BATCH:
            self._submit()

    def _submit(self) -> None:
        if self.batch and self.pool is not None:
            self.pending.append(self.pool.submit(_summaries_of, self.batch, self.settings))
            self.batch = []

    def write(self, db: sqlite_utils.Database, members: dict[int, list[int]]) -> set[int]:
        """Write the summaries whose stories still hold the members they were taken with;
        return their ids."""
        self._submit()
        done: set[int] = set()
        for future in self.pending:
            for summary in future.result():
                if set(summary.member_ids) == set(members.get(summary.id, ())):
                    _write(db, summary)
                    done.add(summary.id)
        self.pending.clear()
        return done


def _features_of(batch: list[ArticleInput], settings: DedupeSettings) -> list[Features]:
    return [features(article, settings) for article in batch]


def _summaries_of(
    batch: list[tuple[int, list[ArticleInput]]], settings: DedupeSettings
) -> list[StorySummary]:
    return [summarise(story_id, members, settings) for story_id, members in batch]


@contextmanager
def _pool(parallel: bool) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for features and story rows, or None to do them in this process.

    Two workers even on two cores: the caller is busy part of the time, and while it waits
    on a result its core goes to the second worker. One core gets no workers at all."""
    workers = min(2, os.cpu_count() or 1)
    if not parallel or workers < 2:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_behind_placement) as pool:
        yield pool


def _behind_placement() -> None:
    """A worker runs at a lower priority: placement, in the caller, is what the whole step
    waits on, and the workers' batches are wanted only later (measured on the 20,000 bench
    articles: `stories rebuild` 15.0 -> 13.9 s wall)."""
    if hasattr(os, "nice"):
        os.nice(10)


def _in_workers(
    batches: Iterable[list[In]], work: Callable[[list[In], DedupeSettings], list[Out]],
    settings: DedupeSettings, pool: ProcessPoolExecutor | None,
) -> Iterator[Out]:
    """`work` over each batch, results in order; in the `pool`'s processes a few batches
    ahead of the caller (so at most a few batches are in memory at once), so that the
    caller's own work (placing, writing rows) overlaps with theirs on the other core."""
    if pool is None:
        for batch in batches:
            yield from work(batch, settings)
        return
    pending: deque[Future[list[Out]]] = deque()
    for batch in batches:
        pending.append(pool.submit(work, batch, settings))
        if len(pending) > 4:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _batched(items: Iterable[In], size: int) -> Iterator[list[In]]:
    batch: list[In] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def features_stream(
    articles: Iterable[ArticleInput], settings: DedupeSettings, parallel: bool = True
) -> Iterator[Features]:
    """Features of `articles`, in order; with `parallel`, computed in worker processes while
    the caller places the ones before (placement is sequential by nature)."""
    with _pool(parallel) as pool:
        yield from _in_workers(_batched(articles, CHUNK), _features_of, settings, pool)


def _refresh_stories(
    db: sqlite_utils.Database, settings: DedupeSettings, story_ids: Iterable[int],
    pool: ProcessPoolExecutor | None = None,
) -> int:
    """Recompute origin, lead, dates, outlets and contradictions of these stories; a story left
    without members is deleted. Many stories (a cold poll, a rebuild) are summarised in
    worker processes: contradictions and origin read every sentence of every member, about
    a third of a cold poll's story work on the benchmark feeds."""
    wanted = sorted(set(story_ids))
    members = store.members_of(db, wanted)
    store.delete_stories(db, [s for s in wanted if s not in members])

    def batches() -> Iterator[list[tuple[int, list[ArticleInput]]]]:
        for start in range(0, len(wanted), STORY_BATCH):
            chunk = [s for s in wanted[start : start + STORY_BATCH] if s in members]
            articles = {a.id: a for a in store.placeables(db, [m for s in chunk for m in members[s]])}
            yield [(s, [articles[m] for m in members[s] if m in articles]) for s in chunk]

    workers = nullcontext(pool) if pool is not None else _pool(len(wanted) >= PARALLEL_FROM)
    with workers as used:
        for summary in _in_workers(batches(), _summaries_of, settings, used):
            _write(db, summary)
    return len(wanted)


def _write(db: sqlite_utils.Database, summary: StorySummary) -> None:
    sides = [
        store.ContradictionSide(
            summary.id, number, position, c.kind, side.value, side.article_id, side.sentence
        )
        for number, c in enumerate(summary.contradictions)
        for position, side in enumerate(c.values)
    ]
    store.write_story(
        db,
        store.StoryRow(
            id=summary.id,
            lead_id=summary.lead_id,
            origin_id=summary.origin_id,
            title=summary.title,
            first_published=summary.first_published,
            last_published=summary.last_published,
            articles=len(summary.member_ids),
            outlets=summary.outlets,
            contradictions=len(summary.contradictions),
        ),
        sides,
    )


# -- the user's decisions ----------------------------------------------------------------------
def merge(db: sqlite_utils.Database, config: Config, story_a: int, story_b: int) -> int:
    """Merge two stories (ids as listed); return the id of the merged story."""
    if story_a == story_b:
        raise StoryCommandError(f"story {story_a}: a story cannot be merged with itself")
    with transaction(db):
        members = store.members_of(db, [story_a, story_b])
        for story in (story_a, story_b):
            if story not in members:
                raise StoryCommandError(f"story {story}: no such story (see `partwatch stories`)")
        articles = {a.id: a for a in store.placeables(db, members[story_a] + members[story_b])}
        first = {s: min((articles[m].published, m) for m in members[s]) for s in (story_a, story_b)}
        keep, gone = (story_a, story_b) if first[story_a] <= first[story_b] else (story_b, story_a)
        store.drop_splits_between(db, members[keep], members[gone])
        store.add_decisions(db, "merge", [(keep, gone)], now())
        store.set_story(db, [(m, keep) for m in members[gone]])
        _refresh_stories(db, config.dedupe, [keep, gone])
    return keep


def split(db: sqlite_utils.Database, config: Config, article_id: int) -> int:
    """Split an article out of its story into a story of its own; return the new story's id."""
    with transaction(db):
        story = store.story_of(db, [article_id]).get(article_id)
        if story is None:
            raise StoryCommandError(
                f"article {article_id}: no such placed article (see `partwatch stories --json`)"
            )
        others = [m for m in store.members_of(db, [story])[story] if m != article_id]
        if not others:
            raise StoryCommandError(f"article {article_id}: already alone in its story")
        store.drop_merges_of(db, article_id)
        store.add_decisions(db, "split", [(article_id, m) for m in others], now())
        # Story ids are founding articles: the rest keeps the id unless the article founded it.
        rest = story if story != article_id else others[0]
        store.set_story(db, [(article_id, article_id)] + [(m, rest) for m in others])
        _refresh_stories(db, config.dedupe, {story, rest, article_id})
    return article_id
