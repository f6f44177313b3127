"""The footer: the active key bindings as one line of text (styled in tui/partwatch.tcss).

Textual's Footer recomposes one widget per key whenever the bindings change, which happens on
every focus change; measured here it cost ~60 ms per view switch. This draws the same
information as a single Content line (clickable: a click presses the key), so a view switch
costs one repaint of one line, and none when the keys shown stay the same: a repaint of the
bottom line alongside one of the tabs would make Textual redraw everything between them.

When the line is wider than the bar (80 columns), entries that the palette also reaches and
that matter least while reading go first (`SHED`), then others from the right; the palette
entry always stays, since it leads to every action.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

SHED = ("export", "poll", "quit", "open_link", "story.open_link", "help", "search")   # binding ids
GAP = Content("  ")


class KeyBar(Static):
    _shown: tuple[tuple[tuple[str | None, str, str, bool, str], ...], int] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        shown: list[tuple[str | None, str, str, bool, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding.id, self.app.get_key_display(binding), binding.description, enabled,
                          binding.key.split(",")[0]))
        state = (tuple(shown), self.content_size.width)
        if state == self._shown:
            return
        self._shown = state
        parts = [(binding_id, Content.from_markup(
                     f"[{'bold $footer-key-foreground' if enabled else 'dim'}]$key[/] $description",
                     key=key, description=description).stylize(f"@click=app.simulate_key({press!r})"))
                 for binding_id, key, description, enabled, press in shown]
        palette = Content.from_markup("[bold $footer-key-foreground]^p[/] palette").stylize(
            "@click=app.command_palette")
        room = self.content_size.width
        shed = [i for name in SHED for i, (part_id, _) in enumerate(parts) if part_id == name]
        shed += [i for i in reversed(range(len(parts))) if i not in shed]
        kept = list(range(len(parts)))
        while kept and room and self._length(parts, kept, palette) > room:
            kept.remove(next(i for i in shed if i in kept))
        self.update(GAP.join([parts[i][1] for i in kept] + [palette]), layout=False)

    @staticmethod
    def _length(parts: list[tuple[str | None, Content]], kept: list[int], palette: Content) -> int:
        return sum(parts[i][1].cell_length for i in kept) + GAP.cell_length * len(kept) + palette.cell_length
