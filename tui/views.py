"""The dashboard's lists and panes as data: loaders that read one page through store/ and tracking/
(they run in thread workers, each with its thread's own connection) and the rows they draw.

Every string that came from a feed goes through tui.text (controls stripped, never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rich.text import Text

from store import desk as store_desk
from store import reading
from store.feeds import list_feeds
from store.records import Feed
from store.search import search
from store.stories import contradictions_of
from store.stories import story_of as story_of_articles
from tracking.questions import QuestionView, Suggestion
from tracking.timeline import TimelineEntry, period_label
from tui.services import Desk, WatchLine
from tui.text import clean, clean_line, day, line, minute
from tui.widgets.lazylist import Column, Loader, Page, Row

ARTICLE_COLUMNS = [Column("", 1), Column("Published", 10), Column("Outlet", 16), Column("Title")]
# Narrow lists keep status, last poll, failures and the error: the status and the feed's name
# give up cells first, and the article count (also in the reader pane) goes below 82 columns.
FEED_COLUMNS = [Column("Feed", 22, min_width=12), Column("Status", 12, min_width=10),
                Column("Last poll", 16), Column("Fails", 5, "right"),
                Column("Articles", 8, "right", hide_below=82), Column("Last error")]


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
    link = article.canonical_url or article.url     # without tracking parameters when known
    if link:
        out.append(clean_line(link), style="underline")       # whole, wrapped: it may be copied
        out.append("\n")
    if article.teaser is not None:
        out.append("full text from the article's page\n", style="dim")
    elif article.full_text_error:
        out.append(f"full text not fetched ({clean_line(article.full_text_error)}): the feed's summary\n",
                   style="dim")
    out.append("\n")
    out.append(clean(article.text) or "(no text in the feed)")
    return out


HEADER_CHROME = 8 + 10 + 3         # Textual's Header: the icon, the clock's space, " — "


def header_title(name: str, last: datetime | None, width: int) -> tuple[str, str]:
    """The header's (title, sub title) at `width` columns. The last poll time is what the user
    looks up there, so it stays whole: first "partwatch · " goes, then the partnership's name
    (also on the focus bar at 80 columns) is cut."""
    sub = f"last poll {minute(last)}" + (" UTC" if last else "")
    room = width - HEADER_CHROME - len(sub)
    for title in (f"partwatch · {name}", name):
        if len(title) <= room:
            return title, sub
    return name[:max(0, room - 1)] + "…", sub


def message_text(title: str, body: str) -> Text:
    out = Text()
    out.append(title, style="bold")
    out.append("\n\n")
    out.append(body)
    return out


RowsBuilder = Callable[[Any], list[Row]]


# ---- stories and timeline (filled in from store/stories.py and tracking/timeline.py) -------------
TIMELINE_COLUMNS = [Column("", 1), Column("Date", 13), Column("Kind", 5, hide_below=90),
                    Column("What happened"), Column("Source", 14),
                    Column("Outlets", 7, "right", hide_below=80)]
STORY_COLUMNS = [Column("", 1), Column("Date", 10), Column("Lead title", min_width=28),
                 Column("Origin", 16, min_width=10),
                 Column("Outlets", 7, "right", min_width=3, short="Out"),
                 Column("Contra", 6, "right", min_width=3, short="⚠")]
QUESTION_COLUMNS = [Column("Status", 10), Column("Question"), Column("Evidence", 8, "right")]
WATCH_COLUMNS = [Column("State", 6), Column("Watch item"), Column("Hits", 5, "right"), Column("Latest", 10)]


@dataclass(frozen=True)
class StoryRef:
    story_id: int
    lead_article: int | None
    url: str | None


def story_of(row: Row) -> int | None:
    """The story Enter opens: a story row, or a timeline entry that is a story."""
    if isinstance(row.data, StoryRef):
        return row.data.story_id
    if isinstance(row.data, TimelineEntry) and row.data.kind == "story":
        return row.data.story_id
    return None


def as_read(row: Row) -> Row:
    cells = (Text(" "),) + row.cells[1:] if isinstance(row.data, ArticleRef) else row.cells
    return Row(key=row.key, cells=cells, data=row.data, dim=True, marked=row.marked)


def row_title(row: Row) -> str:
    return max((c.plain for c in row.cells), key=len)


def empty_loader() -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        return Page(rows=[], more=False, total=0)
    return load


def _short_period(day: date, precision: str) -> str:
    """A timeline date in 13 columns: "2026-03-19", "late Feb 2026", "Q3 2026", "2019"."""
    if precision == "day":
        return day.isoformat()
    label = str(period_label(day, precision))
    for month in ("January February March April May June July August September October November "
                  "December").split():
        label = label.replace(month, month[:3])
    return label.replace("week of ", "wk ").replace("first half of", "H1").replace("second half of", "H2")


def timeline_row(entry: TimelineEntry) -> Row:
    first = entry.sources[0] if entry.sources else None
    kind = Text("story", style="bold") if entry.kind == "story" else Text("fact", style="italic")
    what = line(entry.title, "bold") if entry.kind == "story" else line(entry.text, "italic")
    return Row(key=("timeline", entry.kind, entry.story_id, entry.date, entry.text[:80], entry.title),
               cells=(Text("●" if entry.new else " ", style="bold"),
                      Text(_short_period(entry.date, entry.precision)),
                      kind, what, line(first.feed if first else ""), Text(str(entry.outlets))),
               data=entry, marked=entry.new)


def timeline_loader(partnership: str | None, desk: Desk | None) -> Loader:
    """The partnership's whole timeline, built by tracking/ in the worker and then drawn lazily,
    newest first: the desk is read for what moved lately (the export reads oldest first)."""
    def load(db: Any, after: Row | None, limit: int) -> Page:
        if partnership is None or desk is None:
            return Page(rows=[], more=False, total=0)
        rows = [timeline_row(e) for e in reversed(desk.timeline(db, partnership))]
        return Page(rows=rows, more=False, total=len(rows))
    return load


def story_row(story: reading.StoryLine) -> Row:
    contradictions = Text(f"⚠ {story.contradictions}", style="bold red") if story.contradictions else Text("")
    return Row(key=("story", story.id),
               cells=(Text("●" if story.unread else " ", style="bold"), Text(day(story.first_published)),
                      line(story.title), line(story.origin), Text(str(story.outlets)), contradictions),
               data=StoryRef(story.id, story.lead_id, story.lead_url), dim=not story.unread)


def stories_loader(partnership: str | None) -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        last = None
        if after is not None:
            assert isinstance(after.data, StoryRef)
            last = reading.story_line(db, after.data.story_id)
        items = reading.story_page(db, after=last, limit=limit, partnership=partnership)
        total = reading.story_count(db, partnership) if after is None else None
        return Page(rows=[story_row(s) for s in items], more=len(items) == limit, total=total)
    return load


def questions_loader(partnership: str | None, desk: Desk | None) -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        if desk is None:
            return Page(rows=[], more=False, total=0)
        rows = []
        for q in desk.questions(db, partnership):
            status = Text(q.status, style="green" if q.status == "answered" else "yellow")
            rows.append(Row(key=("question", q.id), cells=(status, line(q.text), Text(str(len(q.evidence)))),
                            data=q))
        for s in desk.suggestions(db, partnership):
            rows.append(Row(key=("suggestion", s.id),
                            cells=(Text("suggested", style="italic"), line(s.text),
                                   Text(str(len(s.sources)))),
                            data=s, dim=True))
        return Page(rows=rows, more=False, total=len(rows))
    return load


def watch_loader(partnership: str | None, desk: Desk | None) -> Loader:
    def load(db: Any, after: Row | None, limit: int) -> Page:
        if desk is None:
            return Page(rows=[], more=False, total=0)
        rows = []
        for item in desk.watch(db, partnership):
            style = {"new": "bold yellow", "seen": "green", "quiet": "dim"}.get(item.state, "")
            latest = day(item.hits[0].source.published) if item.hits else ""
            rows.append(Row(key=("watch", item.id), cells=(Text(item.state, style=style), line(item.title),
                                                           Text(str(len(item.hits))), Text(latest)),
                            data=item, marked=item.state == "new"))
        return Page(rows=rows, more=False, total=len(rows))
    return load


SEARCH_LIMIT = 500


def search_loader(query: str, partnership: str | None) -> Loader:
    """The best `SEARCH_LIMIT` matches over every article (bm25 order, so one page, no keyset).
    It runs as the user types, so the last word is a prefix; finding nothing says so, with the
    query (untrusted text: shown plain, controls stripped)."""
    def load(db: Any, after: Row | None, limit: int) -> Page:
        found = search(db, query, SEARCH_LIMIT, typing=True)
        rows = [article_row(reading.ArticleLine(a.id, a.feed, a.title, a.published, a.url, a.read))
                for a in found]
        return Page(rows=rows, more=False, total=len(rows),
                    empty=f"No matches for “{clean_line(query).strip()}”.")
    return load


def partnership_news(db: Any, partnership: str, config: Any) -> tuple[int, int]:
    """(new stories since the user last looked at the timeline, unseen watch hits) for the picker."""
    stories = reading.new_story_count(db, partnership, store_desk.last_looked(db, partnership))
    items = list(config.watch) if config is not None else []
    named = [w.id for w in items if w.partnership == partnership]
    unscoped = [w.id for w in items if w.partnership is None]
    hits = reading.new_hit_count(db, named) + reading.new_hit_count(db, unscoped, scoped_to=partnership)
    return stories, hits


def dashboard_extra(db: Any, config: Any) -> dict[str, Any]:
    items = [w.id for w in config.watch] if config is not None else []
    return {"new_hits": reading.new_hit_count(db, items)}


def action_applies(action: str, row: Row | None) -> bool:
    data = row.data if row is not None else None
    if action == "answer":
        return isinstance(data, QuestionView)
    if action == "reopen":
        return isinstance(data, QuestionView) and data.status == "answered"
    if action in ("adopt", "dismiss"):
        return isinstance(data, Suggestion)
    if action == "seen":
        return isinstance(data, WatchLine) and data.state == "new"
    if action == "all_seen":
        return True
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
    if isinstance(data, Feed):
        return feed_text(data), data.url, None
    if isinstance(data, TimelineEntry):
        if data.kind == "story" and data.story_id is not None:
            story = reading.story_line(db, data.story_id)
            found = reading.article(db, story.lead_id) if story else None
            if found is not None:
                return reader_text(found), found.url, found.id
        return fact_text(data), data.sources[0].url if data.sources else None, None
    if isinstance(data, QuestionView):
        return question_text(data), data.evidence[0].source.url if data.evidence else None, None
    if isinstance(data, Suggestion):
        return suggestion_text(data), data.sources[0].url if data.sources else None, None
    if isinstance(data, WatchLine):
        return watch_text(data), data.hits[0].source.url if data.hits else None, None
    return Text(row_title(row)), None, None


def first_article(row: Row) -> int | None:
    """The article Enter opens for a row that is not an article itself."""
    data = row.data
    if isinstance(data, TimelineEntry) and data.sources:
        return data.sources[0].article_id
    if isinstance(data, QuestionView) and data.evidence:
        return data.evidence[0].source.article_id
    if isinstance(data, Suggestion) and data.sources:
        return data.sources[0].article_id
    if isinstance(data, WatchLine) and data.hits:
        return data.hits[0].source.article_id
    return None


def _source_line(out: Text, source: Any) -> None:
    out.append(f"  {day(source.published)}  ", style="dim")
    out.append(clean_line(source.feed), style="italic")
    out.append(" — " + clean_line(source.title))
    if source.url:
        out.append("\n      " + clean_line(source.url), style="dim underline")
    out.append("\n")


def fact_text(entry: TimelineEntry) -> Text:
    out = Text()
    out.append(period_label(entry.date, entry.precision), style="bold")
    out.append("  (dated fact)\n\n", style="dim")
    out.append(clean(entry.text) + "\n\n")
    plural = "s" if len(entry.sources) != 1 else ""
    out.append(f"Stated by {len(entry.sources)} article{plural}:\n", style="bold")
    for source in entry.sources:
        _source_line(out, source)
    return out


def question_text(question: QuestionView) -> Text:
    out = Text()
    out.append(clean_line(question.text), style="bold")
    out.append(f"\n{question.status}", style="green" if question.status == "answered" else "yellow")
    out.append(f" · {question.origin} question")
    if question.partnership:
        out.append(f" · {question.partnership}")
    if question.answer:
        out.append("\n\nAnswer: ", style="bold")
        out.append(clean(question.answer))
    if question.answer_source:
        out.append("\n")
        _source_line(out, question.answer_source)
    out.append(f"\n\nEvidence ({len(question.evidence)}), newest first:\n", style="bold")
    for evidence in question.evidence:
        out.append("\n“" + clean_line(evidence.sentence) + "”\n")
        _source_line(out, evidence.source)
    if not question.evidence:
        out.append("none yet.", style="dim")
    out.append("\n\na: answer · u: reopen · enter: open the latest evidence", style="dim")
    return out


def suggestion_text(suggestion: Suggestion) -> Text:
    out = Text()
    out.append(clean_line(suggestion.text), style="bold")
    out.append("\nsuggested: asked in these articles", style="italic")
    out.append(f" ({', '.join(suggestion.partnerships)})\n\n" if suggestion.partnerships else "\n\n")
    for source in suggestion.sources:
        _source_line(out, source)
    out.append("\nA: adopt as a question · x: dismiss (never suggested again)", style="dim")
    return out


def watch_text(item: WatchLine) -> Text:
    out = Text()
    out.append(clean_line(item.title), style="bold")
    out.append(f"\n{item.state} · {len(item.hits)} hit{'s' if len(item.hits) != 1 else ''}\n")
    for hit in item.hits:
        out.append("\n● " if not hit.seen else "\n  ", style="bold yellow")
        out.append(clean_line(hit.source.title), style="bold" if not hit.seen else "")
        out.append("\n")
        out.append("  “" + clean_line(hit.sentence) + "”\n")
        _source_line(out, hit.source)
    if not item.hits:
        out.append("\nQuiet: no article matches yet.", style="dim")
    out.append("\n\ns: mark seen · S: mark every item seen · enter: open the latest hit", style="dim")
    return out


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
    out.append("  • run `partwatch init` and list them under [[feeds]] in its file, or\n")
    out.append("  • run `partwatch feeds add URL` in a shell,\n")
    out.append("  then press r here to poll them (or run `partwatch poll`, e.g. from cron).\n\n")
    out.append("Just looking?\n", style="bold")
    out.append("  Run `partwatch demo`: bundled sample feeds about Microsoft, OpenAI and AWS, offline.\n\n")
    out.append("Press ? for the keys, ctrl+p for every action, q to quit.", style="dim")
    return out


def answer_question(db: Any, now: Any, desk: Desk, row: Row, text: str, article: int | None) -> str | None:
    assert isinstance(row.data, QuestionView)
    desk.answer(db, row.data.id, text, article, now)
    return "Answered."


def reopen_question(db: Any, now: Any, desk: Desk, row: Row) -> str | None:
    assert isinstance(row.data, QuestionView)
    desk.reopen(db, row.data.id, now)
    return "Reopened."


def adopt_suggestion(db: Any, now: Any, desk: Desk, row: Row, partnership: str | None) -> str | None:
    assert isinstance(row.data, Suggestion)
    return desk.adopt(db, row.data.id, partnership, now)


def dismiss_suggestion(db: Any, now: Any, desk: Desk, row: Row) -> str | None:
    assert isinstance(row.data, Suggestion)
    desk.dismiss(db, row.data.id, now)
    return "Dismissed: it will not be suggested again."


def mark_seen(db: Any, now: Any, desk: Desk, row: Row) -> str | None:
    assert isinstance(row.data, WatchLine)
    changed = desk.mark_seen(db, [row.data.id])
    return f"{changed} hit{'s' if changed != 1 else ''} marked seen."


def mark_all_seen(db: Any, now: Any, desk: Desk, items: list[str] | None) -> str | None:
    changed = desk.mark_seen(db, items)
    return f"{changed} hit{'s' if changed != 1 else ''} marked seen."


COPY_COLUMNS = [Column("", 1), Column("Published", 16), Column("Outlet", 18), Column("Title"),
                Column("Link", 30, hide_below=110)]


def copy_row(item: reading.ArticleLine) -> Row:
    return Row(key=("article", item.id),
               cells=(Text(" " if item.read else "●", style="bold"), Text(minute(item.published)),
                      line(item.feed), line(item.title), line(item.url or "")),
               data=ArticleRef(item.id, item.url), dim=item.read)


def copy_link(row: Row) -> Text:
    """The selected copy's whole link, wrapped, under the copies list (whose Link column only
    fits a wide screen)."""
    url = row.data.url if isinstance(row.data, ArticleRef) else None
    return Text(clean_line(url), style="underline") if url else Text("none in the feed", style="dim")


def story_detail(db: Any, story_id: int) -> tuple[Text, list[Row], list[list[Text]]]:
    """The story screen: its heading, every copy, and each contradiction as its sides."""
    story = reading.story_line(db, story_id)
    if story is None:
        return Text("This story is gone (rebuilt or merged); go back and pick it again."), [], []
    members = reading.story_members(db, story_id)
    head = Text()
    head.append(clean_line(story.title), style="bold")
    head.append(f"\n{story.articles} article{'s' if story.articles != 1 else ''} from {story.outlets} "
                f"outlet{'s' if story.outlets != 1 else ''} · origin ")
    head.append(clean_line(story.origin), style="italic")
    head.append(f" · {minute(story.first_published)} → {minute(story.last_published)} UTC")
    outlets = {m.id: m.feed for m in members}
    sides_by_number: dict[int, list[Text]] = {}
    for side in contradictions_of(db, [story_id]).get(story_id, []):
        card = Text()
        card.append(clean_line(side.value), style="bold red")
        card.append(f"  {side.kind}\n", style="dim")
        card.append(clean_line(outlets.get(side.article_id, "")), style="italic")
        card.append("\n“" + clean_line(side.sentence) + "”")
        sides_by_number.setdefault(side.number, []).append(card)
    return head, [copy_row(m) for m in members], [sides_by_number[n] for n in sorted(sides_by_number)]


# ---- manual story decisions (the same as `partwatch stories merge/split`) -------------------------
@dataclass(frozen=True)
class StoryChange:
    """What a merge or a split did: the note for the user and the story to keep selected."""

    note: str
    story: int


def merge_stories(db: Any, desk: Desk, into: int, other: int) -> StoryChange:
    """Merge `other` into `into`. The store keeps the earlier-founded id, which may be either."""
    kept = desk.merge_stories(db, into, other)
    return StoryChange(f"Merged: story {kept} now holds both (kept across rebuilds).", kept)


def split_copy(db: Any, desk: Desk, story_id: int, article_id: int) -> StoryChange:
    """Take one copy out of a story; the story screen then shows what is left of the story,
    whose id changes when the copy taken out was the one that founded it."""
    others = [m.id for m in reading.story_members(db, story_id) if m.id != article_id]
    own = desk.split_article(db, article_id)
    rest = story_of_articles(db, others[:1]).get(others[0], story_id) if others else story_id
    return StoryChange(f"Split: the copy is now story {own} (kept across rebuilds).", rest)
