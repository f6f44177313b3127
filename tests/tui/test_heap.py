"""The garbage-collector freeze that keeps full collections off the keys must not leak: what
was frozen and dies in a cycle later (a closed screen, a toast) goes in the sweep while idle."""

from __future__ import annotations

import gc
import weakref

from tests.tui.conftest import settle
from tui.app import IDLE_SECONDS


class Node:
    def __init__(self) -> None:
        self.me = self                                     # a cycle: only the collector frees it


async def test_what_dies_after_a_freeze_is_freed_by_the_idle_sweep(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        node = Node()
        alive = weakref.ref(node)
        await pilot.press("6")
        await settle(pilot)                                # a page taken in: the heap is frozen
        del node
        gc.collect()
        assert alive() is not None                         # frozen: out of the collector's sight
        app._sweep_heap_when_idle()                        # someone is typing: no sweep yet
        assert alive() is not None
        app._last_input -= IDLE_SECONDS
        app._sweep_heap_when_idle()
        assert alive() is None
