"""Timestamps as stored: fixed-width ISO 8601 UTC text, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_db(moment: datetime) -> str:
    """Naive datetimes are taken to be UTC already; everything else is converted."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(FORMAT)


def from_db(text: str) -> datetime:
    """fromisoformat reads the 'Z' suffix as UTC and is ~20x faster than strptime, which
    matters when a list view or a rebuild turns 100k rows into records."""
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
