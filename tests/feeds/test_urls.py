"""Link safety and canonical URLs."""

from __future__ import annotations

import pytest

from feeds.urls import canonical_url, safe_url


@pytest.mark.parametrize(
    "raw",
    ["javascript:alert(1)", "JavaScript:alert(1)", " data:text/html,<b>x</b>", "file:///etc/passwd",
     "ftp://example.com/x", "/relative/path", "", None, "http://", "java\x00script:alert(1)"],
)
def test_unsafe_links_are_dropped(raw: str | None) -> None:
    assert safe_url(raw) is None
    assert canonical_url(raw) is None


def test_safe_links_are_kept() -> None:
    assert safe_url(" https://example.com/a?b=1 ") == "https://example.com/a?b=1"


def test_tracking_parameters_are_stripped_and_query_sorted() -> None:
    url = ("HTTPS://News.Example.COM:443/story?utm_source=rss&utm_medium=feed&z=2&fbclid=abc"
           "&gclid=1&mc_cid=2&mc_eid=3&ref=tw&cmpid=x&a=1#comments")
    assert canonical_url(url) == "https://news.example.com/story?a=1&z=2"


def test_canonical_keeps_meaningful_query_and_port() -> None:
    assert canonical_url("http://example.com:8080/p?id=7") == "http://example.com:8080/p?id=7"
    assert canonical_url("http://example.com") == "http://example.com/"


def test_two_decorations_of_one_article_share_a_canonical_url() -> None:
    a = canonical_url("https://example.com/x?utm_campaign=a&id=1")
    b = canonical_url("https://EXAMPLE.com/x?id=1&utm_source=b#top")
    assert a == b
