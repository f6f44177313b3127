"""A story's origin (the article the others copy) and lead (the article shown for it).

Origin heuristic:

* Credits: a member's title or text names another member's outlet in a credit phrase:
  "Source: X", "according to X", "first reported by X", "as reported by X", "X first
  reported", "(via X)", "reported by X", "citing X", "X reported". X must match the outlet
  (feed display name) of a member, compared case-insensitively without a leading "The" and
  a trailing ".com" and the like; an outlet crediting itself does not count.
* The origin is the earliest member of the outlet credited by the most members (ties: the
  earliest credited article); without a credit it is the earliest member (published, id).

  Why credits first: a content farm may publish its rewrite before an aggregator gives the
  original a date, but it names its source; and the earliest feed timestamp is what remains
  when nothing is credited. Known false positives: "according to Microsoft" credits the
  newsroom feed "Microsoft" when it is a member (it then usually is the origin indeed); a
  rewrite crediting a wire service that syndicated the original credits the wire's copy.

Lead: the origin, unless another member's body has at least `lead_length_ratio` (default 2)
times as many words: a headline-only or teaser origin is a poor thing to read when a full copy
exists. Ties go to the earlier article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tracking.normalize import clean_text

_NAME = r"([A-Z0-9][\w&.'\-]*(?:\s+(?:[A-Z0-9&][\w&.'\-]*|of|the|and|on|for))*)"
_CREDITS = [
    re.compile(r"\b(?i:source)\s*:\s*" + _NAME),
    re.compile(
        r"\b(?i:according to|first reported by|as reported by|reported by|originally reported by|"
        r"citing|via|h/t|hat tip to)\s+(?:a\s+report\s+(?:by|from|in)\s+)?" + _NAME
    ),
    re.compile(_NAME + r"\s+(?:first\s+)?(?:reported|broke the news|was first to report)\b"),
]
# Words each pattern cannot match without (in text whose spaces are folded; the first two
# patterns ignore case): most texts credit no one, and a substring test is far cheaper than a
# pattern that may start at every capitalised word.
_CUES: list[tuple[tuple[str, ...], bool]] = [
    (("source",), True),
    (("according to", "reported by", "citing", "via", "h/t", "hat tip to"), True),
    (("reported", "broke the news", "was first to report"), False),
]


# Credits are read from the earliest members only: copies of an original appear within days,
# and a story that runs for weeks would otherwise cost a regex pass over every member per poll.
CREDIT_MEMBERS = 50


@dataclass(frozen=True)
class Member:
    """What origin and lead detection need of one story member."""

    id: int
    feed: str
    title: str
    text: str
    published: datetime
    body_words: int


def _outlet_key(name: str) -> str:
    key = clean_text(name).casefold().strip(" .,;:)(")
    key = re.sub(r"\.(com|org|net|co\.uk|io|news)$", "", key)
    return key.removeprefix("www.").removeprefix("the ").strip()


def credited_outlets(member: Member, outlets: dict[str, str]) -> set[str]:
    """The member outlets (keys of `outlets`: outlet key -> display name) this member credits."""
    text = clean_text(f"{member.title}\n{member.text}")
    found: set[str] = set()
    own = _outlet_key(member.feed)
    lower = text.casefold()
    for pattern, (cues, any_case) in zip(_CREDITS, _CUES, strict=True):
        haystack = lower if any_case else text
        if not any(cue in haystack for cue in cues):
            continue
        for match in pattern.finditer(text):
            named = _outlet_key(match.group(1))
            # The phrase may run past the name ("The Decoder on Thursday"): try each prefix.
            words = named.split()
            for end in range(len(words), 0, -1):
                candidate = " ".join(words[:end])
                if candidate in outlets and candidate != own:
                    found.add(candidate)
                    break
    return found


def origin(members: Sequence[Member]) -> Member:
    ordered = sorted(members, key=lambda m: (m.published, m.id))
    outlets = {_outlet_key(m.feed): m.feed for m in ordered}
    votes: Counter[str] = Counter()
    for member in ordered[:CREDIT_MEMBERS]:
        votes.update(credited_outlets(member, outlets))
    if votes:
        top = max(votes.values())
        for member in ordered:
            if votes.get(_outlet_key(member.feed)) == top:
                return member
    return ordered[0]


def lead(members: Sequence[Member], source: Member, length_ratio: float) -> Member:
    best = source
    for member in sorted(members, key=lambda m: (m.published, m.id)):
        if (
            member.body_words >= length_ratio * max(source.body_words, 1)
            and member.body_words > best.body_words
        ):
            best = member
    return best
