"""Small builders for store tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from feeds.records import ParsedArticle
from store import db as store_db
from store.schema import MIGRATIONS

NOW = datetime(2026, 3, 19, 12, 0, tzinfo=UTC)


def article(guid: str, title: str = "OpenAI's AWS deal", text: str = "Azure exclusivity",
            published: datetime | None = NOW) -> ParsedArticle:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return ParsedArticle(guid=guid, url=f"https://example.com/{guid}", canonical_url=f"https://example.com/{guid}",
                         title=title, text=text, author=None, published=published, content_hash=digest)


@contextmanager
def schema_at(version: int) -> Iterator[None]:
    """Within it, open_db creates (or migrates to) schema `version` only, as the partwatch of
    that version did: for the tests that upgrade an older database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_db, "MIGRATIONS", [m for m in MIGRATIONS if m[0] <= version])
        yield
