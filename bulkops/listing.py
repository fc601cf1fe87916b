"""A list answer of the API: its items, and every page of a listing. One place for how
lists are read, whatever asks (the account's objects, look-ups by name, directories)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bulkops.config import PAGE_SIZE

__all__ = ["listed_items", "pages"]


def listed_items(data: Any) -> list[dict[str, Any]]:
    """The one list in a list answer's data (its key differs per resource)."""
    if isinstance(data, list):
        return [i for i in data if isinstance(i, dict)]
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list):
                return [i for i in value if isinstance(i, dict)]
    return []


async def pages(
    call: Callable[..., Awaitable[tuple[Any, int]]],
    path: str,
    params: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[list[dict[str, Any]], int]]:
    """Every page of a list (`call` is the runner's rate-limited request): its items and the
    requests it took, until the list's total (or an empty page) is reached."""
    offset = 0
    while True:
        answer, used = await call(
            "GET", path, params={**(params or {}), "limit": PAGE_SIZE, "offset": offset}
        )
        items = listed_items(answer.data)
        yield items, used
        data = answer.data
        total = data.get("total", len(items)) if isinstance(data, dict) else len(items)
        offset += PAGE_SIZE
        if offset >= int(total) or not items:
            return
