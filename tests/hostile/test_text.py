"""Untrusted text: markup, escape sequences, bidi and zero-width tricks, NULs and 100 KB lines in
feeds reach every output (CLI, TUI, Markdown and JSON exports) literally and harmlessly; feed HTML
leaves no script, style or tracking pixel; only http(s) links are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from partwatch.commands.demo import _print_articles
from partwatch.commands.tui import DeskService
from partwatch.config import load_config
from partwatch.polling import PollSummary
from store.articles import all_articles
from store.db import open_db
from tests.feedserver import FeedServer, Route, item, rss_feed
from tests.hostile.cli import UNSAFE, Cli, config_toml, make_cli
from tui.app import PartwatchApp

pytestmark = pytest.mark.timeout(60)

MARKUP = "[bold red]Markup[/] [@click=app.quit]bye[/] [link=https://evil.example]x[/link]"
ESCAPES = (
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07osc8 link\x1b]8;;\x07 \x1b]0;pwned title\x07"
    " \x1b[2J\x1b[H \x9b31mC1csi \x9d0;c1 title\x9c"
)
BIDI = "\u202eevil\u202c \u2066isolate\u2069 \u200fmark"
ZERO_WIDTH = "zero\u200bwidth\u200djoin\ufeffbom\u2060word"
NUL = "nul\x00byte"
TITLE = f"Acme and Globex {MARKUP} {ESCAPES} {BIDI} {ZERO_WIDTH} {NUL}"
LONG_LINE = "Acme and Globex " + "x" * 100_000
BODY_HTML = (
    "<p>Acme and Globex will launch the joint cloud on March 3, 2026. " + MARKUP + " " + ESCAPES + "</p>"
    "<script>alert('xss-script')</script><style>.evil{color:red-style}</style>"
    '<img src="https://track.example/pixel.gif" width="1" height="1">'
    '<iframe src="https://evil.example/frame"></iframe><noscript>noscript-text</noscript>'
    '<p onclick="steal-handler()">Visible paragraph.</p>'
    '<svg><script>alert("svg-script")</script></svg>'
)
NEVER = ("alert(", "xss-script", "red-style", "pixel.gif", "track.example", "evil.example/frame",
         "noscript-text", "steal-handler", "svg-script", "<script", "<style", "<img", "<iframe")
BAD_LINKS = ("javascript:alert(1)", "JaVaScRiPt:alert(2)", " java\tscript:alert(3)",
             "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "vbscript:msgbox")
EXTRA = """
[[partnerships]]
id = "acme-globex"
name = "Acme and Globex"
parties = { Acme = [], Globex = [] }

[[watch]]
id = "launch"
title = "Launch"
terms = [["launch", "launches"]]

