"""Term rules for questions and watch items: `terms` is an AND of OR-groups.

A term matches case-insensitively at the start of a word and may run on inside it, so
"exclusiv" matches "exclusivity" and "probe" matches "probes"; it never matches inside a
word ("ftc" does not match "aftcare"). Multi-word terms match with any run of whitespace
between the words. Each group is one compiled regex, so matching an article costs one scan
per group. Known false positives: a short term is a prefix of unrelated words too ("EU"
matches "Eugene"); write longer terms or use `exclude`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracking.model import Terms


def term_pattern(term: str) -> str:
    """The regex source of one term: word start, the words with flexible whitespace."""
    words = term.split()
    return r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words)


def compile_group(group: Iterable[str]) -> re.Pattern[str] | None:
    sources = [term_pattern(term) for term in group if term.strip()]
    if not sources:
        return None
    # Longest first so the reported span is the most specific term.
    sources.sort(key=len, reverse=True)
    return re.compile("|".join(sources), re.IGNORECASE)


@dataclass(frozen=True)
class TermMatcher:
    """A compiled term rule: every group must hit; any exclude term vetoes.

    `needles` hold each group's terms' first words in lower case: a group whose needles are
    all absent from the lower-cased text cannot match, which skips the regex scan for most
    articles (an exact pre-check, not a heuristic).
    """

    groups: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None = None
    needles: tuple[tuple[str, ...], ...] = ()
    exclude_needles: tuple[str, ...] = ()

    def matches(self, text: str, lowered: str | None = None) -> bool:
        """True when every group has a hit in `text` and no exclude term does. Pass
        `lowered` (text.lower()) when it is at hand, to share it between matchers."""
        if not self.groups:
            return False
        if lowered is None:
            lowered = text.lower()
        if self.exclude is not None and any(n in lowered for n in self.exclude_needles) \
                and self.exclude.search(text):
            return False
        for index, group in enumerate(self.groups):
            if index < len(self.needles) and not any(n in lowered for n in self.needles[index]):
                return False
            if not group.search(text):
                return False
        return True

    def groups_hit(self, text: str) -> int:
        return sum(1 for group in self.groups if group.search(text))

    def full_sentences(self, sentences: Sequence[str], limit: int = 3) -> list[str]:
        """The sentences (in text order, up to `limit`) that hit every group."""
        if not self.groups:
            return []
        found = [s for s in sentences if all(group.search(s) for group in self.groups)]
        return found[:limit]

    def best_sentences(self, sentences: Sequence[str], limit: int = 3) -> list[str]:
        """The sentences that show why an article matched.

        Sentences that hit every group come first (up to `limit`, in text order); when no
        single sentence does (the groups are spread over the article), the sentences that hit
        the most groups stand in, so the evidence is never empty for a matching article.
        """
        scored = [(self.groups_hit(sentence), index) for index, sentence in enumerate(sentences)]
        full = [index for hits, index in scored if hits == len(self.groups)]
        if full:
            return [sentences[index] for index in full[:limit]]
        best = max((hits for hits, _ in scored), default=0)
        if best == 0:
            return []
        return [sentences[index] for hits, index in scored if hits == best][:limit]


def _needles(group: Iterable[str]) -> tuple[str, ...]:
    return tuple({term.split()[0].lower() for term in group if term.strip()})


def compile_terms(terms: Terms, exclude: Iterable[str] = ()) -> TermMatcher:
    kept = [group for group in terms if any(term.strip() for term in group)]
    groups = tuple(pattern for pattern in (compile_group(group) for group in kept) if pattern is not None)
    return TermMatcher(groups=groups, exclude=compile_group(exclude),
                       needles=tuple(_needles(group) for group in kept), exclude_needles=_needles(exclude))
