"""Several awaitables at once, failing as one would: the first exception any raised comes
out as itself once all have ended (an anyio task group would wrap it in an exception group,
past every `except Failed` above it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import anyio

__all__ = ["together"]


async def together(calls: Iterable[Callable[[], Awaitable[object]]]) -> None:
    errors: list[Exception] = []

    async def one(call: Callable[[], Awaitable[object]]) -> None:
        try:
            await call()
        except Exception as error:  # (cancellation is not caught: it stops them all)
            errors.append(error)

    async with anyio.create_task_group() as group:
        for call in calls:
            group.start_soon(one, call)
    if errors:
        raise errors[0]
