"""Feed bytes -> plain article records. Pure CPU work with no I/O, so it can run in a process pool.

Dialects: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser (from the bytes, with the
response's Content-Type so a declared charset is honoured); JSON Feed 1.x mapped here with
`json`, because feedparser does not read it.

feedparser runs with `sanitize_html=False, resolve_relative_uris=False`: both rewrite embedded
HTML, which costs half the parse time, and we turn that HTML into plain text ourselves anyway
(feeds/text.py drops scripts, styles and images). Relative entry links are resolved against the
feed URL here.

Entry rules (why each exists):
- guid: the entry id; else its link; else sha1(title + date). Ids must be stable across polls,
  so the fallback never uses first-seen time. A guid repeated inside one document for a
  *different* entry gets a suffix derived from that entry's content, so neither entry is lost
  when the store upserts on (feed, guid); an exact repeat is dropped.
- url: only absolute http(s) links (javascript:, data:, file: dropped); canonical_url strips
  tracking parameters (feeds/urls.py).
- title and text: plain text (feeds/text.py); a missing title is taken from the first line of
  the text, so every stored article can be listed. Entries with neither are skipped.
- published: UTC from the entry's published/updated date; None when absent or implausible
  (after first_seen + 2 days, or before 1990: a year-9999 or epoch-zero date is a feed bug, not
  news), so the store falls back to the first-seen time.
- content_hash: sha1 of title + text, so the store can tell an updated entry from a re-poll.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from feeds.records import ParsedArticle
from feeds.text import fold_line, html_to_text
from feeds.urls import canonical_url, safe_url

MAX_TITLE_CHARS = 1000
MAX_GUID_CHARS = 512
MAX_AUTHOR_CHARS = 200
DERIVED_TITLE_CHARS = 120
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)
_BAD_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{6,}|[0-9]{7,});")
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)[\s>]", re.IGNORECASE)


class NotAFeed(Exception):
    """The response is not a feed we can read; the message is one line for `last_error`."""


@dataclass(frozen=True)
class ParsedFeed:
    """What one feed document yielded: its title, its articles, and a parse warning if any."""

    title: str | None
    articles: list[ParsedArticle] = field(default_factory=list)
    warning: str | None = None


def parse_feed(body: bytes, url: str, headers: Mapping[str, str], first_seen: datetime) -> ParsedFeed:
    """Parse one response body into articles; raise NotAFeed when it is not a feed at all."""
    lowered = {k.lower(): v for k, v in headers.items()}
    ctype = lowered.get("content-type", "")
    if _looks_like_json(body, ctype):
        return _parse_json_feed(body, ctype, first_seen)
    return _parse_xml_feed(body, url, ctype, first_seen)


def _looks_like_json(body: bytes, ctype: str) -> bool:
    if "json" in ctype.lower():
        return True
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b"jsonfeed.org" in body[:4096]


def _parse_xml_feed(body: bytes, url: str, ctype: str, first_seen: datetime) -> ParsedFeed:
    # No content-location: feedparser would then resolve every element against it, which costs
    # a third of the parse time; relative entry links are resolved in _Articles instead.
    if ctype and "xml" not in ctype.lower() and _FEED_START.search(body[:4096]):
        # A feed served as text/html or text/plain: feedparser would distrust the XML, fall
        # back to its slow loose parser and warn on every poll. Keep only the charset.
        ctype = "application/xml" + "".join(f";{p}" for p in ctype.split(";")[1:])
    response_headers = {"content-type": ctype} if ctype else {}
    try:
        parsed = _feedparser(body, response_headers)
    except (ValueError, OverflowError):
        # feedparser's lenient parser raises on a character reference beyond Unicode
        # (&#99999999;, found by bench/fuzz.py): those become U+FFFD and the document is read again.
        try:
            parsed = _feedparser(_BAD_CHARREF.sub(_replace_charref, body), response_headers)
        except (ValueError, OverflowError) as exc:
            raise NotAFeed(f"broken feed: {fold_line(str(exc))[:200]}") from None
    entries: list[Any] = parsed.get("entries", [])
    version: str = parsed.get("version", "") or ""
    problem = _bozo_message(parsed)
    if entries and "no element found" in str(parsed.get("bozo_exception", "")):
        # The document was cut short (expat hit the end mid-element): its last entry may be cut
        # too, and a half-written entry would be stored and shown until the next good poll.
        # The whole ones are kept; the last comes back complete with the next full document.
        entries = entries[:-1]
    if not entries:
        if not version:
            if _HTML_START.search(body[:2048]) or (
                "html" in ctype.lower() and not _FEED_START.search(body[:4096])
            ):
                raise NotAFeed("not a feed: the server sent an HTML page")
            detail = f" ({problem})" if problem else ""
            raise NotAFeed(f"not a feed: could not read the response as RSS, Atom or JSON Feed{detail}")
        if problem:
            raise NotAFeed(f"broken feed, no entries could be read: {problem}")
    feed_info: Mapping[str, Any] = parsed.get("feed", {})
    title = _feed_title(feed_info.get("title"))
    builder = _Articles(first_seen, base_url=url)
    for entry in entries:
        builder.add_feedparser_entry(entry)
    warning = None
    if problem:
        warning = f"feed has errors, kept {len(builder.articles)} entries: {problem}"
    return ParsedFeed(title=title, articles=builder.articles, warning=warning)


def _feedparser(body: bytes, response_headers: dict[str, str]) -> Any:
    # Imported on first use: a poll where every feed answers 304 never parses, and feedparser
    # is ~25 ms of its start-up. The parse processes preload it (feeds/poll.py).
    import feedparser

    return feedparser.parse(
        body, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )


def _replace_charref(match: re.Match[bytes]) -> bytes:
    digits = match.group(1)
    value = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return b"&#xFFFD;" if value > 0x10FFFF else match.group(0)


def _bozo_message(parsed: Mapping[str, Any]) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    text = fold_line(str(exc)) if exc is not None else "malformed document"
    name = type(exc).__name__ if exc is not None else ""
    if name == "CharacterEncodingOverride":
        text = f"declared encoding was wrong ({text})"
    return text[:300] or name or "malformed document"


def _parse_json_feed(body: bytes, ctype: str, first_seen: datetime) -> ParsedFeed:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAFeed(f"not a feed: the server sent invalid JSON ({fold_line(str(exc))[:200]})") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise NotAFeed("not a feed: the server sent JSON that is not a JSON Feed")
    assert isinstance(doc, dict)
    items = doc.get("items")
    warning = None
    if not isinstance(items, list):
        items = []
        warning = "JSON Feed has no items list"
    builder = _Articles(first_seen, base_url=None)
    skipped = 0
    for item in items:
        if isinstance(item, dict):
            builder.add_json_item(item)
        else:
            skipped += 1
    if skipped:
        warning = f"JSON Feed has {skipped} items that are not objects; kept {len(builder.articles)}"
    return ParsedFeed(title=_feed_title(doc.get("title")), articles=builder.articles, warning=warning)


def _feed_title(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    return html_to_text(raw).replace("\n", " ")[:MAX_TITLE_CHARS] or None


class _Articles:
    """Accumulates one document's articles, applying the entry rules of the module docstring."""

    def __init__(self, first_seen: datetime, base_url: str | None) -> None:
        self.base_url = base_url
        self.first_seen = first_seen
        self.latest = first_seen + FUTURE_SLACK
        self.articles: list[ParsedArticle] = []
        self._by_guid: dict[str, str] = {}

    def add_feedparser_entry(self, entry: dict[str, Any]) -> None:
        # dict.get, not FeedParserDict.get: its key aliasing is slow and warns about
        # updated/published fallbacks we handle here explicitly.
        get = dict.get
        body = _best_content(entry)
        date_raw = get(entry, "published") or get(entry, "updated") or ""
        parsed_date = get(entry, "published_parsed") or get(entry, "updated_parsed")
        published = None
        if parsed_date is not None:
            try:
                published = datetime.fromtimestamp(calendar.timegm(parsed_date), UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                published = None
        self._add(
            guid=_str(get(entry, "id")),
            link=_str(get(entry, "link")),
            title_raw=_str(get(entry, "title")),
            body_raw=body,
            author_raw=_str(get(entry, "author")),
            published=published,
            date_raw=_str(date_raw),
        )

    def add_json_item(self, item: Mapping[str, Any]) -> None:
        raw_id = item.get("id")
        guid = str(raw_id) if isinstance(raw_id, (str, int, float)) and raw_id != "" else ""
        body = _str(item.get("content_html")) or _str(item.get("content_text")) or _str(item.get("summary"))
        date_raw = _str(item.get("date_published")) or _str(item.get("date_modified"))
        self._add(
            guid=guid,
            link=_str(item.get("url")) or _str(item.get("external_url")),
            title_raw=_str(item.get("title")),
            body_raw=body,
            author_raw=_json_author(item),
            published=_iso_date(date_raw),
            date_raw=date_raw,
        )

    def _add(
        self,
        *,
        guid: str,
        link: str,
        title_raw: str,
        body_raw: str,
        author_raw: str,
        published: datetime | None,
        date_raw: str,
    ) -> None:
        title = fold_line(html_to_text(title_raw)) if title_raw else ""
        text = html_to_text(body_raw) if body_raw else ""
        if not title and not text:
            return
        if not title:
            title = _derive_title(text)
        title = title[:MAX_TITLE_CHARS]
        if link and self.base_url and "://" not in link[:12]:
            link = urljoin(self.base_url, link.strip())
        url = safe_url(link)
        if published is not None and not (EARLIEST <= published <= self.latest):
            published = None
        guid = fold_line(guid) or fold_line(link) or _sha1(f"{title}\n{date_raw}")
        if len(guid) > MAX_GUID_CHARS:
            guid = "sha1:" + _sha1(guid)
        content_hash = _sha1(f"{title}\n{text}")
        seen_hash = self._by_guid.get(guid)
        if seen_hash is not None:
            if seen_hash == content_hash:
                return
            guid = f"{guid[:MAX_GUID_CHARS - 14]}#dup-{content_hash[:8]}"
            if guid in self._by_guid:
                return
        self._by_guid[guid] = content_hash
        author = fold_line(author_raw)[:MAX_AUTHOR_CHARS] or None
        self.articles.append(
            ParsedArticle(
                guid=guid,
                url=url,
                canonical_url=canonical_url(url),
                title=title,
                text=text,
                author=author,
                published=published,
                content_hash=content_hash,
            )
        )


def _best_content(entry: dict[str, Any]) -> str:
    """The fullest body the entry offers: the longest `content` value, else the summary."""
    best = ""
    for item in dict.get(entry, "content") or []:
        value = dict.get(item, "value") if isinstance(item, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    return best or _str(dict.get(entry, "summary"))


def _derive_title(text: str) -> str:
    first = text.split("\n", 1)[0]
    if len(first) <= DERIVED_TITLE_CHARS:
        return first
    cut = first[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _json_author(item: Mapping[str, Any]) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        return ", ".join(name for name in names if name)
    author = item.get("author")
    if isinstance(author, dict):
        return _str(author.get("name"))
    return ""


def _iso_date(raw: str) -> datetime | None:
    """RFC 3339 as JSON Feed requires; a naive timestamp is read as UTC."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
