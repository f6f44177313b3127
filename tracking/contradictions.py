"""Figures that disagree between the members of one story.

Heuristic:

* Figures are read sentence by sentence from each member's title and text, in four kinds:
  **money** ("$50 billion", "€2bn", "USD 10 million": a currency and an amount, scaled),
  **percent** ("50%", "32 percent"), **date** ("late February", "mid-2024", "March 19, 2026",
  "Q3 2025", "in 2024": resolved to a time interval, a missing year taken from the article's
  publication) and **number** (a count followed by its noun, "27 hurt", "1,200 jobs").
* Each figure keeps its context: the content words of its sentence within `contradiction_context`
  (default 8) words of
  it (stemmed, figures themselves excluded).
* Two figures of one kind from two members contradict when their contexts share at least
  `contradiction_shared` words (default 2; one for dates, whose sentences are short: "signed in
  mid-2024"; they
  speak of the same thing), their values disagree (money and plain
  numbers: more than 1 % apart; percentages: different values; dates: disjoint intervals, so
  "late February" and "February 27" agree, "late February" and "mid-2024" do not) and neither
  member also states the other's value (an article giving "AWS 32%, Azure 23%" beside
  another giving the same two is not a contradiction). For numbers the nouns must be equal.
* Paraphrase is not a contradiction: words are never compared, only figures, and a figure
  with the same value in other words ("$50bn" / "50 billion dollars") agrees.

Known false positives: two different quantities in one context ("revenue rose 50% ... profit
rose 300%" spread over two copies that each kept only one of them); a correction published
as an update. Known false negatives: figures in words ("fifty billion"), relative dates
("last week"), and a contradicting figure whose sentence shares no context words.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tracking.normalize import clean_text, tokens

_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_SCALE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,
}
_CURRENCY = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "dollars": "USD",
    "euros": "EUR",
    "pounds": "GBP",
}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_MONEY = re.compile(
    r"(?P<cur>US\$|\$|€|£|¥|\bUSD\s?|\bEUR\s?|\bGBP\s?)"
    + _NUM.replace("(", "(?P<num>", 1)
    + r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|mln|bln|tn|[kmbt])\b)?"
    + r"|"
    + _NUM.replace("(", "(?P<num2>", 1)
    + r"\s?(?P<scale2>thousand|million|billion|trillion|bn)?\s(?P<cur2>dollars|euros|pounds)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(_NUM + r"\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)
_QUAL = r"(early|mid|late|end of|start of|beginning of)"
_DATES = [
    ("qual_year", re.compile(r"\b" + _QUAL + r"[\s-]+(?:of\s+)?((?:19|20)\d{2})\b", re.IGNORECASE)),
    (
        "qual_month",
        re.compile(r"\b" + _QUAL + r"[\s-]+" + _MONTH + r"(?:,?\s+((?:19|20)\d{2}))?\b", re.IGNORECASE),
    ),
    ("month_day", re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+((?:19|20)\d{2}))?\b")),
    ("day_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+((?:19|20)\d{2}))?\b")),
    ("month_year", re.compile(r"\b" + _MONTH + r"\s+((?:19|20)\d{2})\b")),
    (
        "quarter",
        re.compile(
            r"\b(?:Q([1-4])|(first|second|third|fourth)[\s-]quarter)(?:\s+(?:of\s+)?((?:19|20)\d{2}))?\b",
            re.IGNORECASE,
        ),
    ),
    ("year", re.compile(r"\bin\s+((?:19|20)\d{2})\b")),
]
# The date patterns that can match without a digit ("late February", "third quarter").
_WORD_DATES = [(kind, pattern) for kind, pattern in _DATES if kind in ("qual_month", "quarter")]
_DIGIT = re.compile(r"\d")
_COUNT = re.compile(_NUM + r"\s+([a-z][a-z-]{2,})\b")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[$€£])|\n+")
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass(frozen=True)
class Figure:
    kind: str  # money | percent | date | number
    value: str  # as written
    norm: tuple[object, ...]  # comparable value (see _disagree)
    context: frozenset[str]
    sentence: str


@dataclass(frozen=True)
class Side:
    value: str
    article_id: int
    feed: str
    url: str | None
    sentence: str


@dataclass(frozen=True)
class Contradiction:
    kind: str
    values: tuple[Side, ...]


@dataclass(frozen=True)
class Source:
    """One story member as contradiction finding needs it."""

    id: int
    feed: str
    url: str | None
    title: str
    text: str
    published: datetime


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(clean_text_keep_lines(text)) if s and s.strip()]


def clean_text_keep_lines(text: str) -> str:
    return "\n".join(clean_text(line) for line in text.splitlines())


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _interval(kind: str, m: re.Match[str], year: int) -> tuple[float, float] | None:
    """The time interval (POSIX seconds) a date expression stands for."""
    g = m.groups()

    def span(y: int, m1: int, d1: int, m2: int, d2: int) -> tuple[float, float]:
        start = datetime(y, m1, d1, tzinfo=UTC).timestamp()
        end = datetime(y, m2, min(d2, calendar.monthrange(y, m2)[1]), 23, 59, tzinfo=UTC).timestamp()
        return start, end

    thirds = {"early": 0, "start of": 0, "beginning of": 0, "mid": 1, "late": 2, "end of": 2}
    try:
        if kind == "qual_year":
            third = thirds[g[0].casefold()]
            y = int(g[1])
            return span(y, 1 + 4 * third, 1, 4 + 4 * third, 31)
        if kind == "qual_month":
            third = thirds[g[0].casefold()]
            month = _MONTHS[g[1].casefold()]
            y = int(g[2]) if g[2] else year
            return span(y, month, 1 + 10 * third, month, 10 + 10 * third if third < 2 else 31)
        if kind == "month_day":
            month, day = _MONTHS[g[0].casefold()], int(g[1])
            y = int(g[2]) if g[2] else year
            return span(y, month, day, month, day)
        if kind == "day_month":
            day, month = int(g[0]), _MONTHS[g[1].casefold()]
            y = int(g[2]) if g[2] else year
            return span(y, month, day, month, day)
        if kind == "month_year":
            month = _MONTHS[g[0].casefold()]
            return span(int(g[1]), month, 1, month, 31)
        if kind == "quarter":
            q = int(g[0]) if g[0] else _ORDINAL[g[1].casefold()]
            y = int(g[2]) if g[2] else year
            return span(y, 3 * q - 2, 1, 3 * q, 31)
        if kind == "year":
            return span(int(g[0]), 1, 1, 12, 31)
    except (ValueError, KeyError):
        return None
    return None


def _context(sentence: str, start: int, end: int, width: int) -> frozenset[str]:
    before = tokens(sentence[:start])[-width:]
    after = tokens(sentence[end:])[:width]
    return frozenset(w for w in before + after if not any(c.isdigit() for c in w))


def figures(source: Source, width: int = 8) -> list[Figure]:
    """Every figure stated in the member's title and text."""
    found: list[Figure] = []
    for sentence in [clean_text(source.title), *sentences(source.text)]:
        found += _sentence_figures(sentence, source.published.year, width)
    return found


