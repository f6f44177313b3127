"""One story: every copy with outlet, time and link, its contradictions side by side, a reader.

M marks the story to merge others into, J merges this one into the marked story and X splits the
selected copy out; the app asks first and saves in a worker (PartwatchApp.change_stories), then
calls `show_story` with the story that is left.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from store import reading
from tui import views
from tui.widgets.keybar import KeyBar
from tui.widgets.lazylist import LazyList, Row


class StoryLoaded(Message):
    def __init__(self, head: Text, rows: list[Row], contradictions: list[list[Text]]) -> None:
        super().__init__()
        self.head = head
        self.title = head.plain.split("\n", 1)[0]
        self.rows = rows
        self.contradictions = contradictions


class ArticleShown(Message):
    def __init__(self, text: Text, url: str | None) -> None:
        super().__init__()
        self.text = text
        self.url = url


class StoryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "close", "Back", id="story.back"),
        Binding("o", "open_link", "Open link", id="story.open_link"),
        Binding("M", "mark", "Mark story", id="story.mark"),
        Binding("J", "merge", "Merge", id="story.merge"),
        Binding("X", "split", "Split out", id="story.split"),
    ]

    def __init__(self, story_id: int) -> None:
        super().__init__()
        self.story_id = story_id
        self.url: str | None = None
        self.story_title = ""
        self._cursor = 0                      # kept across a reload (after a split)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="◆")
        with Vertical():
            yield Static(Text("Loading the story…"), id="story-head")
            yield LazyList(views.COPY_COLUMNS, None, noun="copies", id="story-copies",
                           empty="No copies.")
            with Horizontal(id="copy-link-bar"):
                yield Static(Text("link", style="dim"), id="copy-link-label")
                yield Static(id="copy-link")
            yield VerticalScroll(id="contradictions")
            with VerticalScroll(id="story-reader"):
                yield Static(Text("Select a copy to read it here."), id="story-reader-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#contradictions").border_title = "Contradictions"
        self.query_one("#story-reader").border_title = "Reader"
        self.query_one("#story-copies").focus()
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        db = self.app.thread_db()  # type: ignore[attr-defined]
        head, rows, contradictions = views.story_detail(db, self.story_id)
        self.post_message(StoryLoaded(head, rows, contradictions))

    def on_story_loaded(self, message: StoryLoaded) -> None:
        self.story_title = message.title
        self.query_one("#story-head", Static).update(message.head)
        copies = self.query_one("#story-copies", LazyList)
        copies.set_rows(message.rows)
        if message.rows:
            copies.cursor = min(self._cursor, len(message.rows) - 1)
        box = self.query_one("#contradictions", VerticalScroll)
        box.remove_children()
        box.display = bool(message.contradictions)
        box.border_title = f"Contradictions ({len(message.contradictions)})"
        for sides in message.contradictions:
            box.mount(Horizontal(*[Static(side, classes="contradiction-side") for side in sides],
                                 classes="contradiction"))
        self.refresh_bindings()

    @on(LazyList.Highlighted, "#story-copies")
    def _copy_highlighted(self, event: LazyList.Highlighted) -> None:
        self.query_one("#copy-link", Static).update(views.copy_link(event.row))
        self.show(event.row, open_article=False)

    @on(LazyList.Selected, "#story-copies")
    def _copy_selected(self, event: LazyList.Selected) -> None:
        self.show(event.row, open_article=True)

    @work(thread=True, group="story-reader", exclusive=True, exit_on_error=False)
    def show(self, row: Row, open_article: bool) -> None:
        db = self.app.thread_db()  # type: ignore[attr-defined]
        text, url, article_id = views.reader_for(db, row, None)
        if open_article and article_id is not None:
            reading.mark_read(db, [article_id], self.app.clock())  # type: ignore[attr-defined]
        self.post_message(ArticleShown(text, url))

    def on_article_shown(self, message: ArticleShown) -> None:
        self.query_one("#story-reader-body", Static).update(message.text)
        self.url = message.url

    def action_open_link(self) -> None:
        if self.url:
            self.app.open_url_in_browser(self.url)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)

    def show_story(self, story_id: int) -> None:
        """Read the story again (after a merge or split its id may have changed)."""
        self.story_id = story_id
        self._cursor = self.query_one("#story-copies", LazyList).cursor
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "merge":
            target = self.app.merge_target  # type: ignore[attr-defined]
            return target is not None and target[0] != self.story_id
        if action == "split":
            return len(self.query_one("#story-copies", LazyList).rows) > 1
        return True

    def action_mark(self) -> None:
        self.app.mark_story(self.story_id, self.story_title)  # type: ignore[attr-defined]
        self.refresh_bindings()

    def action_merge(self) -> None:
        self.app.merge_into_marked(self.story_id, self.story_title)  # type: ignore[attr-defined]

    def action_split(self) -> None:
        row = self.query_one("#story-copies", LazyList).current
        if row is None or not isinstance(row.data, views.ArticleRef):
            return
        title = row.cells[3].plain                # the copy's title (COPY_COLUMNS)
        self.app.split_copy(self.story_id, row.data.article_id, title)  # type: ignore[attr-defined]
