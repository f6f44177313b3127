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
    """The [dedupe] table; the defaults are tuned in bench/dedupe_quality.py."""

    window_days: float = 7.0
