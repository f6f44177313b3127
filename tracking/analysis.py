"""What the desk finds in one article: its partnerships, dated facts, question sentences,
question evidence and watch hits. Pure: the caller reads articles and stores the findings.

Work is ordered from cheap to dear so that a large store is fast: the partnership tagger and
the term regexes scan the raw text first, and the text is split into sentences only when
something matched (most articles of a general feed concern no partnership and hit nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from tracking.model import Partnership, Question, WatchItem
from tracking.partnerships import Tagger
from tracking.questions import is_interrogative
from tracking.sentences import split_sentences
from tracking.terms import TermMatcher, compile_terms
from tracking.timeline import extract_facts
from tracking.watch import WatchMatcher

EVIDENCE_SENTENCES = 3


@dataclass
class Findings:
    """The desk's findings for one article."""

    article_id: int
    partnerships: list[str] = field(default_factory=list)
    # (partnership, date, precision, expression, sentence)
    facts: list[tuple[str, date, str, str, str]] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)      # (partnership, sentence)
    evidence: list[tuple[str, str]] = field(default_factory=list)       # (question id, sentence)
    hits: list[tuple[str, str]] = field(default_factory=list)           # (watch item id, sentence)


class Analyzer:
    """The configured partnerships, questions and watch items, compiled once per refresh."""

    def __init__(self, partnerships: Iterable[Partnership], questions: Iterable[Question],
                 watch: Iterable[WatchItem]) -> None:
        self.tagger = Tagger(partnerships)
        self.questions: list[tuple[Question, TermMatcher]] = [(q, compile_terms(q.terms)) for q in questions]
        self.watch = WatchMatcher(watch)

    def analyse(self, article_id: int, title: str, text: str, published: datetime, *,
                tags: bool = True, evidence: bool = True, watch: bool = True) -> Findings:
        """Findings for one article; the flags skip the parts the caller does not need."""
        found = Findings(article_id)
        found.partnerships = self.tagger.tag(title, text)
        cache: list[str] = []

        def sentences() -> list[str]:
            if not cache:
                cache.extend(split_sentences(text))
            return cache

        concerned = set(found.partnerships)
        if tags:
            for compiled in self.tagger.compiled:
                if compiled.id not in concerned:
                    continue
                for ref, sentence in extract_facts(compiled, [title, *sentences()], published):
                    found.facts.append((compiled.id, ref.date, ref.precision, ref.expression, sentence))
                for sentence in sentences():
                    if "?" in sentence and is_interrogative(sentence):
                        found.questions.append((compiled.id, sentence))
        whole = f"{title}\n{text}"
        lowered = whole.lower()
        if evidence:
            for question, matcher in self.questions:
                if question.partnership is not None and question.partnership not in concerned:
                    continue
                if matcher.matches(whole, lowered):
                    for sentence in matcher.full_sentences([title, *sentences()], EVIDENCE_SENTENCES):
                        found.evidence.append((question.id, sentence))
        if watch:
            found.hits = self.watch.match(title, text, concerned, sentences, lowered)
        return found