[[questions]]
id = "when"
text = "When does the joint cloud launch?"
terms = [["launch"], ["cloud"]]
partnership = "acme-globex"
"""


def json_feed() -> bytes:
    items: list[dict[str, Any]] = [
        {"id": "hostile-1", "url": "https://ok.example/1", "title": TITLE, "content_html": BODY_HTML,
         "date_published": "2026-03-02T09:00:00Z", "authors": [{"name": "Mallory " + ESCAPES}]},
        {"id": "long", "url": "https://ok.example/long", "title": LONG_LINE, "content_text": LONG_LINE,
         "date_published": "2026-03-02T10:00:00Z"},
    ]
    items += [{"id": f"bad-link-{n}", "url": link, "title": f"Acme and Globex bad link {n} launch",
               "content_text": f"Bad link {n}.", "date_published": "2026-03-02T11:00:00Z"}
              for n, link in enumerate(BAD_LINKS)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Feed " + MARKUP + ESCAPES,
                       "items": items}).encode()


def rss_hostile() -> bytes:
    # In XML most C0 characters cannot appear even as references; &#27; makes the strict parser fail
    # and feedparser's loose parser take over, which must not let them through either.
    return rss_feed([
        item(title="Acme and Globex RSS [b]markup[/b] &#27;[31m", guid="rss-1",
             link="https://ok.example/r1", description=BODY_HTML),
        item(title="Acme and Globex CDATA", guid="rss-2", link="javascript:alert(4)",
             raw="<content:encoded><![CDATA[" + BODY_HTML + "]]></content:encoded>"),
    ], title="RSS " + MARKUP)


@dataclass
class Polled:
    cli: Cli
    server: FeedServer
    poll_output: str


@pytest.fixture
def polled(tmp_path: Path) -> Iterator[Polled]:
    server = FeedServer().start()
    try:
        json_url = server.add("/hostile.json", Route(body=json_feed(), content_type="application/feed+json"))
        rss_url = server.add("/hostile.xml", Route(body=rss_hostile()))
        # A failing feed whose error quotes the server: a redirect to a non-http scheme, escapes included.
        bad_url = server.add("/moved.xml", Route(location="ftp://evil.example/\x1b]0;pwned\x07\x9b31m",
                                                 status=301))
        cli = make_cli(tmp_path, config_toml([json_url, rss_url, bad_url], parse_workers=0, extra=EXTRA))
        result = cli("poll")
        assert result.exit_code == 1, result.output
        yield Polled(cli, server, result.output)
    finally:
        server.close()


def assert_harmless(output: str, *, literal: bool = True) -> None:
    found = UNSAFE.search(output)
    where = output[max(0, found.start() - 60):found.start() + 20] if found else ""
    assert found is None, f"unsafe character {found.group() if found else ''!r}: {where!r}"
    for word in NEVER:
        assert word not in output, word
    if literal:
        assert "[bold red]Markup[/]" in output


def test_stored_text_is_plain_and_links_are_http_only(polled: Polled) -> None:
    db = open_db(polled.cli.db)
    try:
        articles = list(all_articles(db))
        dump = "\n".join(db.conn.iterdump())
    finally:
        db.conn.close()
    by_guid = {a.guid: a for a in articles}
    hostile = by_guid["hostile-1"]
    assert hostile.title.startswith("Acme and Globex [bold red]Markup[/] [@click=app.quit]bye[/]")
    assert "Visible paragraph." in hostile.text and "March 3, 2026" in hostile.text
    assert "zerowidthjoinbomword" in hostile.title and "nulbyte" in hostile.title
    assert len(by_guid["long"].title) <= 1000 and len(by_guid["long"].text) >= 100_000
    for article in articles:
        assert_harmless(article.title + article.text + (article.author or ""), literal=False)
        for link in (article.url, article.canonical_url):
            assert link is None or link.startswith(("http://", "https://")), link
    assert [by_guid[f"bad-link-{n}"].url for n in range(len(BAD_LINKS))] == [None] * len(BAD_LINKS)
    assert "https://ok.example/r1" in {a.url for a in articles}
    for word in NEVER:
        assert word not in dump, word
    assert "javascript:" not in dump.lower() and "file:///etc" not in dump and "data:text" not in dump


def test_poll_output_is_harmless(polled: Polled) -> None:
    assert_harmless(polled.poll_output, literal=False)
    failed = [line for line in polled.poll_output.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "/moved.xml" in failed[0]


@pytest.mark.parametrize("args", [
    ("feeds", "list"), ("feeds", "list", "--json"), ("stories",), ("stories", "--json"), ("watch",),
    ("watch", "--json"), ("questions",), ("poll", "--force"), ("poll", "--force", "--quiet"),
    ("poll", "--force", "--json"),
], ids=lambda args: " ".join(args))
def test_cli_output_is_harmless(polled: Polled, args: tuple[str, ...]) -> None:
    result = polled.cli(*args)
    assert result.exit_code in (0, 1), result.output
    literal = args[:2] in (("feeds", "list"), ("stories",)) and "--json" not in args
    assert_harmless(result.stdout + result.stderr, literal=literal)
    if "--json" in args:
        json.loads(result.stdout)


def test_watch_and_stories_show_the_hostile_title_literally(polled: Polled) -> None:
    watch = polled.cli("watch").stdout
    stories = polled.cli("stories").stdout
    assert "[bold red]Markup[/]" in watch + stories


def test_demo_print_path_is_harmless(polled: Polled, capsys: pytest.CaptureFixture[str]) -> None:
    _print_articles(polled.cli.db, PollSummary(feeds=3), as_json=False)
    out = capsys.readouterr().out
    assert_harmless(out)
    assert "Acme and Globex [bold red]Markup[/]" in out


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_exports_escape_untrusted_text(polled: Polled, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"briefing.{fmt}"
    result = polled.cli("export", "--format", fmt, "--output", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    for word in NEVER:
        assert word not in text, word
    assert "javascript:" not in text.lower() and "file:///" not in text and "data:text" not in text
    if fmt == "json":
        data = json.loads(text)
        strings: list[str] = []
        _strings(data, strings)
        assert strings and all(not UNSAFE.search(s) for s in strings)
        assert any("[bold red]Markup[/]" in s for s in strings)
    else:
        assert_harmless(text, literal=False)
        assert "[bold red]" not in text           # Markdown: brackets are escaped
        assert "\\[bold red\\]" in text or "\\[bold red]" in text
        assert "](javascript" not in text.lower()


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item_value in value.items():
            out.append(key)
            _strings(item_value, out)
    elif isinstance(value, list):
        for element in value:
            _strings(element, out)


async def _settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    for _ in range(40):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


async def test_tui_shows_the_hostile_title_literally(polled: Polled) -> None:
    config = load_config(polled.cli.config, polled.cli.db)
    app = PartwatchApp(polled.cli.db, config, desk=DeskService(config), change_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("6")
        await _settle(pilot)
        articles = app.list_for("articles")
        shown = [row.cells[-1].plain for row in articles.rows]
        hostile = next(title for title in shown if "[bold red]Markup[/]" in title)
        assert_harmless(hostile)
        assert "[@click=app.quit]bye[/]" in hostile
        for _ in range(shown.index(hostile)):
            await pilot.press("down")
        await pilot.press("enter")
        await _settle(pilot)
        body = app.query_one("#reader-body", Static).visual
        text = body.plain if hasattr(body, "plain") else str(body)
        assert "[bold red]Markup[/]" in text
        assert_harmless(text)
        assert app.is_running                      # [@click=app.quit] did not quit
        lines = [strip.text for strip in (articles.render_line(y) for y in range(articles.size.height))]
        assert any("[bold red]Markup[/]" in line for line in lines)
        assert all(not UNSAFE.search(line) for line in lines)


