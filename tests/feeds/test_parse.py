"""parse_feed: every dialect, the entry rules, encodings, and what is not a feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from feeds.parse import NotAFeed, parse_feed
from tests.feedserver import atom_entry, atom_feed, item, rss_feed

SEEN = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
XML = {"content-type": "application/rss+xml; charset=utf-8"}


def parse(body: bytes, headers: dict[str, str] | None = None, url: str = "https://feeds.example/f.xml"):
    return parse_feed(body, url, headers if headers is not None else XML, SEEN)


def test_rss20() -> None:
    body = rss_feed([
        item(title="Microsoft &amp; OpenAI sign", link="https://example.com/a?utm_source=rss",
             guid="g-1", date="Mon, 02 Mar 2026 09:30:00 +0100",
             description="<p>First <b>para</b></p><p>Second</p>", raw="<author>a@example.com (Ann)</author>"),
    ], title="Wire")
    feed = parse(body)
    assert feed.title == "Wire" and feed.warning is None
    (a,) = feed.articles
    assert a.guid == "g-1"
    assert a.title == "Microsoft & OpenAI sign"
    assert a.text == "First para\nSecond"
    assert a.url == "https://example.com/a?utm_source=rss"
    assert a.canonical_url == "https://example.com/a"
    assert a.published == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert a.published is not None and a.published.tzinfo is not None
    assert a.author and "Ann" in a.author
    assert len(a.content_hash) == 40


def test_atom10_prefers_full_content_and_uses_updated() -> None:
    entry = atom_entry(title="Atom title", entry_id="urn:x:1", updated="2026-03-01T10:00:00+02:00",
                       content_html="<div><p>Full text</p><script>x()</script></div>")
    feed = parse(atom_feed([entry], title="Atom Wire"), {"content-type": "application/atom+xml"})
    (a,) = feed.articles
    assert feed.title == "Atom Wire"
    assert (a.guid, a.title, a.text) == ("urn:x:1", "Atom title", "Full text")
    assert a.published == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_atom03() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
<entry><title>Old entry</title><link rel="alternate" type="text/html" href="https://example.com/old"/>
<id>tag:example.com,2026:1</id><issued>2026-03-01T10:00:00Z</issued><modified>2026-03-01T10:00:00Z</modified>
<summary>Summary text</summary></entry></feed>"""
    (a,) = parse(body, {"content-type": "application/atom+xml"}).articles
    assert (a.guid, a.url, a.text) == ("tag:example.com,2026:1", "https://example.com/old", "Summary text")
    assert a.published == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_rss10_rdf() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.com/"><title>RDF Wire</title><link>https://example.com/</link>
<description>d</description></channel>
<item rdf:about="https://example.com/r1"><title>RDF item</title><link>https://example.com/r1</link>
<description>Body one</description><dc:date>2026-02-27T18:00:00Z</dc:date><dc:creator>Bo</dc:creator></item>
</rdf:RDF>"""
    feed = parse(body, {"content-type": "application/rdf+xml"})
    (a,) = feed.articles
    assert feed.title == "RDF Wire"
    assert (a.guid, a.title, a.text, a.author) == ("https://example.com/r1", "RDF item", "Body one", "Bo")
    assert a.published == datetime(2026, 2, 27, 18, 0, tzinfo=UTC)


def test_rss091() -> None:
    body = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>https://e.com/</link>
<description>d</description><item><title>Legacy</title><link>https://e.com/l</link>
<description>Legacy body</description></item></channel></rss>"""
    (a,) = parse(body).articles
    assert (a.guid, a.title, a.published) == ("https://e.com/l", "Legacy", None)


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version: str) -> None:
    doc = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "JSON Wire",
        "items": [
            {"id": "j1", "url": "https://example.com/j1?fbclid=z", "title": "JSON item",
             "content_html": "<p>Hi <script>no()</script>there</p>",
             "date_published": "2026-03-01T10:00:00-05:00",
             "authors": [{"name": "Cy"}], "author": {"name": "Cy"}},
            {"id": 42, "content_text": "Untitled body line\nmore", "date_modified": "garbage"},
            {"id": "empty"},
            "not an object",
        ],
    }
    feed = parse(json.dumps(doc).encode(), {"content-type": "application/feed+json"})
    assert feed.title == "JSON Wire"
    first, second = feed.articles
    assert (first.guid, first.title, first.text, first.author) == ("j1", "JSON item", "Hi there", "Cy")
    assert first.canonical_url == "https://example.com/j1"
    assert first.published == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert (second.guid, second.title, second.published) == ("42", "Untitled body line", None)
    assert feed.warning and "not objects" in feed.warning


def test_json_feed_is_sniffed_without_content_type() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "a", "title": "T"}]}
    assert parse(json.dumps(doc).encode(), {"content-type": "text/plain"}).articles[0].guid == "a"


def test_json_that_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed, match="JSON that is not a JSON Feed"):
        parse(b'{"hello": 1}', {"content-type": "application/json"})
    with pytest.raises(NotAFeed, match="invalid JSON"):
        parse(b"{nope", {"content-type": "application/json"})


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"
    with pytest.raises(NotAFeed, match="not a feed: the server sent an HTML page"):
        parse(page, {"content-type": "text/html; charset=utf-8"})
    with pytest.raises(NotAFeed, match="HTML page"):
        parse(page, {"content-type": "application/xml"})


def test_garbage_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed, match="not a feed"):
        parse(b"\x00\x01 binary garbage", {"content-type": "application/octet-stream"})


