"""Property test: any feed document, valid or mutated, in any encoding, goes through
parse_feed -> store_articles without an exception, and every stored article has a non-empty
guid, a title, a valid UTC date, no control characters and only http(s) links.

A bounded budget here (a few seconds); bench/fuzz.py runs the same property for longer.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.hostile.strategies import check_parse_to_store, feed_documents

pytestmark = pytest.mark.timeout(60)


@settings(max_examples=50, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(feed_documents())
def test_any_feed_document_parses_and_stores_sanely(document: tuple[bytes, str]) -> None:
    body, ctype = document
    check_parse_to_store(body, ctype)


def test_the_property_sees_real_articles() -> None:
    # Guard against a strategy that only ever produces unreadable documents.
    from tests.feedserver import item, rss_feed

    assert check_parse_to_store(rss_feed([item(title="One", guid="1"), item(title="Two", guid="2")]),
                                "application/rss+xml") == 2
