"""Watch items: which articles are hits, and the state of each item.

An article is a hit for a watch item when its title and text together match the item's
terms and none of its exclude terms (tracking/terms.py), and, when the item names a
partnership, the article concerns that partnership (so an FTC probe of someone else does not
light up the Microsoft-OpenAI item). The hit keeps the sentence that best shows the match
(the title counts as a sentence), the article and the time it was found.

State: "quiet" (no hits), "new" (some hit not yet seen by the user), "seen" (all seen).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Literal

from store.desk_records import Hit
from tracking.model import WatchItem
from tracking.terms import TermMatcher, compile_terms

WatchState = Literal["quiet", "new", "seen"]


def item_state(hits: Iterable[Hit]) -> WatchState:
    state: WatchState = "quiet"
    for hit in hits:
        if not hit.seen:
            return "new"
        state = "seen"
    return state


class WatchMatcher:
    """The configured watch items, compiled once."""

    def __init__(self, items: Iterable[WatchItem]) -> None:
        self.items = list(items)
        self._matchers: list[tuple[WatchItem, TermMatcher]] = [
            (item, compile_terms(item.terms, item.exclude)) for item in self.items
        ]

    def match(self, title: str, text: str, partnerships: Collection[str],
              sentences: Callable[[], Sequence[str]], lowered: str | None = None) -> list[tuple[str, str]]:
        """(item id, sentence) for each item the article is a hit for. `sentences` is called
        only when some item matches, since splitting is the expensive part; `lowered` is the
        lower-cased title and text when the caller has it."""
        hits: list[tuple[str, str]] = []
        whole = f"{title}\n{text}"
        lowered = lowered if lowered is not None else whole.lower()
        split: Sequence[str] | None = None
        for item, matcher in self._matchers:
            if item.partnership is not None and item.partnership not in partnerships:
                continue
            if not matcher.matches(whole, lowered):
                continue
            if split is None:
                split = [title, *sentences()]
            best = matcher.best_sentences(split, limit=1)
            hits.append((item.id, best[0] if best else title))
        return hits
