"""Open questions: evidence for configured ones, and suggestions found in articles.

Evidence: an article is evidence for a question when one of its sentences (the title counts)
matches the question's terms (tracking/terms.py: every group hits within that sentence) and,
for a question that names a partnership, the article concerns it. Sentence level rather than
article level because a question is specific: "stateful" in one paragraph and "Azure" in
another is rarely about the question. The evidence keeps up to three such sentences per
article, in text order.

Suggested questions (the heuristic): a sentence of an article that concerns a partnership is
a candidate when it
- ends with "?" and starts with a question word or an auxiliary verb ("Does", "Will", "How",
  "What", ...), after any opening quote;
- has 5 to 40 words (shorter ones are rhetorical fragments: "Why?", "What now?").
Near-identical candidates (rapidfuzz token_sort_ratio >= SUGGESTION_SIMILARITY on the
lower-cased words) are one suggestion, whose text is the earliest one's and whose sources
(and partnerships) are all of theirs. A suggestion the user dismissed is never suggested again, nor any
candidate near-identical to it; one already adopted is not suggested either. Known false
positives: questions quoted in an interview or asked rhetorically by the writer.

A suggestion's id ("s-" and 8 hex digits) is a hash of its normalised text, so it stays the
same between runs. Adopting it stores a question with the same id and terms derived from its
text: up to three groups, one per distinctive word (capitalised names first, then the
longest words), each cut to its first seven letters so inflections still match.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rapidfuzz import fuzz

from store.desk_records import Evidence, Source
from tracking.model import Question, Terms

SUGGESTION_SIMILARITY = 85.0
MIN_WORDS, MAX_WORDS = 5, 40

_QUESTION_START = re.compile(
    r"""^['"“‘(]?(?:do|does|did|is|are|was|were|will|would|can|could|should|shall|has|have|had|may|might"""
    r"""|what|why|how|who|whom|whose|when|where|which)\b""",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’-]+")
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto about over under than then
    that this these those it its it's is are was were be been being do does did will would can could
    should shall may might must has have had not no only all any each every some such so very just
    what why how who whom whose when where which there here their they them he she his her we our you
    your i me my more most other another also even still yet whether indefinitely""".split()
)


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: str
    partnerships: tuple[str, ...]     # those whose articles ask it, in config order
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class QuestionView:
    """A question with its state and evidence, as the CLI, the TUI and the export show it."""

    id: str
    text: str
    partnership: str | None
    origin: Literal["config", "adopted"]
    status: Literal["open", "answered"]
    answer: str | None
    answer_source: Source | None
    evidence: tuple[Evidence, ...]
    updated: datetime | None = None


def is_interrogative(sentence: str) -> bool:
    stripped = sentence.strip().rstrip("'\"”’)")
    if not stripped.endswith("?"):
        return False
    if not MIN_WORDS <= len(_WORD.findall(stripped)) <= MAX_WORDS:
        return False
    return _QUESTION_START.match(stripped) is not None


def normalise(text: str) -> str:
    return " ".join(word.lower() for word in _WORD.findall(text))


def suggestion_id(text: str) -> str:
    return "s-" + hashlib.sha1(normalise(text).encode()).hexdigest()[:8]


def near_identical(a: str, b: str) -> bool:
    return fuzz.token_sort_ratio(normalise(a), normalise(b)) >= SUGGESTION_SIMILARITY


def group_suggestions(candidates: Iterable[tuple[str, str, Source]], excluded: Sequence[str] = (),
                      order: Sequence[str] = ()) -> list[Suggestion]:
    """Suggestions from (partnership, sentence, source) candidates, newest first.

    A sentence found in articles of several partnerships is one suggestion naming them all,
    in `order` (the config's order). `excluded` holds the texts of dismissed and adopted
    questions: candidates near-identical to any of them are dropped.
    """
    ordered = sorted(candidates, key=lambda c: (c[2].published, c[2].article_id, c[1], c[0]))
    groups: list[tuple[str, list[str], list[Source]]] = []
    normalised_excluded = [normalise(text) for text in excluded]
    rank = {p: i for i, p in enumerate(order)}
    for partnership, sentence, source in ordered:
        norm = normalise(sentence)
        if any(fuzz.token_sort_ratio(norm, other) >= SUGGESTION_SIMILARITY for other in normalised_excluded):
            continue
        for text, partnerships, sources in groups:
            if near_identical(text, sentence):
                if partnership not in partnerships:
                    partnerships.append(partnership)
                if source not in sources:
                    sources.append(source)
                break
        else:
            groups.append((sentence, [partnership], [source]))
    suggestions = [
        Suggestion(suggestion_id(text), text,
                   tuple(sorted(partnerships, key=lambda p: (rank.get(p, len(rank)), p))), tuple(sources))
        for text, partnerships, sources in groups
    ]
    suggestions.sort(key=lambda s: (max(src.published for src in s.sources), s.id), reverse=True)
    return suggestions


def terms_for(text: str) -> Terms:
    """Terms for an adopted suggestion (see the module docstring)."""
    words = [re.sub(r"['’]s$", "", word) for word in _WORD.findall(text)]
    seen: set[str] = set()
    names: list[str] = []
    others: list[str] = []
    for index, word in enumerate(words):
        key = word.lower()
        if key in _STOPWORDS or len(word) < 3 or key in seen:
            continue
        seen.add(key)
        if index > 0 and word[0].isupper():
            names.append(word)
        elif len(word) >= 5:
            others.append(word)
    others.sort(key=len, reverse=True)
    chosen = (names + others)[:3]
    return tuple((word if word[0].isupper() and len(word) <= 7 else word[:7].lower(),) for word in chosen)


def adopted_question(suggestion: Suggestion, partnership: str | None = None) -> Question:
    """The question an adopted suggestion becomes: it belongs to `partnership` when given,
    else to the first partnership whose articles ask it."""
    chosen = partnership or (suggestion.partnerships[0] if suggestion.partnerships else None)
    return Question(id=suggestion.id, text=suggestion.text, terms=terms_for(suggestion.text),
                    partnership=chosen)
