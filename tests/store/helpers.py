"""Small builders for store tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from feeds.records import ParsedArticle

NOW = datetime(2026, 3, 19, 12, 0, tzinfo=UTC)


def article(guid: str, title: str = "OpenAI's AWS deal", text: str = "Azure exclusivity",
            published: datetime | None = NOW) -> ParsedArticle:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return ParsedArticle(guid=guid, url=f"https://example.com/{guid}", canonical_url=f"https://example.com/{guid}",
                         title=title, text=text, author=None, published=published, content_hash=digest)
