"""The dashboard's lists and panes as data: loaders that read one page through store/ and tracking/
(they run in thread workers, each with its thread's own connection) and the rows they draw.

Every string that came from a feed goes through tui.text (controls stripped, never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from store import reading
from store.feeds import list_feeds
from store.search import search
from tui.text import clean, clean_line, day, line, minute
from tui.widgets.lazylist import Column, Loader, Page, Row

ARTICLE_COLUMNS = [Column("", 1), Column("Published", 10), Column("Outlet", 16), Column("Title")]
FEED_COLUMNS = [Column("Feed", 22), Column("Status", 12), Column("Last poll", 16), Column("Fails", 5, "right"),
                Column("Articles", 8, "right"), Column("Last error")]


@dataclass(frozen=True)
class ArticleRef:
    """A row that stands for an article (the reader pane shows it; Enter opens it)."""

    article_id: int
    url: str | None


def article_row(item: reading.ArticleLine) -> Row:
    marker = Text(" " if item.read else "●", style="bold")
    return Row(key=("article", item.id),
               cells=(marker, Text(day(item.published)), line(item.feed), line(item.title)),
               data=ArticleRef(item.id, item.url), dim=item.read)


def articles_loader(partnership: str | None) -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        last = None
        if after is not None:
            ref = after.data
            assert isinstance(ref, ArticleRef)
            found = reading.article_lines(db, [ref.article_id])
            last = found[0] if found else None
        items = reading.article_page(db, after=last, limit=limit, partnership=partnership)
        total = reading.counts(db, partnership).articles if after is None else None
        return Page(rows=[article_row(i) for i in items], more=len(items) == limit, total=total)
    return load


def feeds_loader() -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        rows = []
        for feed in list_feeds(db):
            status = "gone" if feed.gone else (feed.last_status or "not polled")
            style = {"ok": "green", "not_modified": "green", "failed": "red", "gone": "red"}.get(status, "")
            rows.append(Row(key=("feed", feed.id), cells=(
                line(feed.display_name), Text(status, style=style), Text(minute(feed.last_polled)),
                Text(str(feed.failures)), Text(f"{feed.articles:,}"),
                line(feed.last_error or feed.warning or ""),
            ), data=feed))
        return Page(rows=rows, more=False, total=len(rows))
    return load


def reader_text(article: Any) -> Text:
    """The reader pane for one stored article: title, outlet, time, link, then the plain text."""
    out = Text()
    out.append(clean_line(article.title) or "(untitled)", style="bold")
    out.append("\n")
    out.append(clean_line(article.feed), style="italic")
    out.append(f" · {minute(article.published)} UTC")
    if article.author:
        out.append(" · " + clean_line(article.author))
    out.append("\n")
    if article.url:
        out.append(clean_line(article.url), style="underline")
        out.append("\n")
    out.append("\n")
    out.append(clean(article.text) or "(no text in the feed)")
    return out


def message_text(title: str, body: str) -> Text:
    out = Text()
    out.append(title, style="bold")
    out.append("\n\n")
    out.append(body)
    return out


RowsBuilder = Callable[[Any], list[Row]]


# ---- stories and timeline (filled in from store/stories.py and tracking/timeline.py) -------------
TIMELINE_COLUMNS = [Column("", 1), Column("Date", 13), Column("Kind", 5), Column("What happened"),
                    Column("Source", 16), Column("Copies", 6, "right")]
STORY_COLUMNS = [Column("", 1), Column("Date", 10), Column("Lead title"), Column("Origin", 16),
                 Column("Outlets", 7, "right"), Column("Contra", 6, "right")]
QUESTION_COLUMNS = [Column("Status", 10), Column("Question"), Column("Evidence", 8, "right")]
WATCH_COLUMNS = [Column("State", 6), Column("Watch item"), Column("Hits", 5, "right"), Column("Latest", 10)]


@dataclass(frozen=True)
class StoryRef:
    story_id: int
    lead_article: int | None
    url: str | None


def story_of(row: Row) -> int | None:
    return row.data.story_id if isinstance(row.data, StoryRef) else None


def as_read(row: Row) -> Row:
    cells = (Text(" "),) + row.cells[1:] if isinstance(row.data, ArticleRef) else row.cells
    return Row(key=row.key, cells=cells, data=row.data, dim=True, marked=row.marked)


def row_title(row: Row) -> str:
    return max((c.plain for c in row.cells), key=len)


def empty_loader() -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        return Page(rows=[], more=False, total=0)
    return load


def timeline_loader(partnership: str | None, config: Any, clock: Callable[[], Any]) -> Loader:
    return empty_loader()


def stories_loader(partnership: str | None) -> Loader:
    return empty_loader()


def questions_loader(partnership: str | None, config: Any) -> Loader:
    return empty_loader()


def watch_loader(partnership: str | None, config: Any) -> Loader:
    return empty_loader()


SEARCH_LIMIT = 500


def search_loader(query: str, partnership: str | None) -> Loader:
    """The best `SEARCH_LIMIT` matches over every article (bm25 order, so one page, no keyset)."""
    def load(db: Any, after: Row | None, limit: int) -> Page:
        found = search(db, query, SEARCH_LIMIT)
        rows = [article_row(reading.ArticleLine(a.id, a.feed, a.title, a.published, a.url, a.read))
                for a in found]
        return Page(rows=rows, more=False, total=len(rows))
    return load


def partnership_news(db: Any, partnership: str, config: Any) -> tuple[int, int]:
    """(new stories, new watch hits) for the picker."""
    return 0, 0


def dashboard_extra(db: Any, config: Any) -> dict[str, Any]:
    return {}


def action_applies(action: str, row: Row | None) -> bool:
    return row is not None


def reader_for(db: Any, row: Row, config: Any) -> tuple[Text, str | None, int | None]:
    """What the reader pane shows for a row: (text, link, the article it shows if any)."""
    data = row.data
    if isinstance(data, ArticleRef):
        found = reading.article(db, data.article_id)
        if found is None:
            return message_text("Gone", "This article is no longer in the database."), None, None
        return reader_text(found), found.url, found.id
    if isinstance(data, StoryRef) and data.lead_article is not None:
        found = reading.article(db, data.lead_article)
        if found is not None:
            return reader_text(found), found.url, found.id
    if hasattr(data, "url") and hasattr(data, "last_error"):        # a Feed
        return feed_text(data), data.url, None
    return Text(row_title(row)), None, None


def feed_text(feed: Any) -> Text:
    out = Text()
    out.append(clean_line(feed.display_name), style="bold")
    out.append("\n" + clean_line(feed.url) + "\n\n")
    out.append(f"status: {feed.last_status or 'not polled yet'}")
    if feed.http_status:
        out.append(f" (HTTP {feed.http_status})")
    out.append(f"\nlast poll: {minute(feed.last_polled)}\nnext due: {minute(feed.next_due)}")
    out.append(f"\nfailures in a row: {feed.failures}\narticles: {feed.articles:,}")
    if feed.last_error:
        out.append("\n\nlast error: ", style="bold red")
        out.append(clean_line(feed.last_error))
    if feed.warning:
        out.append("\n\nwarning: ", style="bold yellow")
        out.append(clean_line(feed.warning))
    return out


def first_run_text() -> Text:
    out = Text()
    out.append("Welcome to partwatch\n\n", style="bold")
    out.append("The database is empty: no feeds, no articles yet.\n\n")
    out.append("To watch your own feeds:\n", style="bold")
    out.append("  • list them in config.toml under [[feeds]] (url = \"https://…\"), or\n")
    out.append("  • run `partwatch feeds add URL` in a shell,\n")
    out.append("  then press r here to poll them (or run `partwatch poll`, e.g. from cron).\n\n")
    out.append("Just looking?\n", style="bold")
    out.append("  Run `partwatch demo`: bundled sample feeds about Microsoft, OpenAI and AWS, offline.\n\n")
    out.append("Press ? for the keys, ctrl+p for every action, q to quit.", style="dim")
    return out


def _unused(*_: Any) -> None:
    """Placeholders for writes the desk does not offer yet."""


def answer_question(db: Any, now: Any, config: Any, row: Row, text: str, article: int | None) -> str | None:
    return "Answering questions arrives with the desk."


def reopen_question(db: Any, now: Any, config: Any, row: Row) -> str | None:
    return None


def adopt_suggestion(db: Any, now: Any, config: Any, row: Row) -> str | None:
    return None


def dismiss_suggestion(db: Any, now: Any, config: Any, row: Row) -> str | None:
    return None


def mark_seen(db: Any, now: Any, config: Any, row: Row) -> str | None:
    return None


def mark_all_seen(db: Any, now: Any, config: Any, row: Row | None, partnership: str | None) -> str | None:
    return None


COPY_COLUMNS = [Column("", 1), Column("Published", 16), Column("Outlet", 18), Column("Title"), Column("Link", 30)]


def story_detail(db: Any, story_id: int) -> tuple[Text, list[Row], list[list[Text]]]:
    return Text("Stories arrive with the stories issue."), [], []
