"""The desk's step of the refresh after a poll: tags, facts, question evidence, watch hits.

Incremental: only the articles a poll added or changed are analysed. Exception, detected
from hashes kept in the meta table: when [[partnerships]] changed since the last refresh,
every stored article is tagged again (and its facts and question sentences redone); when
[[questions]] changed, evidence is recomputed over every article; when [[watch]] changed,
hits are recomputed over every article (hits already stored keep their seen state, hits of
removed items are dropped). The user never has to run anything for this.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import sqlite_utils

from partwatch.config import Config
from partwatch.stamps import KEY_PARTNERSHIPS, KEY_QUESTIONS, KEY_WATCH
from partwatch.stamps import desk_hashes as _hashes
from store import desk as store_desk
from store.articles import get_articles, iter_articles
from store.db import transaction
from store.partnerships import article_ids_for, clear_tags, replace_tags
from store.records import Article
from store.timefmt import now as utc_now
from tracking.analysis import Analyzer
from tracking.model import Question

PAGE = 2000


@dataclass(frozen=True)
class NewHit:
    item_id: str
    item_title: str
    headline: str
    outlet: str
    url: str | None

    def line(self) -> str:
        """The line `poll --quiet` prints (the caller strips control characters)."""
        return f"{self.item_title}: {self.headline} ({self.outlet}) {self.url or ''}".rstrip()


@dataclass
class DeskReport:
    analysed: int = 0
    retagged_all: bool = False
    requestioned_all: bool = False
    rewatched_all: bool = False
    facts: int = 0
    new_hits: list[NewHit] = field(default_factory=list)


def all_questions(db: sqlite_utils.Database, config: Config) -> list[Question]:
    """Configured questions, then the adopted ones (config wins on an id clash)."""
    known = {q.id for q in config.questions}
    adopted = [Question(id=a.id, text=a.text, terms=a.terms, partnership=a.partnership)
               for a in store_desk.adopted_questions(db) if a.id not in known]
    return [*config.questions, *adopted]


def refresh(db: sqlite_utils.Database, config: Config, article_ids: Sequence[int]) -> DeskReport:
    """Bring the desk up to date with `article_ids` (new and changed articles); see the module."""
    report = DeskReport()
    hashes = _hashes(config)
    stale = {key for key, value in hashes.items() if store_desk.get_meta(db, key) != value}
    if not stale and not article_ids:
        return report           # nothing changed: no write, so a reader never waits on a poll
    report.retagged_all = KEY_PARTNERSHIPS in stale
    report.requestioned_all = report.retagged_all or KEY_QUESTIONS in stale
    report.rewatched_all = report.retagged_all or KEY_WATCH in stale
    analyzer = Analyzer(config.partnerships, all_questions(db, config), config.watch)
    found_at = utc_now()
    new_pairs: list[tuple[str, int]] = []
    with transaction(db):
        if report.retagged_all:
            clear_tags(db)
            store_desk.forget_all(db)
        elif report.requestioned_all:
            store_desk.forget_evidence(db)
        if report.rewatched_all:
            store_desk.drop_hits_of_other_items(db, [w.id for w in config.watch])
        everything = report.retagged_all or report.requestioned_all or report.rewatched_all
        changed = set(article_ids)
        for batch in _batches(db, everything, article_ids):
            # An article outside this poll's changes is only analysed for the stale parts.
            tag_ids = [a.id for a in batch if a.id in changed or report.retagged_all]
            evidence_ids = [a.id for a in batch if a.id in changed or report.requestioned_all]
            watch_ids = [a.id for a in batch if a.id in changed or report.rewatched_all]
            tag_set, evidence_set, watch_set = set(tag_ids), set(evidence_ids), set(watch_ids)
            findings = [analyzer.analyse(a.id, a.title, a.text, a.published, tags=a.id in tag_set,
                                         evidence=a.id in evidence_set, watch=a.id in watch_set)
                        for a in batch]
            if not report.retagged_all:
                # Changed articles: drop what they said before (evidence-only ids exist only
                # when all evidence was dropped above).
                store_desk.forget_articles(db, tag_ids)
            tagged = [f for f in findings if f.article_id in tag_set]
            replace_tags(db, tag_ids, [(f.article_id, p) for f in tagged for p in f.partnerships])
            report.facts += store_desk.insert_facts(
                db, [(fact[0], f.article_id, *fact[1:]) for f in tagged for fact in f.facts])
            store_desk.insert_question_sentences(
                db, [(f.article_id, p, s) for f in tagged for p, s in f.questions])
            store_desk.insert_evidence(
                db, [(q, f.article_id, s) for f in findings for q, s in f.evidence])
            hits = [(item, f.article_id, s) for f in findings for item, s in f.hits]
            new_pairs += store_desk.store_hits(db, watch_ids, hits, found_at)
            report.analysed += len(batch)
        for key, value in hashes.items():
            store_desk.set_meta(db, key, value)
    titles = {w.id: w.title for w in config.watch}
    for hit in store_desk.hits(db, unseen_only=True, pairs=new_pairs):
        report.new_hits.append(NewHit(hit.item_id, titles.get(hit.item_id, hit.item_id), hit.source.title,
                                      hit.source.feed, hit.source.url))
    report.new_hits.sort(key=lambda h: (h.item_title, h.headline, h.url or ""))
    return report


def _batches(db: sqlite_utils.Database, everything: bool,
             article_ids: Sequence[int]) -> Iterator[list[Article]]:
    if everything:
        after = 0
        while True:
            page = iter_articles(db, after, PAGE)
            if not page:
                return
            yield page
            after = page[-1].id
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), PAGE):
        yield get_articles(db, ids[start:start + PAGE])


def add_question_evidence(db: sqlite_utils.Database, question: Question) -> int:
    """Collect evidence for a newly adopted question over the stored articles (of its
    partnership when it names one); returns the number of evidence sentences stored."""
    # The ids below are already the partnership's articles: match the terms alone.
    analyzer = Analyzer((), [replace(question, partnership=None)], ())
    if question.partnership is not None:
        ids = article_ids_for(db, question.partnership)
    else:
        ids = store_desk.all_article_ids(db)
    rows: list[tuple[str, int, str]] = []
    for batch in _batches(db, False, ids):
        for article in batch:
            found = analyzer.analyse(article.id, article.title, article.text, article.published,
                                     tags=False, watch=False)
            rows += [(q, article.id, s) for q, s in found.evidence]
    with transaction(db):
        store_desk.forget_evidence(db, [question.id])
        store_desk.insert_evidence(db, rows)
    return len(rows)
