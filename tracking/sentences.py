"""Split article text into sentences, without a language model.

Rule: a sentence ends at `.`, `!` or `?` (plus any closing quotes or brackets) followed by
whitespace and an upper-case letter, a digit or an opening quote; or at a line break.
Not an end: a full stop after a known abbreviation ("Mr.", "Inc.", "U.S.", "e.g."), after a
single capital initial ("J. Smith"), or inside a number ("3.5"). Why this and not a model:
sentences here only carry dates, terms and questions, so a wrong split costs one fact at
most, while an NLP download would make the cron path heavy. Known misses: an abbreviation
not in the list at a sentence end merges two sentences; a sentence starting in lower case
after a full stop is not split.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co corp llc plc no nos jan feb mar apr
    jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m approx est dept gov gen sen rep
    fig al ca""".split()
)

_BOUNDARY = re.compile(r"""([.!?…]+['"”’)\]]*)(\s+)(?=['"“‘(\[]?[A-Z0-9])|\n\s*""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, in order; empty strings never appear."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) is not None:
            punct = match.group(1)
            if punct.startswith(".") and len(punct.rstrip("'\"”’)]")) == 1:
                before = _WORD_BEFORE.search(text, start, match.start())
                if before is not None and _is_abbreviation(before.group(1)):
                    continue
            end = match.end(1)
        else:
            end = match.start()
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower().rstrip(".")
    if lowered in ABBREVIATIONS:
        return True
    # A single capital initial: "J. Smith", "Sam A. Altman".
    return len(word) == 1 and word.isupper()
