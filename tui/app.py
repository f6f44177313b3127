"""The partwatch dashboard.

Threading model. The UI thread never touches the database and never waits on the network.
All reads and writes run in Textual *thread* workers, each using its pool thread's own SQLite
connection (`thread_db()`: store.db.open_db once per pool thread, kept in a thread-local). At
start, group "start" reads where the user left off (`StartState`); then a LazyList loads its own
keyset pages (group "lazy-list-load") and posts `LazyList.PageLoaded` to itself, only for the
visible view (the others load when first shown); the app loads the picker's summary (group
"dashboard", exclusive: partnerships with new counts and sparklines, last poll, totals) and
posts `DashboardLoaded`; the reader's preview and the opening of an article (which writes
`read_at`) run in group "reader" (exclusive: a newer highlight overtakes an older one) and post
`ReaderLoaded`; desk writes (answer, reopen, adopt, dismiss, mark seen, "looked at") run in
group "write" and post `Changed`. A poll runs the injected poll service in group "poll",
reporting progress with `call_from_thread` and ending with `PollFinished`; an export runs the
injected export service in group "export" and ends with `ExportFinished`; `o` hands the link to
the browser in group "browser". Every 2.5 s a "watch" worker reads `PRAGMA data_version` on a
connection of its own and posts `Changed` when another connection (a cron poll, or our own
writes) has committed. Only message handlers on the UI thread change state: the partnership in
focus, the lists' rows and cursors, the reader pane, the header and the picker; a `Changed`
reloads the visible list in place (its cursor stays on the same row key) and marks the others
stale.
"""

from __future__ import annotations

import gc
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Header,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual.widgets.option_list import Option, OptionDoesNotExist

from store import reading
from store.db import open_db
from tui import views
from tui.commands import PartwatchCommands
from tui.screens.dialogs import ConfirmDialog, ExportDialog, HelpScreen, TextDialog
from tui.screens.story import StoryScreen
from tui.services import Clock, Desk, DeskConfig, ExportService, PollService, PollSummary, WatchLine, utc_now
from tui.text import clean_line, sparkline
from tui.widgets.keybar import KeyBar
from tui.widgets.lazylist import LazyList, Row

VIEWS = ("timeline", "stories", "questions", "watch", "feeds", "articles", "search")
VIEW_TITLES = {"timeline": "Timeline", "stories": "Stories", "questions": "Questions", "watch": "Watch",
               "feeds": "Feeds", "articles": "Articles", "search": "Search"}
CHANGE_POLL_SECONDS = 2.5
HEAP_SWEEP_SECONDS = 30                   # a full garbage collection at most this often ...
IDLE_SECONDS = 3.0                        # ... and only once no key or click came for this long
PREVIEW_DELAY = 0.12
SEARCH_DELAY = 0.1                        # typing pauses this long before the search runs
NARROW = 100                              # below this many columns the picker folds into a line
SIDEBAR_WIDTH = 32                        # as in partwatch.tcss
ROW_ACTIONS = ("answer", "reopen", "adopt", "dismiss", "seen")
DASHBOARD_ONLY = frozenset({"search", "partnerships", "show_view", "cycle_partnership", "toggle_read",
                            "answer", "reopen", "adopt", "dismiss", "seen", "all_seen", "leave",
                            "mark_story", "merge_story"})
ALL = ""                                  # "all partnerships" in the saved UI state
ALL_OPTION = "*all*"                      # ... and its option id in the picker
W = TypeVar("W", bound=Widget)