def _sentence_figures(sentence: str, year: int, width: int) -> list[Figure]:
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= x or span[0] >= y for x, y in taken)

    def add(kind: str, m: re.Match[str], norm: tuple[object, ...]) -> None:
        taken.append(m.span())
        found.append(Figure(kind, m.group(0).strip(), norm, _context(sentence, *m.span(), width), sentence))

    if _DIGIT.search(sentence) is None:
        # Most sentences hold no digit: then only the dates in words can match.
        for kind, pattern in _WORD_DATES:
            for m in pattern.finditer(sentence):
                if free(m.span()):
                    interval = _interval(kind, m, year)
                    if interval is not None:
                        add("date", m, interval)
        return found
    for m in _MONEY.finditer(sentence):
        cur = (m.group("cur") or m.group("cur2") or "").strip().casefold()
        num = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").casefold()
        add("money", m, (_CURRENCY.get(cur, cur), _number(num) * _SCALE.get(scale, 1.0)))
    for m in _PERCENT.finditer(sentence):
        if free(m.span()):
            add("percent", m, (_number(m.group(1)),))
    for kind, pattern in _DATES:
        for m in pattern.finditer(sentence):
            if free(m.span()):
                interval = _interval(kind, m, year)
                if interval is not None:
                    add("date", m, interval)
    for m in _COUNT.finditer(sentence):
        if free(m.span()) and not (1900 <= _number(m.group(1)) <= 2100):
            noun = tokens(m.group(2))
            if noun:
                add("number", m, (_number(m.group(1)), noun[0]))
    return found


def _disagree(a: Figure, b: Figure) -> bool:
    if a.kind == "date":
        s1, e1 = (float(x) for x in a.norm)  # type: ignore[arg-type]
        s2, e2 = (float(x) for x in b.norm)  # type: ignore[arg-type]
        return e1 < s2 or e2 < s1
    if a.kind == "money":
        if a.norm[0] != b.norm[0]:
            return False
        return _far(float(a.norm[1]), float(b.norm[1]))  # type: ignore[arg-type]
    if a.kind == "number":
        return a.norm[1] == b.norm[1] and _far(float(a.norm[0]), float(b.norm[0]))  # type: ignore[arg-type]
    return a.norm != b.norm


def _far(x: float, y: float) -> bool:
    return abs(x - y) > 0.01 * max(abs(x), abs(y))


def _states(figs: Sequence[Figure], other: Figure) -> bool:
    return any(f.kind == other.kind and not _disagree(f, other) for f in figs)


def find(
    members: Sequence[Source], max_members: int = 30, context: int = 8, shared: int = 2
) -> list[Contradiction]:
    """Contradictions between members (ordered by published; the first `max_members` compared)."""
    ordered = sorted(members, key=lambda m: (m.published, m.id))[:max_members]
    figs = {m.id: figures(m, context) for m in ordered}
    groups: dict[tuple[str, object, object], list[Side]] = {}
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            for fa in figs[first.id]:
                for fb in figs[second.id]:
                    if fa.kind != fb.kind or len(fa.context & fb.context) < (
                        1 if fa.kind == "date" else shared
                    ):
                        continue
                    if not _disagree(fa, fb):
                        continue
                    if _states(figs[second.id], fa) or _states(figs[first.id], fb):
                        continue
                    key = (fa.kind, fa.norm, fb.norm)
                    if (fa.kind, fb.norm, fa.norm) in groups:
                        key = (fa.kind, fb.norm, fa.norm)
                    sides = groups.setdefault(key, [])
                    for fig, member in ((fa, first), (fb, second)):
                        if not any(s.article_id == member.id and s.value == fig.value for s in sides):
                            sides.append(Side(fig.value, member.id, member.feed, member.url, fig.sentence))
    return [Contradiction(kind, tuple(sides)) for (kind, _, _), sides in groups.items()]
