"""Run coroutines at once and take their results as they finish, leaving none running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def as_finished(coroutines: Iterable[Coroutine[Any, Any, T]]) -> AsyncGenerator[T, None]:
    """Yield each result in completion order. However the caller stops (done, an error, or it
    closes the generator early), every task still running is cancelled and awaited before this
    returns, so the clients and pools they use can be closed right after."""
    tasks: list[asyncio.Task[T]] = []
    try:
        tasks.extend(asyncio.create_task(coroutine) for coroutine in coroutines)
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