def test_truncated_feed_keeps_parsed_entries_with_a_warning() -> None:
    body = rss_feed([item(title=f"Item {i}", guid=f"g{i}") for i in range(5)])
    cut = body[: body.index(b"Item 4")]
    feed = parse(cut)
    assert [a.guid for a in feed.articles][:3] == ["g0", "g1", "g2"]
    assert feed.warning and "kept" in feed.warning


def test_iso_8859_1_declared_and_sent() -> None:
    body = rss_feed([item(title="Café Zürich", description="Grüße")], encoding="iso-8859-1")
    assert "é".encode("latin-1") in body
    (a,) = parse(body, {"content-type": "application/rss+xml; charset=ISO-8859-1"}).articles
    assert (a.title, a.text) == ("Café Zürich", "Grüße")


def test_windows_1252_declared_in_xml_only() -> None:
    body = rss_feed([item(title="“Quoted” – dash €", description="x")], encoding="windows-1252")
    (a,) = parse(body, {"content-type": "application/rss+xml"}).articles
    assert a.title == "“Quoted” – dash €"


def test_declared_utf8_but_sent_cp1252_keeps_entries_with_warning() -> None:
    body = rss_feed([item(title="Ca\u00e9 caf\u00e9", description="d")]).replace(
        "Ca\u00e9 caf\u00e9".encode(), "Ca\u00e9 caf\u00e9".encode("cp1252"))
    feed = parse(body, {"content-type": "application/rss+xml; charset=utf-8"})
    assert len(feed.articles) == 1
    assert "caf" in feed.articles[0].title
    assert feed.warning is not None


def test_guid_falls_back_to_link_then_hash() -> None:
    body = rss_feed([
        item(title="With link", link="https://example.com/l1", guid=None),
        item(title="No link", link=None, guid=None, date="Mon, 02 Mar 2026 09:00:00 GMT"),
    ])
    with_link, no_link = parse(body).articles
    assert with_link.guid == "https://example.com/l1"
    assert len(no_link.guid) == 40 and no_link.url is None
    again = parse(body).articles[1]
    assert again.guid == no_link.guid, "the hash fallback must be stable across polls"


def test_shared_guid_for_different_entries_keeps_both() -> None:
    body = rss_feed([item(title="One", guid="same"), item(title="Two", guid="same"),
                     item(title="One", guid="same")])
    articles = parse(body).articles
    assert [a.title for a in articles] == ["One", "Two"]
    assert len({a.guid for a in articles}) == 2


def test_unsafe_links_are_dropped_and_relative_links_resolved() -> None:
    body = rss_feed([item(title="JS", link="javascript:alert(1)", guid="j"),
                     item(title="Data", link="data:text/html,x", guid="d"),
                     item(title="Rel", link="/2026/rel", guid="r")])
    js, data, rel = parse(body, url="https://feeds.example/sub/f.xml").articles
    assert js.url is None and js.canonical_url is None and data.url is None
    assert rel.url == "https://feeds.example/2026/rel"


def test_implausible_dates_are_absent() -> None:
    body = rss_feed([
        item(title="Future", guid="f", date="Fri, 31 Dec 9999 23:59:59 GMT"),
        item(title="Epoch", guid="e", date="Thu, 01 Jan 1970 00:00:00 GMT"),
        item(title="Tomorrow", guid="t", date="Fri, 06 Mar 2026 08:00:00 GMT"),
        item(title="None", guid="n", date=None),
        item(title="Junk", guid="j", date="not a date at all"),
    ])
    dates = {a.guid: a.published for a in parse(body).articles}
    assert dates == {"f": None, "e": None, "t": datetime(2026, 3, 6, 8, 0, tzinfo=UTC), "n": None, "j": None}


def test_entries_without_title_and_text_are_skipped_and_titles_derived() -> None:
    body = rss_feed([
        item(title="", description="", guid="empty"),
        item(title="", description="<p>Only a body that is long enough to become the title line "
             + "word " * 40 + "</p>", guid="body"),
    ])
    (a,) = parse(body).articles
    assert a.guid == "body"
    assert a.title.startswith("Only a body") and a.title.endswith("…") and len(a.title) <= 121


def test_hostile_title_is_plain_text() -> None:
    body = rss_feed([item(title="<script>alert(1)</script>[bold]Hi\x1b]0;pwn\x07 \u202eevil",
                          description="<img src=x onerror=alert(1)><p>ok</p>", guid="h")])
    (a,) = parse(body).articles
    assert "alert" not in a.title and "\x1b" not in a.title and "\u202e" not in a.title
    assert a.title.startswith("[bold]Hi")
    assert a.text == "ok"


def test_content_hash_changes_with_the_text() -> None:
    one = parse(rss_feed([item(title="T", description="v1", guid="g")])).articles[0]
    two = parse(rss_feed([item(title="T", description="v2", guid="g")])).articles[0]
    assert one.guid == two.guid and one.content_hash != two.content_hash


def test_empty_but_valid_feed_has_no_articles() -> None:
    feed = parse(rss_feed([], title="Quiet"))
    assert feed.title == "Quiet" and feed.articles == [] and feed.warning is None


def test_xml_external_entities_are_not_fetched(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>a &xxe; b</title><guid>1</guid>
<description>d</description></item></channel></rss>""".encode()
    articles = parse(body).articles
    assert all("TOPSECRET" not in a.title + a.text for a in articles)


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/plain", "application/octet-stream"])
def test_feed_served_with_a_wrong_media_type_parses_cleanly(ctype: str) -> None:
    feed = parse(rss_feed([item(title="Served oddly", guid="o")]), {"content-type": ctype})
    assert [a.title for a in feed.articles] == ["Served oddly"] and feed.warning is None
