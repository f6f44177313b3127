"""The reader pane says where an article's text came from when its feed is a full_text feed."""

from __future__ import annotations

from datetime import UTC, datetime

from store.records import Article
from tui.views import reader_text

WHEN = datetime(2026, 3, 19, 10, 0, tzinfo=UTC)


def _article(**kwargs: object) -> Article:
    base: dict[str, object] = dict(id=1, feed_id=1, feed="Wire", guid="g", url="https://x.example/a",
                                   canonical_url=None, title="Deal", text="The text.", author=None,
                                   published=WHEN, first_seen=WHEN, updated=WHEN)
    return Article(**{**base, **kwargs})  # type: ignore[arg-type]


def test_the_full_text_is_shown_and_labelled() -> None:
    shown = reader_text(_article(text="The page's full text.", teaser="Read more.")).plain
    assert "full text from the article's page" in shown and shown.endswith("The page's full text.")


def test_a_failed_page_shows_the_summary_and_why_without_markup() -> None:
    shown = reader_text(_article(text="Read more.", full_text_error="[/]\x1b[31mHTTP 404 Not Found")).plain
    assert "full text not fetched ([/][31mHTTP 404 Not Found): the feed's summary" in shown
    assert "\x1b" not in shown and shown.endswith("Read more.")


def test_an_ordinary_article_has_no_note() -> None:
    assert "full text" not in reader_text(_article()).plain
