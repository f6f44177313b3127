"""feeds.extract: the article body out of a real-looking page; hostile markup never crashes."""

from __future__ import annotations

import pytest

from feeds.extract import NotExtracted, extract_text
from tests.feeds.article_pages import (
    AD_TEXT,
    BODY_SENTENCES,
    COMMENT_TEXT,
    NAV_TEXT,
    RELATED_TEXT,
    article_page,
)

URL = "https://news.example/2026/03/aws-deal"


def test_body_sentences_are_extracted_and_the_boilerplate_is_not() -> None:
    text = extract_text(article_page(), URL, "text/html; charset=utf-8")
    for sentence in BODY_SENTENCES:
        assert sentence in text
    for noise in (NAV_TEXT, AD_TEXT, COMMENT_TEXT, RELATED_TEXT, "cookies", "Share on", "Copyright"):
        assert noise not in text


def test_control_characters_and_escape_sequences_are_removed() -> None:
    page = article_page((BODY_SENTENCES[0] + " \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 "
                         "\u202eevil\u202c \x1b[31mred\x1b[0m", *BODY_SENTENCES[1:]))
    text = extract_text(page, URL, "text/html")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert BODY_SENTENCES[1] in text


def test_a_page_no_longer_than_the_teaser_keeps_the_teaser() -> None:
    with pytest.raises(NotExtracted, match="no longer than the feed's summary"):
        extract_text(article_page(), URL, "text/html", teaser_chars=100_000)


def test_a_page_that_is_not_html_is_refused() -> None:
    with pytest.raises(NotExtracted, match=r"not an HTML page \(Content-Type application/pdf\)"):
        extract_text(b"%PDF-1.7 ...", URL, "application/pdf")


@pytest.mark.parametrize("body", [
    b"",
    bytes(range(256)) * 400,                                             # binary
    b"<html><body>" + b"<div>" * 100_000 + b"<p>deep</p>",              # deeply nested, unclosed
    b"<table>" * 50_000 + b"hi",
    b"<p>unclosed <b><i><table><tr><td>x</p></div></span><p>\x00 &#99999999; &#xD800;",
    b"<html><body><p>" + b"\xff\xfe\xfa" * 10_000 + b"</p></body></html>",  # not any encoding
], ids=["empty", "binary", "deep", "tables", "malformed", "bad-bytes"])
def test_hostile_markup_fails_the_page_or_yields_clean_text(body: bytes) -> None:
    try:
        text = extract_text(body, URL, "")
    except NotExtracted as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert "\x00" not in text and "\ud800" not in text


def test_a_large_page_is_extracted_whole() -> None:
    sentences = tuple(f"Paragraph {i} says that Azure and AWS compete for OpenAI workloads in 2026."
                      for i in range(3000))
    text = extract_text(article_page(sentences), URL, "text/html")
    assert "Paragraph 2999 says" in text and COMMENT_TEXT not in text


def test_an_exception_inside_the_extractor_fails_the_page_only(monkeypatch: pytest.MonkeyPatch) -> None:
    class Exploding:
        @staticmethod
        def extract(*args: object, **kwargs: object) -> str:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("feeds.extract._trafilatura", lambda: Exploding)
    with pytest.raises(NotExtracted, match=r"could not extract the article text \(RecursionError\)"):
        extract_text(article_page(), URL, "text/html")
