"""A list over a big table: rows drawn with the Line API, loaded in keyset pages by a thread worker.

Only the visible lines are ever rendered, and only the pages the user has scrolled to are in
memory, so a list over 100,000 articles paints as fast as one over 50. The list owns its rows:
its loader (a plain function of a database connection, the last row held and a page size) runs
in a thread worker with that thread's own connection, and the page comes back as a message
to this widget, which appends it (or replaces everything, on a reload, keeping the cursor on
the same row key). A generation counter drops pages from a reload that has been overtaken.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

PAGE_SIZE = 500
PREFETCH = 100            # load the next page when the cursor comes this close to the end
FLEX_MIN = 12             # cells a flexible column (a title) keeps before fixed ones shrink


@dataclass(frozen=True)
class Column:
    label: str
    width: int = 0                        # 0: takes what the fixed columns leave
    justify: Literal["left", "right"] = "left"
    hide_below: int = 0                   # dropped when the list is narrower than this
    min_width: int = 0                    # a fixed column gives up cells down to this when short of room
    short: str = ""                       # the header when the column is narrower than its label


@dataclass(frozen=True)
class Row:
    key: Hashable
    cells: tuple[Text, ...]
    data: Any = None
    dim: bool = False                     # e.g. an article already read
    marked: bool = False                  # e.g. new since last look


@dataclass
class Page:
    rows: list[Row]
    more: bool                            # another page may follow
    total: int | None = None              # rows in the whole list, when cheap to know
    empty: str | None = None              # what an empty list says instead of the widget's default


# loader(db, last row held or None, page size) -> Page; runs in a thread worker.
Loader = Callable[[Any, "Row | None", int], Page]


@dataclass
class _State:
    rows: list[Row] = field(default_factory=list)
    more: bool = False
    total: int | None = None
    loading: bool = False
    loaded_once: bool = False
    empty: str | None = None


class LazyList(ScrollView, can_focus=True):
    """Rows with a cursor; `Highlighted` when the cursor moves, `Selected` on Enter or double click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Open", id="open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-list--header", "lazy-list--cursor", "lazy-list--cursor-blurred", "lazy-list--dim",
        "lazy-list--marked", "lazy-list--empty",
    }
    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, lazy_list: LazyList, row: Row) -> None:
            super().__init__()
            self.lazy_list = lazy_list
            self.row = row

        @property
        def control(self) -> LazyList:
            return self.lazy_list

    class Selected(Highlighted):
        pass

    class PageLoaded(Message):
        def __init__(self, generation: int, page: Page, replace: bool, keep: Hashable | None) -> None:
            super().__init__()
            self.generation = generation
            self.page = page
            self.replace = replace
            self.keep = keep

    class Loaded(Message):
        """Sent after a page has been taken in (tests and the app wait on it)."""

        def __init__(self, lazy_list: LazyList) -> None:
            super().__init__()
            self.lazy_list = lazy_list

        @property
        def control(self) -> LazyList:
            return self.lazy_list

    def __init__(self, columns: list[Column], loader: Loader | None = None, *, noun: str = "rows",
                 empty: str = "Nothing here yet.", page_size: int = PAGE_SIZE,
                 name: str | None = None, id: str | None = None,  # noqa: A002 - Textual's name
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = columns
        self.loader = loader
        self.noun = noun
        self.empty = empty
        self.page_size = page_size
        self._state = _State()
        self._generation = 0
        self._prefer: Hashable | None = None
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(512)
        self._column_widths: dict[int, list[int]] = {}

    # ---- data -----------------------------------------------------------------------------
    @property
    def rows(self) -> list[Row]:
        return self._state.rows

    @property
    def total(self) -> int | None:
        return self._state.total

    @property
    def loaded_once(self) -> bool:
        return self._state.loaded_once

    @property
    def current(self) -> Row | None:
        rows = self._state.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def set_loader(self, loader: Loader | None, *, reload: bool = True) -> None:
        self.loader = loader
        if reload:
            self.reload(keep_selection=False)

    def reload(self, *, keep_selection: bool = True) -> None:
        """Read the list again from the start (as many rows as are held now, at least a page)."""
        self._generation += 1
        keep = self.current.key if keep_selection and self.current else None
        if self._prefer is not None:
            keep, self._prefer = self._prefer, None
        limit = max(self.page_size, len(self._state.rows)) if keep_selection else self.page_size
        if not keep_selection:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self._start(None, limit, replace=True, keep=keep)

    def prefer(self, key: Hashable) -> None:
        """Put the cursor on this row after the next reload (a merged story has a new row)."""
        self._prefer = key

    def set_rows(self, rows: list[Row]) -> None:
        """Show rows computed elsewhere (small lists)."""
        self._generation += 1
        self._take(Page(rows=rows, more=False, total=len(rows)), replace=True, keep=None)

    def update_row(self, key: Hashable, change: Callable[[Row], Row]) -> None:
        for i, row in enumerate(self._state.rows):
            if row.key == key:
                self._state.rows[i] = change(row)
                self._cache.clear()
                self.refresh()
                return

    def _start(self, after: Row | None, limit: int, *, replace: bool, keep: Hashable | None) -> None:
        if self.loader is None:
            return
        loader, generation = self.loader, self._generation
        self._state.loading = True
        open_db = self.app.thread_db  # type: ignore[attr-defined]

        def work() -> None:
            page = loader(open_db(), after, limit)
            self.post_message(self.PageLoaded(generation, page, replace, keep))

        self.run_worker(work, thread=True, group="lazy-list-load", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A loader that failed (a locked or damaged database) leaves a message, not a spinner."""
        if event.worker.group == "lazy-list-load" and event.state == WorkerState.ERROR:
            self._state.loading = False
            self._state.loaded_once = True
            error = str(event.worker.error or "unknown error").splitlines()[0][:200]
            self.empty = f"Could not read this list: {error}"
            self._cache.clear()
            self.refresh()

    def on_lazy_list_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._take(message.page, message.replace, message.keep)

    def _take(self, page: Page, replace: bool, keep: Hashable | None) -> None:
        state = self._state
        state.loading = False
        state.loaded_once = True
        if replace:
            state.rows = list(page.rows)
        else:
            state.rows.extend(page.rows)
        state.more = page.more
        if replace:
            state.empty = page.empty
        state.total = page.total if page.total is not None else (
            None if page.more else len(state.rows))
        if replace:                           # an appended page leaves the lines held as they are
            self._cache.clear()
        self._resize()
        if replace:
            index = 0
            if keep is not None:
                index = next((i for i, row in enumerate(state.rows) if row.key == keep), 0)
            if state.rows:
                self.cursor = min(index, len(state.rows) - 1)
            else:
                self.cursor = 0
        self._update_title()
        self.refresh()
        self.post_message(self.Loaded(self))

    def _update_title(self) -> None:
        state = self._state
        held = len(state.rows)
        if state.total is None:
            self.border_subtitle = f"{held:,}+ {self.noun}"
        elif state.total > held:
            self.border_subtitle = f"{held:,} of {state.total:,} {self.noun}"
        else:
            self.border_subtitle = f"{held:,} {self.noun}"

    def _maybe_more(self) -> None:
        state = self._state
        if state.more and not state.loading and self.cursor >= len(state.rows) - PREFETCH:
            self._start(state.rows[-1] if state.rows else None, self.page_size, replace=False, keep=None)

    # ---- geometry and drawing --------------------------------------------------------------
    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._state.rows) + 1)

    def on_resize(self) -> None:
        """Lines are cached by width: a list shown again (a view switch sends it a Resize at the
        same size) paints from its cache."""
        self._resize()

    def _widths(self, width: int) -> list[int]:
        """Each column's width (0: hidden at this width). The line never overflows: when the fixed
        columns leave a flexible one (a title) less than its `min_width` (or `FLEX_MIN`), the fixed
        columns with a `min_width` give up cells, the rightmost first, and if that is not enough
        the rightmost fixed columns are dropped; a cell is never cut off by the edge."""
        cached = self._column_widths.get(width)
        if cached is not None:
            return cached
        widths = [c.width if width >= c.hide_below else 0 for c in self.columns]
        flex = [i for i, c in enumerate(self.columns) if not c.width and width >= c.hide_below]
        flex_min = sum(self.columns[i].min_width or FLEX_MIN for i in flex)

        def short_by() -> int:
            shown = sum(1 for i, w in enumerate(widths) if w or i in flex)
            return sum(widths) + max(0, shown - 1) + flex_min - width

        for i in reversed(range(len(self.columns))):
            column = self.columns[i]
            if column.width and column.min_width and widths[i]:
                widths[i] -= min(max(0, short_by()), widths[i] - column.min_width)
        while short_by() > 0 and any(widths[1:]):
            widths[max(i for i, w in enumerate(widths) if w and i)] = 0
        room = width - sum(widths) - max(0, sum(1 for i, w in enumerate(widths) if w or i in flex) - 1)
        if widths[0] and room < len(flex):           # a tiny list: the first column gives way too
            widths[0] = max(1, widths[0] - (len(flex) - room))
            room = len(flex)
        for number, i in enumerate(flex):
            widths[i] = max(1, room // len(flex) + (1 if number < room % len(flex) else 0))
        self._column_widths[width] = widths
        return widths

    def _compose_line(self, cells: list[Text], width: int) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        first = True
        for column, cell, w in zip(self.columns, cells, self._widths(width), strict=False):
            if not w:
                continue
            if not first:
                out.append(" ")
            first = False
            piece = cell.copy()
            piece.no_wrap = True
            piece.truncate(w, overflow="ellipsis")
            pad = w - piece.cell_len
            if pad > 0:
                if column.justify == "right":
                    piece = Text(" " * pad) + piece
                else:
                    piece.pad_right(pad)
            out.append_text(piece)
        return out

    def _strip(self, text: Text, width: int, style: Style, post: Style | None = None) -> Strip:
        segments = Segment.apply_style(text.render(self.app.console, end=""), style, post)
        return Strip(list(segments)).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y - 1 + int(self.scroll_offset.y)
        is_cursor = index == self.cursor
        key = (index, width, is_cursor, is_cursor and self.has_focus)
        if y and (cached := self._cache.get(key)) is not None:
            return cached                         # before rich_style: that lookup is the costly part
        base = self.rich_style
        if y == 0:
            widths = self._widths(width)
            labels = [c.short if c.short and w < len(c.label) else c.label
                      for c, w in zip(self.columns, widths, strict=True)]
            header = self._compose_line([Text(label) for label in labels], width)
            return self._strip(header, width, base + self.get_component_rich_style("lazy-list--header"))
        rows = self._state.rows
        if not rows:
            if y == 1 and self._state.loaded_once:
                text = Text(" " + (self._state.empty or self.empty))
                return self._strip(text, width, base + self.get_component_rich_style("lazy-list--empty"))
            if y == 1:
                return self._strip(Text(" Loading…"), width,
                                   base + self.get_component_rich_style("lazy-list--empty"))
            return Strip.blank(width, base)
        if index >= len(rows):
            return Strip.blank(width, base)
        row = rows[index]
        style = base
        if row.dim:
            style += self.get_component_rich_style("lazy-list--dim")
        if row.marked:
            style += self.get_component_rich_style("lazy-list--marked")
        post = None
        if is_cursor:
            name = "lazy-list--cursor" if self.has_focus else "lazy-list--cursor-blurred"
            post = self.get_component_rich_style(name)
            style += post
        strip = self._strip(self._compose_line(list(row.cells), width), width, style, post)
        self._cache[key] = strip
        return strip

    def watch_cursor(self, old: int, new: int) -> None:
        rows = self._state.rows
        if not rows:
            return
        if new < 0 or new >= len(rows):
            self.cursor = max(0, min(new, len(rows) - 1))
            return
        self._scroll_to_cursor()
        self._refresh_row(old)
        self._refresh_row(new)
        self.post_message(self.Highlighted(self, rows[new]))
        self._maybe_more()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        """Repaint one row's line (the cache is keyed by cursor and focus, so nothing to drop)."""
        if 0 <= index < len(self._state.rows):
            self.refresh_line(index + 1)          # virtual line: the header is line 0

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        state = self._state
        visible = self.scrollable_content_region.height
        if state.more and not state.loading and int(new) + visible >= len(state.rows) - PREFETCH:
            self._start(state.rows[-1] if state.rows else None, self.page_size, replace=False, keep=None)

    # ---- keys and mouse --------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_down(self) -> None:
        if self.cursor < len(self._state.rows) - 1:
            self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        if self._state.rows:
            step = max(1, self.scrollable_content_region.height - 2)
            self.cursor = min(len(self._state.rows) - 1, self.cursor + step)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self._state.rows:
            self.cursor = len(self._state.rows) - 1

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = offset.y - 1 + int(self.scroll_offset.y)
        if 0 <= index < len(self._state.rows):
            self.focus()
            if index != self.cursor:
                self.cursor = index
            if event.chain >= 2:
                self.action_select()
