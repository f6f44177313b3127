"""The footer: the active key bindings as one line of text (styled in tui/partwatch.tcss).

Textual's Footer recomposes one widget per key whenever the bindings change, which happens on
every focus change; measured here it cost ~60 ms per view switch. This draws the same
information as a single Content line (clickable: a click presses the key), so a view switch
costs one repaint of one line, and none when the keys shown stay the same: a repaint of the
bottom line alongside one of the tabs would make Textual redraw everything between them.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    _shown: tuple[tuple[str, str, bool, str], ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        shown: list[tuple[str, str, bool, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((self.app.get_key_display(binding), binding.description, enabled,
                          binding.key.split(",")[0]))
        if tuple(shown) == self._shown:
            return
        self._shown = tuple(shown)
        parts = [Content.from_markup(f"[{'bold $footer-key-foreground' if enabled else 'dim'}]$key[/] "
                                     "$description", key=key, description=description)
                 .stylize(f"@click=app.simulate_key({press!r})")
                 for key, description, enabled, press in shown]
        palette = Content.from_markup("[bold $footer-key-foreground]^p[/] palette").stylize(
            "@click=app.command_palette")
        line = Content("  ").join(parts)
        self.update(line + Content("  ") + palette if parts else palette, layout=False)