class DeskScreen(Screen[None]):
    """The dashboard's screen. Textual repaints the whole screen whenever the focus moves (its
    `focused` reactive repaints); here only the widgets whose focus styles change repaint (the
    stylesheet refreshes them), so a view switch redraws the view, not the picker and reader."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


@dataclass(frozen=True)
class PartnershipSummary:
    id: str
    name: str
    new_stories: int
    new_hits: int
    per_day: list[int]


@dataclass(frozen=True)
class Dashboard:
    partnerships: list[PartnershipSummary]
    last_poll: datetime | None
    articles: int
    unread: int
    feeds: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.articles == 0 and self.feeds == 0


class DashboardLoaded(Message):
    def __init__(self, dashboard: Dashboard) -> None:
        super().__init__()
        self.dashboard = dashboard


class ReaderLoaded(Message):
    def __init__(self, text: Text, url: str | None, opened: int | None = None) -> None:
        super().__init__()
        self.text = text
        self.url = url
        self.opened = opened


class StartState(Message):
    def __init__(self, partnership: str | None) -> None:
        super().__init__()
        self.partnership = partnership


class StoriesChanged(Message):
    """A merge or a split was saved: reload, with the cursor on the story it left."""

    def __init__(self, change: views.StoryChange) -> None:
        super().__init__()
        self.change = change


class Changed(Message):
    """The database changed (our own write, or another process): reload in place."""


class PollFinished(Message):
    def __init__(self, summary: PollSummary | None, error: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.error = error


class ExportFinished(Message):
    def __init__(self, path: Path | None, error: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.error = error


class PartwatchApp(App[None]):
    """The dashboard over one database; services are injected by partwatch/ (or by tests)."""

    CSS_PATH = "partwatch.tcss"
    TITLE = "partwatch"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {PartwatchCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("r", "poll", "Poll", id="poll"),
        Binding("e", "export", "Export", id="export"),
        Binding("o", "open_link", "Open link", id="open_link"),
        Binding("escape", "leave", "Back", show=False, id="back"),
        Binding("1", "show_view('timeline')", "Timeline", show=False, id="view.timeline"),
        Binding("2", "show_view('stories')", "Stories", show=False, id="view.stories"),
        Binding("3", "show_view('questions')", "Questions", show=False, id="view.questions"),
        Binding("4", "show_view('watch')", "Watch", show=False, id="view.watch"),
        Binding("5", "show_view('feeds')", "Feeds", show=False, id="view.feeds"),
        Binding("6", "show_view('articles')", "Articles", show=False, id="view.articles"),
        Binding("left_square_bracket", "cycle_partnership(-1)", "Prev partnership", show=False,
                id="partnership.previous"),
        Binding("right_square_bracket", "cycle_partnership(1)", "Next partnership", show=False,
                id="partnership.next"),
        Binding("p", "partnerships", "Partnerships", id="partnerships"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="article.toggle_read"),
        Binding("a", "answer", "Answer", id="question.answer"),
        Binding("u", "reopen", "Reopen", id="question.reopen"),
        Binding("A", "adopt", "Adopt", id="question.adopt"),
        Binding("x", "dismiss", "Dismiss", id="question.dismiss"),
        Binding("s", "seen", "Mark seen", id="watch.seen"),
        Binding("S", "all_seen", "All seen", id="watch.all_seen"),
        Binding("M", "mark_story", "Mark story", id="story.mark"),
        Binding("J", "merge_story", "Merge", id="story.merge"),
    ]

    def __init__(self, db_path: str | Path, config: DeskConfig | None = None, *,
                 poll: PollService | None = None, export: ExportService | None = None,
                 clock: Clock | None = None, desk: Desk | None = None, keymap: dict[str, str] | None = None,
                 change_poll_seconds: float | None = CHANGE_POLL_SECONDS) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.config = config
        self.poll_service = poll
        self.export_service = export
        self.desk = desk
        self.clock: Clock = clock or utc_now
        self.keymap = keymap or {}
        self.change_poll_seconds = change_poll_seconds
        # A desk, not a show: no sliding underlines (every view switch would cost 0.3 s of frames).
        self.animation_level = "none"
        self.partnership: str | None = None
        self.dashboard: Dashboard | None = None
        self.reader_url: str | None = None
        self.reader_article: int | None = None
        self.polling = False
        self._local = threading.local()
        self._watch_lock = threading.Lock()
        self._watch_db: Any = None
        self._known_version: int | None = None
        self._previous_view = "timeline"
        self._preview_timer: Timer | None = None
        self.preview_delay = PREVIEW_DELAY      # tests set 0: the reader follows at once
        self._search_timer: Timer | None = None
        self.search_delay = SEARCH_DELAY        # tests set 0: each key searches at once
        self._row_actions: tuple[bool, ...] = ()
        self._stale: dict[str, bool] = {}       # views to reload when shown -> keep the cursor?
        self._looked: set[str] = set()          # partnerships whose timeline was shown this session
        self.merge_target: tuple[int, str] | None = None    # the story marked to merge into (id, title)
        self._last_input = time.monotonic()
        self._lists: dict[str, LazyList] = {}
        self._tabs: TabbedContent | None = None

    # ---- connections ----------------------------------------------------------------------
    def thread_db(self) -> Any:
        """This thread's own connection (SQLite connections are not shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = open_db(self.db_path)
            self._local.db = db
        return db

    # ---- layout ---------------------------------------------------------------------------
    def _q(self, selector: str, expect: type[W]) -> W:
        """A widget of the dashboard (App.query_one would search whichever screen is on top)."""
        return self.screen_stack[0].query_one(selector, expect)

    def get_default_screen(self) -> Screen[Any]:
        return DeskScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="◆")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield OptionList(id="partnerships")
            with Vertical(id="main"):
                yield Static(id="focus-bar")
                yield Static(id="first-run")
                with TabbedContent(initial="timeline", id="views"):
                    with TabPane("Timeline", id="timeline"):
                        yield LazyList(views.TIMELINE_COLUMNS, None, noun="entries", id="timeline-list",
                                       empty="No stories or dated facts for this partnership yet.")
                    with TabPane("Stories", id="stories"):
                        yield LazyList(views.STORY_COLUMNS, None, noun="stories", id="stories-list",
                                       empty="No stories yet: poll (r) to fetch articles.")
                    with TabPane("Questions", id="questions"):
                        yield LazyList(views.QUESTION_COLUMNS, None, noun="questions", id="questions-list",
                                       empty="No open questions configured ([[questions]] in config.toml).")
                    with TabPane("Watch", id="watch"):
                        yield LazyList(views.WATCH_COLUMNS, None, noun="items", id="watch-list",
                                       empty="No watch items configured ([[watch]] in config.toml).")
                    with TabPane("Feeds", id="feeds"):
                        yield LazyList(views.FEED_COLUMNS, views.feeds_loader(), noun="feeds",
                                       id="feeds-list", empty="No feeds: add some to config.toml "
                                       "or with `partwatch feeds add`.")
                    with TabPane("Articles", id="articles"):
                        yield LazyList(views.ARTICLE_COLUMNS, None, noun="articles", id="articles-list",
                                       empty="No articles yet.")
                    with TabPane("Search", id="search"):
                        yield Input(placeholder="Search every article: words, \"a phrase\", prefix*",
                                    id="search-input")
                        yield LazyList(views.ARTICLE_COLUMNS, None, noun="matches", id="search-list",
                                       empty="Type to search titles and text of every article.")
                with VerticalScroll(id="reader"):
                    yield Static(Text("Select a row to read it here."), id="reader-body")
        with Horizontal(id="poll-bar"):
            yield Label("Polling feeds…", id="poll-label")
            yield ProgressBar(id="poll-progress", show_eta=False)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self._q("#reader", Widget).border_title = "Reader"
        self._q("#sidebar", Widget).border_title = "Partnerships"
        self._q("#first-run", Static).update(views.first_run_text())
        self._q("#timeline-list", LazyList).focus()
        self.load_start()
        if self.change_poll_seconds:
            self.set_interval(self.change_poll_seconds, self.check_for_changes)
        self.set_interval(HEAP_SWEEP_SECONDS, self._sweep_heap_when_idle)

    # ---- lists ----------------------------------------------------------------------------
    def list_for(self, view: str) -> LazyList:
        """The view's list, looked up once (the key bar asks every binding's check_action, each
        asking for the current list, on every focus move: a DOM query each time added up)."""
        found = self._lists.get(view)
        if found is None:
            found = self._lists[view] = self._q(f"#{view}-list", LazyList)
        return found

    def _views_tabs(self) -> TabbedContent:
        """The views' tabs, looked up once (a view switch and every binding check ask)."""
        if self._tabs is None:
            self._tabs = self._q("#views", TabbedContent)
        return self._tabs

    @property
    def view(self) -> str:
        try:
            return self._views_tabs().active or "timeline"
        except NoMatches:
            return "timeline"

    @property
    def current_list(self) -> LazyList:
        return self.list_for(self.view)

    @work(thread=True, group="start", exit_on_error=False)
    def load_start(self) -> None:
        """Where the user left off (the partnership in focus), before anything else is read."""
        self.post_message(StartState(reading.ui_get(self.thread_db(), "partnership")))

    def on_start_state(self, message: StartState) -> None:
        ids = [p.id for p in (self.config.partnerships if self.config else ())]
        saved = message.partnership
        start = saved if saved in ids or saved == ALL else (ids[0] if ids else ALL)
        self.partnership = start or None
        self._update_header()
        self._set_loaders()
        self.load_dashboard()

    def _set_loaders(self) -> None:
        """Point every list at the partnership in focus; only the visible one reads now, the
        others when their tab is shown (a list nobody looks at costs nothing)."""
        pid = self.partnership
        self.list_for("timeline").set_loader(views.timeline_loader(pid, self.desk), reload=False)
        self.list_for("timeline").empty = (
            "No stories or dated facts for this partnership yet." if pid else
            "Pick a partnership on the left (or with [ and ]) to see its timeline.")
        self.list_for("stories").set_loader(views.stories_loader(pid), reload=False)
        self.list_for("questions").set_loader(views.questions_loader(pid, self.desk), reload=False)
        self.list_for("watch").set_loader(views.watch_loader(pid, self.desk), reload=False)
        self.list_for("articles").set_loader(views.articles_loader(pid), reload=False)
        for view in VIEWS:
            if view != "search":
                self._stale[view] = False
        self._refresh_visible()

    def _refresh_visible(self) -> None:
        view = self.view
        if view in self._stale:
            keep = self._stale.pop(view)
            self.list_for(view).reload(keep_selection=keep)

    def reload_all(self) -> None:
        """After a change in the database: the visible list reloads in place (cursor kept on the
        same row), the others when they are next shown."""
        for view in VIEWS:
            if self.list_for(view).loader is not None:
                self._stale[view] = self._stale.get(view, True)
        self._refresh_visible()
        self.load_dashboard()

    # ---- dashboard summary ----------------------------------------------------------------
    @work(thread=True, group="dashboard", exclusive=True, exit_on_error=False)
    def load_dashboard(self) -> None:
        db = self.thread_db()
        now = self.clock()
        summaries = [PartnershipSummary(ALL, "All partnerships", 0, 0,
                                        reading.articles_per_day(db, until=now))]
        for partnership in (self.config.partnerships if self.config else ()):
            new_stories, new_hits = views.partnership_news(db, partnership.id, self.config)
            summaries.append(PartnershipSummary(
                partnership.id, partnership.name, new_stories, new_hits,
                reading.articles_per_day(db, until=now, partnership=partnership.id)))
        totals = reading.counts(db)
        extra = views.dashboard_extra(db, self.config)
        self.post_message(DashboardLoaded(Dashboard(summaries, reading.last_poll(db), totals.articles,
                                                    totals.unread, totals.feeds, extra)))

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        if self.dashboard is None:
            self._settle_heap()
        board = self.dashboard = message.dashboard
        self.set_class(board.empty, "-empty")
        self._draw_picker()
        self._update_header()
        self._update_tab_labels()

    @staticmethod
    def _settle_heap() -> None:
        """Keep Python's full garbage collections off the keystrokes. A full collection walks
        every tracked object (Textual's widgets, the desk's caches, the pages held: ~100k objects
        at 100k articles) and stalled one keystroke in ten by 70-140 ms. So once started and after
        each page taken in, the young cycles are collected (a few ms) and what survives is frozen
        out of the collector's sight (gc.freeze). Frozen objects are still freed by reference
        counting when dropped (rows and strips hold no cycles), so a reload frees the old pages."""
        gc.collect(1)
        gc.freeze()

    def on_unmount(self) -> None:
        """Leaving: hand the heap back to the collector (a process that runs the dashboard more
        than once, like the test suite, must not keep every closed one frozen)."""
        gc.unfreeze()
        gc.collect()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _sweep_heap_when_idle(self) -> None:
        """What was frozen and has died since in a cycle (a closed story screen, a toast gone)
        is only found by a full collection over everything: run one while nobody is typing."""
        if time.monotonic() - self._last_input >= IDLE_SECONDS:
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW

    def on_resize(self, event: events.Resize) -> None:
        self._update_header(event.size.width)
        if self.dashboard is not None:
            self._draw_picker()
            self._update_tab_labels()

    def _draw_picker(self) -> None:
        board = self.dashboard
        assert board is not None
        picker = self._q("#partnerships", OptionList)
        highlighted = picker.highlighted
        picker.clear_options()
        spark_days = 30
        for number, summary in enumerate(board.partnerships):
            if number:
                picker.add_option(None)
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(clean_line(summary.name), style="bold")
            if summary.id == ALL:
                prompt.append(f"\n{board.unread:,} unread of {board.articles:,}", style="dim")
            else:
                prompt.append(f"\n{summary.new_stories} new stories · {summary.new_hits} new hits",
                              style="bold yellow" if summary.new_hits or summary.new_stories else "dim")
            prompt.append("\n" + sparkline(summary.per_day[-spark_days:]), style="green")
            picker.add_option(Option(prompt, id=summary.id or ALL_OPTION))
        index = next((i for i, s in enumerate(board.partnerships) if (s.id or None) == self.partnership), 0)
        picker.highlighted = index if highlighted is None else min(highlighted, picker.option_count - 1)
        self._draw_focus_bar()

    def _draw_focus_bar(self) -> None:
        """At 80 columns the picker folds away: one line says what is in focus and how it moves."""
        board = self.dashboard
        shown = board.partnerships if board else []
        summary = next((s for s in shown if (s.id or None) == self.partnership), None)
        bar = Text(no_wrap=True, overflow="ellipsis")
        if summary is not None:
            bar.append(clean_line(summary.name), style="bold")
            if summary.id:
                bar.append(f"  {summary.new_stories} new stories · {summary.new_hits} new hits",
                           style="bold yellow" if summary.new_hits or summary.new_stories else "dim")
            bar.append("  " + sparkline(summary.per_day[-14:]), style="green")
        bar.append("  p: pick", style="dim")
        self._q("#focus-bar", Static).update(bar)

    def _update_header(self, width: int | None = None) -> None:
        name = "All partnerships"
        for partnership in (self.config.partnerships if self.config else ()):
            if partnership.id == self.partnership:
                name = partnership.name
        last = self.dashboard.last_poll if self.dashboard else None
        self.title, self.sub_title = views.header_title(clean_line(name), last,
                                                             width or self.size.width)

    def _update_tab_labels(self) -> None:
        board = self.dashboard
        if board is None:
            return
        tabs = self._views_tabs()
        summary = next((s for s in board.partnerships if (s.id or None) == self.partnership), None)
        labels = dict(VIEW_TITLES)
        if summary is not None and summary.id:
            if summary.new_stories:
                labels["timeline"] = f"Timeline+{summary.new_stories}"
            if summary.new_hits:
                labels["watch"] = f"Watch+{summary.new_hits}"
        elif board.extra.get("new_hits"):
            labels["watch"] = f"Watch+{board.extra['new_hits']}"
        if board.unread:
            labels["articles"] = f"Articles {board.unread:,}●"
        labels["search"] = "/ Search"
        numbered = {key: f"{number} {labels[key]}" if key != "search" else labels[key]
                    for key, number in zip(VIEWS, "1234567", strict=False)}
        room = self.size.width - (0 if self.narrow else SIDEBAR_WIDTH)
        if sum(len(label) + 2 for label in numbered.values()) > room:       # 2: a tab's padding
            numbered = {**labels, "search": "/"}
        relabelled = []
        for key, label in numbered.items():
            tab = tabs.get_tab(key)
            if tab.label.plain != label:
                tab.label = Text(label)
                relabelled.append(tab)
        if relabelled:
            # A label set while a layout is under way can keep its tab's old width (seen under
            # load: "Timeline" for "Timeline+6"); measure the relabelled tabs again after it,
            # then put the underline back under the active tab.
            self.call_after_refresh(self._remeasure, relabelled)

    def _remeasure(self, relabelled: list[Widget]) -> None:
        for tab in relabelled:
            tab.refresh(layout=True)
        strip = self._views_tabs().query_one(Tabs)
        self.call_after_refresh(strip._highlight_active, False)   # Textual's own re-placement

    @on(OptionList.OptionSelected, "#partnerships")
    def _partnership_chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.focus_partnership(None if chosen in (None, ALL_OPTION) else chosen)

    def action_partnerships(self) -> None:
        """Focus the picker (at 80 columns it opens over the lists; choosing closes it)."""
        if self.narrow and self.has_class("-picker"):
            self.remove_class("-picker")
            self.current_list.focus()
            return
        self.add_class("-picker")
        self._q("#partnerships", OptionList).focus()

    def focus_partnership(self, partnership: str | None, *, save: bool = True) -> None:
        if self.has_class("-picker"):
            self.remove_class("-picker")
            if self.narrow:
                self.current_list.focus()
        if partnership == self.partnership:
            return
        self.save_looked()
        self.partnership = partnership
        self._update_header()
        self._update_tab_labels()
        if self.dashboard is not None:
            self._draw_focus_bar()
        self._set_loaders()
        picker = self._q("#partnerships", OptionList)
        if picker.option_count:
            try:
                picker.highlighted = picker.get_option_index(partnership or ALL_OPTION)
            except OptionDoesNotExist:
                pass
        if save:
            self.save_ui_state()

    @work(thread=True, group="write", exit_on_error=False)
    def save_ui_state(self) -> None:
        reading.ui_set(self.thread_db(), "partnership", self.partnership or ALL)

    def action_cycle_partnership(self, step: int) -> None:
        board = self.dashboard
        if not board:
            return
        ids = [s.id or None for s in board.partnerships]
        index = (ids.index(self.partnership) + step) % len(ids) if self.partnership in ids else 0
        self.focus_partnership(ids[index])

    # ---- views ----------------------------------------------------------------------------
    def action_show_view(self, view: str) -> None:
        tabs = self._views_tabs()
        if view != "search" and tabs.active != "search":
            self._previous_view = view
        tabs.active = view
        self._focus_now(self._q("#search-input", Input) if view == "search" else self.list_for(view))

    def _focus_now(self, widget: Widget) -> None:
        """Focus in the same frame as the view appears (Widget.focus waits a turn and repaints the
        widget even when it has the focus already: one more full repaint of the list per switch)."""
        if self.screen_stack[0].focused is not widget:
            self.screen_stack[0].set_focus(widget)

    @on(TabbedContent.TabActivated, "#views")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        view = event.pane.id or "timeline"
        if view != "search":
            self._previous_view = view
            self._focus_now(self.list_for(view))
        self.refresh_bindings()
        self._refresh_visible()
        row = self.list_for(view).current
        if row is not None:
            self.preview(row)

    def action_search(self) -> None:
        self.action_show_view("search")

    def action_leave(self) -> None:
        """Escape: close the picker, leave the search, or give the focus back to the list."""
        if self.has_class("-picker"):
            self.remove_class("-picker")
            self.current_list.focus()
        elif self.view == "search":
            self.action_show_view(self._previous_view)
        elif self.screen.focused is not self.current_list:
            self.current_list.focus()

    @on(Input.Changed, "#search-input")
    def _search_input(self, event: Input.Changed) -> None:
        self._search_changed(event.value)

    def _search_changed(self, query: str) -> None:
        """Search once typing pauses (`search_delay`): keys typed at speed start one FTS5 query
        for what was typed, not one per key whose results the next key makes stale (a prefix
        query such as "a*" over 100,000 articles takes a worker a few hundred ms)."""
        delay = self.search_delay if query.strip() else 0.0
        self._search_timer = self._after_pause(self._search_timer, delay, partial(self._run_search, query))

    def _run_search(self, query: str) -> None:
        self._search_timer = None
        results = self.list_for("search")
        results.set_loader(views.search_loader(query, self.partnership) if query.strip() else None,
                           reload=False)
        if query.strip():
            results.reload(keep_selection=False)
        else:
            results.set_rows([])

    @on(Input.Submitted, "#search-input")
    def _search_submitted(self) -> None:
        self.list_for("search").focus()

    # ---- reader ---------------------------------------------------------------------------
    @on(LazyList.Highlighted)
    def _highlighted(self, event: LazyList.Highlighted) -> None:
        if event.lazy_list is self.current_list and not isinstance(event, LazyList.Selected):
            self.preview(event.row)
            self._refresh_row_bindings(event.row)

    def _refresh_row_bindings(self, row: Row) -> None:
        """Answer, reopen, adopt, dismiss and seen apply to some rows only: redraw the key bar
        when that changes (not on every cursor move: that is the hot path)."""
        applies = tuple(views.action_applies(action, row) for action in ROW_ACTIONS) + (
            self._merges_into_marked(row),)
        if applies != self._row_actions:
            self._row_actions = applies
            self.refresh_bindings()

    @on(LazyList.Loaded)
    def _loaded(self, event: LazyList.Loaded) -> None:
        self._settle_heap()
        if event.lazy_list is self.current_list:
            self.refresh_bindings()

    def preview(self, row: Row) -> None:
        """Show the row in the reader once the cursor rests: holding a key down moves the cursor
        at key-repeat speed without re-laying out the reader for every row passed."""
        self._preview_timer = self._after_pause(
            self._preview_timer, self.preview_delay, partial(self._load_reader, row, False))

    def _after_pause(self, pending: Timer | None, delay: float, run: Callable[[], None]) -> Timer | None:
        """Run `run` once `delay` seconds pass without another call (at once when `delay` is 0),
        cancelling the `pending` run; return the timer now pending."""
        if pending is not None:
            pending.stop()
        if delay <= 0:
            run()
            return None
        return self.set_timer(delay, run)

    @on(LazyList.Selected)
    def _selected(self, event: LazyList.Selected) -> None:
        row = event.row
        story_id = views.story_of(row)
        if story_id is not None:
            self.push_screen(StoryScreen(story_id))
            return
        if not isinstance(row.data, views.ArticleRef):
            article = views.first_article(row)
            if article is None:
                return
            row = Row(key=("article", article), cells=(), data=views.ArticleRef(article, None))
        self._load_reader(row, open_article=True)

    @on(LazyList.Loaded, "#timeline-list")
    def _timeline_shown(self) -> None:
        if self.partnership and self.view == "timeline":
            self._looked.add(self.partnership)

    @work(thread=True, group="write", exit_on_error=False)
    def save_looked(self) -> None:
        """The timeline marks what is new since the user last looked: a partnership's timeline
        counts as looked at when the user leaves it (another partnership, or quitting)."""
        looked, self._looked = self._looked, set()
        if self.desk is None:
            return
        for partnership in looked:
            self.desk.looked(self.thread_db(), partnership, self.clock())
        if looked:
            self.post_message(Changed())

    async def action_quit(self) -> None:
        if self._looked and self.desk is not None:
            worker = self.save_looked()
            await worker.wait()
        self.exit()

    @work(thread=True, group="reader", exclusive=True, exit_on_error=False)
    def _load_reader(self, row: Row, open_article: bool) -> None:
        db = self.thread_db()
        text, url, article_id = views.reader_for(db, row, self.config)
        opened = None
        if open_article and article_id is not None:
            try:
                reading.mark_read(db, [article_id], self.clock())
                opened = article_id
            except Exception as exc:  # noqa: BLE001 - a read-only or locked file: show it anyway
                note = f"Could not save the reading state: {clean_line(str(exc))}"
                self.call_from_thread(self.notify, note, severity="warning", markup=False)
        self.post_message(ReaderLoaded(text, url, opened))

    def on_reader_loaded(self, message: ReaderLoaded) -> None:
        self._q("#reader-body", Static).update(message.text)
        self._q("#reader", VerticalScroll).scroll_home(animate=False)
        self.reader_url = message.url
        if message.opened is not None:
            self.reader_article = message.opened
            for view in ("articles", "search", "timeline"):
                self.list_for(view).update_row(("article", message.opened), views.as_read)
            self.load_dashboard()

    def action_open_link(self) -> None:
        url = self.reader_url
        if not url:
            self.notify("No link for this row.", severity="warning")
            return
        self.open_url_in_browser(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_url_in_browser(self, url: str) -> None:
        if self.is_web:     # under `partwatch serve`: the user's browser tab opens it, not the server
            self.call_from_thread(self.open_url, url)
            return
        if not webbrowser.open(url):
            self.call_from_thread(self.notify, f"Could not open a browser for {clean_line(url)}",
                                  severity="warning", markup=False)

    @work(thread=True, group="write", exit_on_error=False)
    def action_toggle_read(self) -> None:
        row = self.current_list.current
        ref = row.data if row else None
        if not isinstance(ref, views.ArticleRef):
            return
        db = self.thread_db()
        if row is not None and row.dim:
            reading.mark_unread(db, [ref.article_id])
        else:
            reading.mark_read(db, [ref.article_id], self.clock())
        self.post_message(Changed())

    # ---- questions and watch ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in DASHBOARD_ONLY and len(self.screen_stack) > 1:
            return False                          # a story or a dialog is on top of the dashboard
        needs = {"answer": "questions", "reopen": "questions", "adopt": "questions",
                 "dismiss": "questions", "seen": "watch", "all_seen": "watch", "toggle_read": None}
        if action in needs:
            if action == "toggle_read":
                return self.view in ("articles", "search")
            if self.view != needs[action]:
                return False
            row = self.current_list.current
            return views.action_applies(action, row)
        if action in ("mark_story", "merge_story"):
            if self.view != "stories":
                return False
            row = self.current_list.current
            if row is None or not isinstance(row.data, views.StoryRef):
                return False
            return action == "mark_story" or self._merges_into_marked(row)
        if action == "export":
            return self.export_service is not None
        if action == "poll":
            return self.poll_service is not None
        return True

    def action_answer(self) -> None:
        row = self.current_list.current
        if row is None:
            return

        def answered(text: str | None) -> None:
            if text is not None:
                self._write(views.answer_question, row, text.strip(), None)

        self.push_screen(TextDialog("Answer the question", views.row_title(row), placeholder="The answer"),
                         answered)

    def action_reopen(self) -> None:
        self._write_current(views.reopen_question)

    def action_adopt(self) -> None:
        row = self.current_list.current
        if row is not None:
            self._write(views.adopt_suggestion, row, self.partnership)

    def action_dismiss(self) -> None:
        self._write_current(views.dismiss_suggestion)

    def action_seen(self) -> None:
        self._write_current(views.mark_seen)

    def action_all_seen(self) -> None:
        """Every item shown in the Watch view (all items when no partnership is in focus)."""
        items = None if self.partnership is None else [
            row.data.id for row in self.list_for("watch").rows if isinstance(row.data, WatchLine)]
        self._write(views.mark_all_seen, items)

    def _write_current(self, change: Callable[..., str | None]) -> None:
        row = self.current_list.current
        if row is not None:
            self._write(change, row)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, change: Callable[..., str | None], *args: Any) -> None:
        if self.desk is None:
            self.call_from_thread(self.notify, "The desk is not available here.", severity="warning")
            return
        try:
            note = change(self.thread_db(), self.clock(), self.desk, *args)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app keeps running
            self.call_from_thread(self.notify, f"Could not save: {exc}", severity="error", markup=False)
            return
        if note:
            self.call_from_thread(self.notify, note, markup=False)
        self.post_message(Changed())

    def on_changed(self, message: Changed) -> None:
        self.reload_all()

    # ---- story merge and split (the same as `partwatch stories merge/split`) ---------------
    def _merges_into_marked(self, row: Row | None) -> bool:
        return (row is not None and isinstance(row.data, views.StoryRef) and self.merge_target is not None
                and self.merge_target[0] != row.data.story_id)

    def _on_story(self, on_screen: Callable[[StoryScreen], None], on_row: Callable[[int, str], None]) -> None:
        """M and J (and their palette entries): on the open story, else on the Stories row."""
        if isinstance(self.screen, StoryScreen):
            on_screen(self.screen)
            return
        row = self.current_list.current
        if row is not None and isinstance(row.data, views.StoryRef):
            on_row(row.data.story_id, views.row_title(row))
        else:
            self.notify("Pick a story in the Stories view (2) first.", severity="warning")

    def action_mark_story(self) -> None:
        self._on_story(StoryScreen.action_mark, self.mark_story)

    def mark_story(self, story_id: int, title: str) -> None:
        """Mark the story to merge others into (M again on it unmarks it)."""
        stories = self.list_for("stories")
        if self.merge_target is not None and self.merge_target[0] == story_id:
            self._unmark()
            self.notify("Unmarked.")
        else:
            self.merge_target = (story_id, title)
            stories.border_title = Text(f"Merge into: {clean_line(title)}", no_wrap=True, overflow="ellipsis")
            self.notify(f"Marked to merge into: {clean_line(title)}\n"
                        "J on another story merges it into this one.", markup=False)
        self._row_actions = ()
        self.refresh_bindings()

    def _unmark(self) -> None:
        self.merge_target = None
        self.list_for("stories").border_title = None

    def action_merge_story(self) -> None:
        self._on_story(StoryScreen.action_merge, self.merge_into_marked)

    def merge_into_marked(self, story_id: int, title: str) -> None:
        """Ask, then merge this story into the marked one (in a worker, like the CLI's merge)."""
        target = self.merge_target
        if target is None:
            self.notify("Mark the story to merge into first (M).", severity="warning")
            return
        if target[0] == story_id:
            self.notify("That is the marked story itself.", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.change_stories(views.merge_stories, target[0], story_id)

        self.push_screen(ConfirmDialog("Merge these two stories?", [f"into: {target[1]}", f"merge: {title}"],
                                       accept="Merge"), confirmed)

    def split_copy(self, story_id: int, article_id: int, title: str) -> None:
        """Ask, then take one copy out of its story (the story screen's X)."""
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.change_stories(views.split_copy, story_id, article_id)

        self.push_screen(ConfirmDialog("Split this copy out of the story?", [title], accept="Split"),
                         confirmed)

    def action_split_copy(self) -> None:
        """From the command palette: the story screen's split, when a story is open."""
        screen = self.screen
        if isinstance(screen, StoryScreen):
            screen.action_split()
        else:
            self.notify("Open a story first (enter on a story), then pick the copy to split out.",
                        severity="warning")

    @work(thread=True, group="write", exit_on_error=False)
    def change_stories(self, change: Callable[..., views.StoryChange], *args: Any) -> None:
        if self.desk is None:
            self.call_from_thread(self.notify, "The desk is not available here.", severity="warning")
            return
        try:
            done = change(self.thread_db(), self.desk, *args)
        except Exception as exc:  # noqa: BLE001 - shown to the user (e.g. a story gone meanwhile)
            self.call_from_thread(self.notify, f"Could not change the stories: {clean_line(str(exc))}",
                                  severity="error", markup=False)
            return
        self.post_message(StoriesChanged(done))

    def on_stories_changed(self, message: StoriesChanged) -> None:
        change = message.change
        self._unmark()
        self.list_for("stories").prefer(("story", change.story))
        self.notify(change.note, markup=False)
        for screen in self.screen_stack:
            if isinstance(screen, StoryScreen):
                screen.show_story(change.story)
        self.reload_all()

    # ---- noticing other writers -----------------------------------------------------------
    def check_for_changes(self) -> None:
        if not self.polling:
            self._check_version()

    @work(thread=True, group="watch", exclusive=False, exit_on_error=False)
    def _check_version(self) -> None:
        if not self._watch_lock.acquire(blocking=False):
            return
        try:
            if self._watch_db is None:
                self._watch_db = open_db(self.db_path)
            version = reading.data_version(self._watch_db)
            changed = self._known_version is not None and version != self._known_version
            self._known_version = version
        finally:
            self._watch_lock.release()
        if changed:
            self.post_message(Changed())

    # ---- poll -----------------------------------------------------------------------------
    def action_poll(self) -> None:
        if self.poll_service is None:
            self.notify("Polling is not available here.", severity="warning")
            return
        if self.polling:
            self.notify("A poll is already running.")
            return
        self.polling = True
        self.add_class("-polling")
        bar = self._q("#poll-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self.run_poll()

    @work(thread=True, group="poll", exclusive=True, exit_on_error=False)
    def run_poll(self) -> None:
        assert self.poll_service is not None

        def progress(done: int, total: int) -> None:
            self.call_from_thread(self._poll_progress, done, total)

        try:
            summary = self.poll_service(progress)
        except Exception as exc:  # noqa: BLE001 - a failed poll is reported, not fatal
            self.post_message(PollFinished(None, str(exc)))
            return
        self.post_message(PollFinished(summary))

    def _poll_progress(self, done: int, total: int) -> None:
        self._q("#poll-progress", ProgressBar).update(total=total or None, progress=done)
        self._q("#poll-label", Label).update(f"Polling feeds… {done}/{total}")

    def on_poll_finished(self, message: PollFinished) -> None:
        self.polling = False
        self.remove_class("-polling")
        if message.summary is None:
            self.notify(f"Poll failed: {clean_line(message.error)}", severity="error", markup=False)
            return
        summary = message.summary
        failed = f", {summary.failed} failed" if summary.failed else ""
        self.notify(f"Polled {summary.feeds} feeds: {summary.new_articles} new articles{failed}.",
                    markup=False)
        for hit in summary.watch_hits[:5]:
            self.notify(f"{clean_line(hit.title)}\n{clean_line(hit.feed)}",
                        title=f"Watch: {clean_line(hit.item)}", severity="warning", markup=False, timeout=10)
        if len(summary.watch_hits) > 5:
            self.notify(f"and {len(summary.watch_hits) - 5} more watch hits", severity="warning")
        for line in summary.alert_failures:         # they stay queued: the next poll tries again
            self.notify(clean_line(line), title="Watch alert not delivered", severity="error",
                        markup=False, timeout=15)
        self.reload_all()

    # ---- export ---------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.export_service is None:
            self.notify("Export is not available here.", severity="warning")
            return
        stamp = self.clock().strftime("%Y-%m-%d")
        default = Path.cwd() / f"partwatch-{self.partnership or 'all'}-{stamp}.md"

        def chosen(path: str | None) -> None:
            if path:
                self.run_export(Path(path).expanduser())

        self.push_screen(ExportDialog(str(default)), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def run_export(self, path: Path) -> None:
        assert self.export_service is not None
        try:
            written = self.export_service(self.partnership, path)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.post_message(ExportFinished(None, str(exc)))
            return
        self.post_message(ExportFinished(written))

    def on_export_finished(self, message: ExportFinished) -> None:
        if message.path is None:
            self.notify(f"Export failed: {message.error}", severity="error", markup=False)
        else:
            self.notify(f"Wrote the briefing to {message.path.resolve()}", markup=False, timeout=8)

    # ---- help -----------------------------------------------------------------------------
    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str]]:
        rows = []
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            key = self.get_key_display(binding)
            rows.append((key, binding.description))
        rows += [("X", "On a story: split the selected copy out (M, J: mark it, merge it)"),
                 ("enter", "Open the article or story"), ("tab", "Move between panes"),
                 ("ctrl+p", "Command palette: every action")]
        return rows

    def command_list(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Every action as (name, help, callback), for the command palette."""
        items: list[tuple[str, str, Callable[[], Any]]] = [
            (f"Show {VIEW_TITLES[v]}", f"Switch to the {VIEW_TITLES[v]} view",
             partial(self.action_show_view, v))
            for v in VIEWS
        ]
        items += [
            ("Poll feeds now", "Fetch every feed in the background", self.action_poll),
            ("Export briefing", "Write the partnership's Markdown briefing", self.action_export),
            ("Search articles", "Full-text search over every article", self.action_search),
            ("Open link in browser", "Open the article in the reader pane", self.action_open_link),
            ("Toggle read", "Mark the selected article read or unread", self.action_toggle_read),
            ("Answer question", "Answer the selected question", self.action_answer),
            ("Reopen question", "Reopen the selected question", self.action_reopen),
            ("Adopt suggestion", "Adopt the selected suggested question", self.action_adopt),
            ("Dismiss suggestion", "Never suggest the selected question again", self.action_dismiss),
            ("Mark watch item seen", "Mark the selected watch item's hits seen", self.action_seen),
            ("Mark all watch items seen", "Mark every watch item's hits seen", self.action_all_seen),
            ("Mark story for merge", "Mark the selected story to merge others into", self.action_mark_story),
            ("Merge story into marked", "Merge the selected story into the marked one",
             self.action_merge_story),
            ("Split copy out of story", "On a story: take the selected copy out of it",
             self.action_split_copy),
            ("Help", "Show the key bindings", self.action_help),
            ("Quit", "Leave partwatch", self.exit),
        ]
        items.append(("Focus: All partnerships", "Show every article",
                      partial(self.focus_partnership, None)))
        for partnership in (self.config.partnerships if self.config else ()):
            items.append((f"Focus: {clean_line(partnership.name)}", "Show this partnership",
                          partial(self.focus_partnership, partnership.id)))
        return items
