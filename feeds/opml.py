"""OPML import and export, the format every feed reader trades subscriptions in.

Import walks every <outline> with an xmlUrl attribute, at any depth (readers nest outlines
in folders), and keeps the first occurrence of each URL. The file is untrusted: a DOCTYPE is
refused before parsing, which rules out entity-expansion bombs ("billion laughs") and external
entities whatever the XML parser would do with them; ElementTree itself never fetches
anything. Export writes OPML 2.0 with one flat list of outlines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_BYTES = 10_000_000


class OpmlError(ValueError):
    """The file is not usable OPML; the message says why in one line."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None = None


_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The http(s) feeds listed in an OPML document, in document order, without repeats."""
    if len(data) > MAX_BYTES:
        raise OpmlError(f"larger than {MAX_BYTES // 1_000_000} MB; not an OPML subscription list")
    if _DOCTYPE.search(data):
        raise OpmlError("contains a DOCTYPE or ENTITY declaration, which partwatch refuses for safety; "
                        "remove it and retry")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not well-formed XML ({exc})") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"the root element is <{root.tag}>, not <opml>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen or urlsplit(url).scheme.lower() not in ("http", "https"):
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        feeds.append(OpmlFeed(url=url, title=title))
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], title: str = "partwatch feeds") -> bytes:
    """An OPML 2.0 document listing `feeds`."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
