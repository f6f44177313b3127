"""A story's origin (the article the others copy) and lead (the article shown for it).

Origin heuristic:

* Credits: a member's title or text names another member's outlet in a credit phrase. The
  phrases, in three shapes (cue words in any case, the name with its capitals):

  - a label: "Source: X", "Sources - X", "(Source: X)";
  - a cue before the name: "according to X", "reported by X" (also "as", "first", "as first",
    "originally" reported by), "citing X", "via X", "h/t X", "hat tip to X", "originally
    published by/on/in X", "first appeared on/in X", "republished/reprinted from X", each
    optionally through "a report by/from/in" ("according to a report by X");
  - a verb after the name: "X first reported", "X broke the news", "X was first to report",
    "as X reported" / "as X reports" / "after X reported"; a bare "X reported" / "X reports"
    only before a clause boundary or "that", "on", "earlier", "in", ... ("X reported on
    Tuesday that", "X reports.").

  The name is a run of capitalised words (joined by "of", "the", "and", "on", "for", "&"; a
  leading lowercase "the" belongs to it) that stops at sentence punctuation, so "by The
  Decoder. The deal" names "The Decoder". Dots count only inside a word ("TechCrunch.com") or
  in initials ("U.S."). Each word loses quotes, brackets and a possessive "'s" ("The Decoder's
  report"). X must match the outlet (feed display name) of a member, compared
  case-insensitively without a leading "The" and a trailing ".com" and the like. A cue before
  the name may run past it ("The Decoder on Thursday"): the longest leading words that are an
  outlet count, unless a capitalised word other than a day or month follows them ("via
  Microsoft Teams" does not credit the outlet "Microsoft"; "CNBC's Jane Doe" and "Reuters
  Tuesday" do credit theirs). A verb after the name may have words before it: the longest
  trailing words that are an outlet count if the words before them open a sentence ("As The
  Decoder reported", "But Reuters first reported") or end in "of" ("Nate Taylor of ESPN
  reports"), so "USA Today reports" does not credit the outlet "Today". An outlet named "The"
  and one word ("The Information", "The Verge") needs its "The" in the text, so "according to
  Information from the ministry" credits no one. An outlet crediting itself does not count.
  Title and text are read apart, so a title's last word never runs into the text's first.
* The origin is the earliest member of the outlet credited by the most members (ties: the
  earliest credited article); without a credit it is the earliest member (published, id).

  Why credits first: a content farm may publish its rewrite before an aggregator gives the
  original a date, but it names its source; and the earliest feed timestamp is what remains
  when nothing is credited. Why the bare "X reported" needs a boundary after it: "Microsoft
  reported revenue of $60 billion" is news about Microsoft, not a credit to its newsroom feed.
  Known false positives: "according to Microsoft" credits the newsroom feed "Microsoft" when
  it is a member (it then usually is the origin indeed), as does "Microsoft reported that
  ..."; a rewrite crediting a wire service that syndicated the original credits the wire's
  copy; "The source: Reuters says" reads as a label. Known misses: a credit to a domain in
  lower case ("source: the-decoder.com"), "Decoder" for the outlet "The Decoder", and every
  outlet of a list but the first ("according to Reuters and The Decoder" credits Reuters).
  Speed: each shape runs only on a title or text holding one of its cue words (a substring
  test; most texts credit no one), and credits are read from the earliest `CREDIT_MEMBERS`.

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

# A capitalised word; dots only inside it ("TechCrunch.com") or as initials ("U.S."), so a
# name stops at a full stop. A name has at most 8 words: no outlet's is longer, and a bound
# keeps a text of thousands of capitalised words linear instead of quadratic.
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z0-9][\w&'\u2019\-]*(?:\.[\w&\-]+)*)"
_NAME = rf"(?P<name>(?:[Tt]he )?{_WORD}(?: (?:{_WORD}|(?:of|the|and|on|for|&)\b)){{0,7}})"
_LABEL = re.compile(r"\b(?i:sources?)\s*[:\-\u2013\u2014]\s*" + _NAME)
_CUE_BEFORE = re.compile(
    r"\b(?i:according to|(?:(?:as )?first |as |originally )?reported by|citing|via|h/t|hat tip to"
    r"|(?:originally|first) (?:published|appeared) (?:by|on|in)|republished from|reprinted from)"
    r"\s+(?:(?i:an?) (?:\w+ )?(?i:report|story|article|piece) (?i:by|from|in|on) )?" + _NAME
)
_VERB_AFTER = re.compile(
    r"(?:\b(?P<as>(?i:as|after)) )?" + _NAME + r" (?:(?P<strong>first reported|broke the news|was "
    r"(?:the )?first to report)|(?P<verb>reported|reports|has reported)(?P<boundary>\s*(?:[,.;:!?)]|$)"
    r"| (?:that|on|earlier|first|last|this|yesterday|today|in|at|late|early)\b)?)"
)
# (pattern, the name is anchored at its start, words it cannot match without, those ignore case)
_SHAPES: list[tuple[re.Pattern[str], bool, tuple[str, ...], bool]] = [
    (_LABEL, True, ("source",), True),
    (
        _CUE_BEFORE,
        True,
        ("according to", "reported by", "citing", "via", "h/t", "hat tip to", "published", "appeared",
         "republished", "reprinted"),  # fmt: skip
        True,
    ),
    (_VERB_AFTER, False, ("reported", "reports", "broke the news", "first to report"), False),
]
_POSSESSIVE = re.compile(r"['\u2019]s?$")
# Words that may open a sentence before a name that reports ("But Reuters first reported").
_OPENERS = frozenset(
    "as after and but so now also earlier later meanwhile then when while since yesterday today "
    "however still yet".split()
)
# Capitalised words that may follow a credited name without being part of it.
_DATES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)


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


def _needs_the(outlet: str) -> bool:
    """An outlet named "The" and one word: without its "The" the word is often a common one."""
    words = clean_text(outlet).casefold().split()
    return len(words) == 2 and words[0] == "the"


def _credit(name: str, from_start: bool, outlets: dict[str, str], own: str) -> str | None:
    """The outlet key a credit phrase's name stands for, if it is another member's outlet."""
    words = [w.strip("\"()[]") for w in name.split(" ")]
    spans = (
        [(0, end) for end in range(len(words), 0, -1)]
        if from_start
        else [(start, len(words)) for start in range(len(words))]
    )
    for start, end in spans:
        span = words[start:end]
        last = _POSSESSIVE.sub("", span[-1])
        key = _outlet_key(" ".join([*span[:-1], last]))
        if key not in outlets:
            continue
        if key == own:
            return None
        if _needs_the(outlets[key]) and span[0].casefold() != "the":
            continue
        if (
            start > 0
            and words[start - 1] != "of"
            and not all(w.casefold() in _OPENERS for w in words[:start])
        ):
            continue  # "USA Today reports" does not credit the outlet "Today"
        follows = words[end] if end < len(words) else ""
        if (
            from_start
            and last == span[-1]
            and follows[:1].isupper() | follows[:1].isdigit()
            and follows.casefold() not in _DATES
        ):
            continue
        return key
    return None


def credited_outlets(member: Member, outlets: dict[str, str]) -> set[str]:
    """The member outlets (keys of `outlets`: outlet key -> display name) this member credits."""
    found: set[str] = set()
    own = _outlet_key(member.feed)
    for part in (member.title, member.text):
        text = clean_text(part)
        lower = text.casefold()
        for pattern, from_start, cues, any_case in _SHAPES:
            haystack = lower if any_case else text
            if not any(cue in haystack for cue in cues):
                continue
            for match in pattern.finditer(text):
                groups = match.groupdict()
                if groups.get("verb") and not (groups["as"] or groups["boundary"] is not None):
                    continue
                key = _credit(match["name"], from_start, outlets, own)
                if key is not None:
                    found.add(key)
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
