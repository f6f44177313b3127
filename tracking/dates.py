"""Date expressions in a sentence, resolved against the article's publication date.

Rules (the heuristic, before the code):
- Recognising: our own patterns find the candidate expressions, because a free-text date
  search (dateparser's `search_dates`) also reads "may" the verb, "32% of" and bare numbers
  as dates. Recognised, in order of preference where they overlap (longest wins):
  ISO dates "2026-03-19"; "March 19, 2026", "19 March 2026", "March 19" (day);
  "early/mid/late February [2026]", "the end/beginning of February" (part of a month);
  "February 2026" (month); "in/since/by/until/... February" (month: a bare month name needs
  a preposition so "May" the verb and "March" the verb are not dates);
  "early/mid/late 2024", "mid-2024", "the end of 2024" (part of a year); "the first/second
  half of 2024" (half); "Q3", "Q3 2025", "the third quarter [of 2025]" (quarter);
  "in/since/by/... 2019" (year; a bare number is not a year); "yesterday", "today",
  "on Tuesday" (the latest Tuesday on or before publication: "said on Friday" in a Friday
  article is that day), "last Tuesday" (before publication day), "3 days ago" (day);
  "last/this/next week" (week); "last/this month" (month);
  "last/this year", "a year ago" (year).
- Resolving: dateparser does every resolution it can, with the publication date as
  RELATIVE_BASE and PREFER_DATES_FROM="past" (news mostly reports what already happened):
  full dates, month names without a year ("February" in a March 2026 article is February
  2026, "November" is November 2025), "last week", "N days ago". Our own code only adds
  what dateparser has no notion of (the part of a month or year, quarters) and weekdays,
  which dateparser reads a week early when the article was published that day. A quarter
  without a year is the one nearest to publication, past or future: companies and analysts
  speak of the quarter just reported, the current one or the next ("expects to launch in Q3"
  in May 2026 is Q3 2026; "in Q4" in January 2027 is Q4 2026).
- The result is (date, precision): `date` is the first day of the period. Parts of a month:
  early = days 1-9 (date the 1st), mid = 10-19 (the 10th), late = 20-end (the 20th), so
  "late February 2026" is 2026-02-20, precision "late-month". Parts of a year: early =
  January-April (Jan 1), mid = May-August (May 1), late = September-December (Sep 1).
  Halves start Jan 1 / Jul 1, quarters on their first day, weeks on Monday.
- Known errors: future tense is not understood for months ("will launch in November" in a
  March article resolves to the November before); "since 2019" is dated 2019 (the start of a
  state, not an event); a date expression about another subject in the same sentence is
  still taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

PRECISIONS = (
    "day", "week", "early-month", "mid-month", "late-month", "month", "quarter",
    "early-year", "mid-year", "late-year", "half", "year",
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
         r"|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
YEAR = r"(?:19[5-9]\d|20\d\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
PREP = (r"(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Tt]hrough(?:out)?|[Bb]efore|[Aa]fter"
        r"|[Oo]f|[Aa]round|[Ll]ast|[Tt]his|[Nn]ext|[Ee]arlier\s+in|[Ee]nd\s+of)")
PART = (r"(?P<part>[Ee]arly|[Mm]id|[Ll]ate|(?:the\s+)?(?:[Ee]nd|[Bb]eginning|[Ss]tart|[Mm]iddle)\s+of)")
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
ORDINAL = r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"

# (kind, regex); every regex is case-sensitive on month names so that "march" and "may"
# the verbs are left alone.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")),
    ("day", re.compile(rf"\b{MONTH}\s+{DAY}(?:,?\s+{YEAR})?(?![\d%])")),
    ("day", re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?\b")),
    ("part-month", re.compile(rf"\b{PART}[-\s]+(?P<month>{MONTH})(?:,?\s+(?P<y>{YEAR}))?\b")),
    ("month", re.compile(rf"\b{MONTH},?\s+{YEAR}\b")),
    ("month", re.compile(rf"\b{PREP}\s+(?:the\s+)?(?:month\s+of\s+)?{MONTH}\b(?!\s*\d)")),
    ("part-year", re.compile(rf"\b{PART}[-\s]+(?P<y>{YEAR})\b(?![\d%])")),
    ("half", re.compile(rf"\b(?:the\s+)?(?P<half>first|second)\s+half\s+of\s+(?P<y>{YEAR})\b")),
    ("quarter", re.compile(rf"\bQ(?P<q>[1-4])(?:\s*(?:of\s+)?(?:(?P<y>{YEAR})|'(?P<yy>\d\d)))?\b")),
    ("quarter", re.compile(rf"\b(?:the\s+)?{ORDINAL}\s+quarter(?:\s+of\s+(?P<y>{YEAR}))?\b")),
    ("year", re.compile(rf"\b{PREP}\s+(?:the\s+year\s+)?(?P<y>{YEAR})\b(?!%|[,.]\d)")),
    ("relative", re.compile(
        rf"\b(?:[Yy]esterday|[Tt]oday|(?:[Ll]ast|[Tt]his|[Nn]ext|[Ee]arlier\s+this)\s+(?:week|month|year)"
        rf"|(?:on\s+|[Ll]ast\s+)?{WEEKDAY}|(?:\d{{1,2}}|[Aa]|[Oo]ne|[Tt]wo|[Tt]hree)\s+(?:days?|weeks?|months?|years?)\s+ago)\b")),
]

_WEEKDAYS = {name: index for index, name in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}
# What each pattern of _PATTERNS needs (in order), and how to see it cheaply.
_NEEDS = ("year", "month", "month", "month", "month", "month", "year", "year", "quarter", "quarter", "year",
          "relative")
_TRIGGERS = {
    "year": re.compile(YEAR),
    "month": re.compile(r"(?=[ADFJMNOS])" + MONTH),
    "quarter": re.compile(r"Q[1-4]|quarter"),
    "relative": re.compile(r"(?i:day|week|month|year|ago)|(?=[MTWFS])" + WEEKDAY),
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_SETTINGS = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}


@dataclass(frozen=True)
class DateRef:
    """A resolved date expression: `date` is the first day of the period."""

    date: date
    precision: str
    expression: str


def find_dates(sentence: str, published: datetime | date, first_only: bool = False) -> list[DateRef]:
    """The date expressions in `sentence`, resolved against `published`, in text order
    (only the first that resolves with `first_only`)."""
    base = published.date() if isinstance(published, datetime) else published
    spans: list[tuple[int, int, str, re.Match[str]]] = []
    # Each pattern needs a month name, a year, "Q"/"quarter" or a relative word: look for
    # those once and run only the patterns that can match (most sentences need two scans).
    present = {name for name, trigger in _TRIGGERS.items() if trigger.search(sentence)}
    for (kind, pattern), needs in zip(_PATTERNS, _NEEDS, strict=True):
        if needs not in present:
            continue
        for match in pattern.finditer(sentence):
            spans.append((match.start(), match.end(), kind, match))
    # Longest first at each start; drop spans that overlap one already taken.
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    taken: list[tuple[int, int, str, re.Match[str]]] = []
    for span in spans:
        if taken and span[0] < taken[-1][1]:
            continue
        taken.append(span)
    result = []
    for _, _, kind, match in taken:
        ref = _resolve(kind, match, base)
        if ref is not None:
            result.append(ref)
            if first_only:
                break
    return result


def has_date_hint(sentence: str) -> bool:
    """A cheap pre-check: could the sentence hold a date expression at all?"""
    return _HINT.search(sentence) is not None


_HINT = re.compile(
    rf"{MONTH}|\b(?:19[5-9]\d|20\d\d)\b|\bQ[1-4]\b|quarter|[Yy]esterday|[Tt]oday|week|month|year|{WEEKDAY}|\bago\b"
)


def _resolve(kind: str, match: re.Match[str], base: date) -> DateRef | None:
    text = " ".join(match.group(0).split())
    groups = match.groupdict()
    if kind in ("iso", "day", "month", "relative"):
        return _resolve_with_dateparser(kind, text, base)
    year = int(groups["y"]) if groups.get("y") else None
    if kind == "part-month":
        part = _part(groups["part"])
        month_name = groups["month"]
        if year is None:
            resolved = _parse(month_name, base)
            if resolved is None:
                return None
            year, month = resolved.year, resolved.month
        else:
            month = _MONTHS[month_name[:3].lower()]
        day = {"early": 1, "mid": 10, "late": 20}[part]
        return DateRef(date(year, month, day), f"{part}-month", text)
    if kind == "part-year" and year is not None:
        part = _part(groups["part"])
        month = {"early": 1, "mid": 5, "late": 9}[part]
        return DateRef(date(year, month, 1), f"{part}-year", text)
    if kind == "half" and year is not None:
        return DateRef(date(year, 1 if groups["half"] == "first" else 7, 1), "half", text)
    if kind == "quarter":
        quarter = int(groups["q"]) if groups.get("q") else _ORDINALS[groups["ord"]]
        if groups.get("yy"):
            year = 2000 + int(groups["yy"])
        if year is None:
            year = _nearest_quarter_year(quarter, base)
        return DateRef(date(year, 3 * quarter - 2, 1), "quarter", text)
    if kind == "year" and year is not None:
        return DateRef(date(year, 1, 1), "year", text)
    return None


def _nearest_quarter_year(quarter: int, base: date) -> int:
    """The year whose `quarter` lies nearest to `base` (0 when `base` is inside it)."""
    def distance(year: int) -> int:
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        if start <= base < end:
            return 0
        return min(abs((start - base).days), abs((base - end).days))
    return min((base.year - 1, base.year, base.year + 1), key=distance)


def _part(word: str) -> str:
    word = word.lower()
    if word.startswith(("early", "the beginning", "beginning", "the start", "start")):
        return "early"
    if word.startswith(("mid", "the middle", "middle")):
        return "mid"
    return "late"


def _resolve_with_dateparser(kind: str, text: str, base: date) -> DateRef | None:
    expression = text
    lowered = text.lower()
    if kind == "month":
        # Keep only the month (and year): the preposition is ours, not dateparser's.
        found = re.search(rf"{MONTH}(?:,?\s+{YEAR})?", text)
        if found is None:
            return None
        text = found.group(0)
    elif kind == "relative":
        text = re.sub(r"^(?:on|earlier)\s+", "", lowered)
        weekday = _WEEKDAYS.get(text.split()[-1])
        if weekday is not None:
            # dateparser reads "Friday" in a Friday article as the Friday before; news means
            # the same day ("said on Friday"), and "last Friday" the one before.
            back = (base.weekday() - weekday) % 7
            if text.startswith("last") and back == 0:
                back = 7
            return DateRef(base - timedelta(days=back), "day", expression)
    resolved = _parse(text, base)
    if resolved is None:
        return None
    if kind in ("iso", "day"):
        return DateRef(resolved, "day", expression)
    if kind == "month":
        return DateRef(resolved.replace(day=1), "month", expression)
    if lowered.endswith("week"):
        return DateRef(resolved - timedelta(days=resolved.weekday()), "week", expression)
    if lowered.endswith("month") or re.search(r"months?\s+ago$", lowered):
        return DateRef(resolved.replace(day=1), "month", expression)
    if lowered.endswith("year") or re.search(r"years?\s+ago$", lowered):
        return DateRef(date(resolved.year, 1, 1), "year", expression)
    if re.search(r"weeks?\s+ago$", lowered):
        return DateRef(resolved - timedelta(days=resolved.weekday()), "week", expression)
    return DateRef(resolved, "day", expression)


def _parse(text: str, base: date) -> date | None:
    """dateparser's reading of `text` as of `base`, cached by text alone so that a large
    store costs one parse per distinct expression:
    - a year in the text: the base does not matter;
    - a month name without a year ("March 19", "February"): dateparser reads the month and
      day against the last day of 2000 (a leap year); the year is then the base's when that
      day is not after the base, else the year before (PREFER_DATES_FROM="past");
    - a relative expression ("3 days ago", "last month", "a year ago"): parsed against a
      fixed day, and its offset (days, months or years) applied to `base`.
    """
    if _HAS_YEAR.search(text):
        return _parse_cached(text, date(2000, 6, 15))
    if _MONTH_NAME.search(text):
        resolved = _parse_cached(text, date(2000, 12, 31))
        if resolved is None:
            return None
        year = base.year if (resolved.month, resolved.day) <= (base.month, base.day) else base.year - 1
        try:
            return resolved.replace(year=year)
        except ValueError:      # 29 February in a year without one
            return _parse_cached(text, base)
    resolved = _parse_cached(text, _REFERENCE)
    if resolved is None:
        return None
    lowered = text.lower()
    if "month" in lowered:
        back = (_REFERENCE.year * 12 + _REFERENCE.month) - (resolved.year * 12 + resolved.month)
        index = base.year * 12 + base.month - 1 - back
        return date(index // 12, index % 12 + 1, 1)
    if "year" in lowered:
        return date(base.year - (_REFERENCE.year - resolved.year), 1, 1)
    return base - (_REFERENCE - resolved)


_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH_NAME = re.compile(MONTH)
_REFERENCE = date(2001, 6, 15)


@lru_cache(maxsize=65536)
def _parse_cached(text: str, base: date) -> date | None:
    if text.lower() == "this year":
        return date(base.year, 1, 1)
    if text.lower() == "this month":
        return base.replace(day=1)
    settings = dict(_SETTINGS, RELATIVE_BASE=datetime(base.year, base.month, base.day, 12))
    parsed = dateparser.parse(text.replace(".", ""), languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None
