"""What the user configures about the domain, validated once at load (see partwatch/config.py)."""

from __future__ import annotations

from dataclasses import dataclass

# A term list: every inner group needs at least one term that matches (AND of ORs).
Terms = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Partnership:
    id: str
    name: str
    parties: dict[str, tuple[str, ...]]          # party name -> aliases


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    terms: Terms
    partnership: str | None = None


@dataclass(frozen=True)
class WatchItem:
    id: str
    title: str
    terms: Terms
    exclude: tuple[str, ...] = ()
    partnership: str | None = None


@dataclass(frozen=True)
class DedupeSettings:
    """The [dedupe] table of config.toml: every field is a key with the same name.

    The defaults are tuned in bench/dedupe_quality.py on the labelled corpora of
    ../shared/corpus; tracking/dedupe.py explains each signal and rule.
    """

    # Articles further apart than this are never the same news.
    window_days: float = 7.0
    # rapidfuzz ratio (0-100) of the normalised titles at which two titles are the same headline.
    title_same: float = 90.0
    # ... provided the title has at least this many content words ("Live updates" does not).
    min_title_words: int = 4
    # MinHash estimate of the Jaccard index of body shingles at which one body copies the other.
    body_same: float = 0.4
    # Words per body shingle.
    shingle: int = 3
    # Bodies shorter than this (in words) are not compared: the titles decide.
    min_body_words: int = 40
    # Body words (from the start) that join the title words in the content overlap.
    lede_words: int = 800
    # IDF-weighted cosine of an article's title+slug+lede words with a story's centroid at which
    # an article with a body joins a story with bodies.
    content_same: float = 0.17
    # The same over title and slug words only, for headline-only articles or stories (shared
    # words weighted as if the story's members were one document).
    title_related: float = 0.3
    # A story's centroid must be this many times closer to the article than the whole window's
    # vocabulary is (tracking/dedupe.py, rule 5-6).
    background_ratio: float = 2.5
    # ... once the window holds this many articles (fewer say little about the vocabulary).
    background_min: int = 10
    # Words used by more open stories than this are not used to find candidates.
    block_max_df: int = 50
    # The stories with the largest weighted word overlap, this many, are scored in full.
    max_candidates: int = 10
    # The lead is the origin unless another member's body is this many times longer.
    lead_length_ratio: float = 2.0
    # Words either side of a figure that make up its context (tracking/contradictions.py).
    contradiction_context: int = 8
    # Context words two figures must share to be about the same thing (dates: one).
    contradiction_shared: int = 2
