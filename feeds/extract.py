"""An article page's HTML -> its main text, with trafilatura. Pure CPU work with no I/O.

Why trafilatura: it is the maintained extractor (boilerplate removal by tree heuristics with
justext and readability-style fallbacks) that separates the body from navigation, ads, share
bars and comment threads; we do not write our own.

Rules (why each exists):
- Only HTML is read: a PDF, an image or a JSON answer at the article's link is refused by its
  Content-Type (a missing Content-Type is tried as HTML).
- Comments and tables are left out (`include_comments=False`, `include_tables=False`) and
  precision is favoured over recall: reader comments and price tables are not the article, and
  a sentence wrongly kept would become a dated fact or question evidence.
- The body is bounded by max_bytes before it gets here (feeds/fetch.py). Malformed, binary or
  deeply nested markup makes lxml give up on the tree, which trafilatura answers with None;
  any exception it might still raise becomes NotExtracted, never a crash of the poll.
- The result is folded like feed text (feeds/text.py): control characters, bidi tricks and
  escape sequences removed, one space between words, one newline between paragraphs.
- A page whose extracted text is no longer than the feed's own text (a consent wall, a
  paywall teaser, a page of links) does not replace it: the feed's text is at least as good.

trafilatura (with lxml and its language data) takes ~0.3 s to import, so it is imported on
the first extraction only: a poll without full-text feeds never pays for it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from feeds.text import fold_lines

HTML_TYPES = ("text/html", "application/xhtml+xml")


class NotExtracted(Exception):
    """No article text could be taken from the page; the message is one line for the user."""


def extract_text(body: bytes, url: str, content_type: str = "", teaser_chars: int = 0) -> str:
    """The main text of an article page, or NotExtracted saying why there is none."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media not in HTML_TYPES:
        raise NotExtracted(f"not an HTML page (Content-Type {media[:60]})")
    try:
        raw = _trafilatura().extract(
            body, url=url, include_comments=False, include_tables=False, favor_precision=True,
            with_metadata=False, deduplicate=False,
        )
    except Exception as exc:  # noqa: BLE001 - hostile markup must fail this page only
        raise NotExtracted(f"could not extract the article text ({type(exc).__name__})") from None
    text = fold_lines(raw) if isinstance(raw, str) else ""
    if not text:
        raise NotExtracted("no article text found on the page")
    if len(text) <= teaser_chars:
        raise NotExtracted("the page's text is no longer than the feed's summary (paywall or consent page?)")
    return text


@functools.cache
def _trafilatura() -> Any:
    import trafilatura

    # Its warnings (an empty tree, a failed language guess) are ours to report, once, as the
    # page's error; with no handler Python would print them on a cron job's stderr.
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).addHandler(logging.NullHandler())
    return trafilatura
