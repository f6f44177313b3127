"""The command palette's provider: every action of the dashboard, by name, in context."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import PartwatchApp


class PartwatchCommands(Provider):
    def _items(self) -> list[tuple[str, str, object]]:
        app: PartwatchApp = self.app  # type: ignore[assignment]
        return app.command_list()  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._items():
            yield DiscoveryHit(name, partial(self._run, callback), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._items():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, callback), text=name,
                          help=help_text)

    def _run(self, callback: object) -> None:
        assert callable(callback)
        callback()
