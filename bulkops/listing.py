"""A list answer of the API: its items, and every page of a listing. One place for how
lists are read, whatever asks (the account's objects, look-ups by name, directories)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bulkops.config import PAGE_SIZE
from bulkops.errors import UnexpectedAnswer

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


def _holds_list(data: Any) -> bool:
    if isinstance(data, list):
        return True
    return isinstance(data, dict) and any(isinstance(v, list) for v in data.values())


async def pages(
    call: Callable[..., Awaitable[tuple[Any, int]]],
    path: str,
    params: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[list[dict[str, Any]], int]]:
    """Every page of a list (`call` is the runner's rate-limited request): its items and
    the requests it took.

    The offset steps by what came back (a server may cap a page below the limit asked);
    the list ends at its `total` when it gives one, else at an empty page or one shorter
    than the longest so far; a page that repeats the one before (a server ignoring
    offset) ends it too."""
    offset = 0
    longest = 0
    first: Any = None
    while True:
        answer, used = await call(
            "GET", path, params={**(params or {}), "limit": PAGE_SIZE, "offset": offset}
        )
        items = listed_items(answer.data)
        if not items and not _holds_list(answer.data):
            raise UnexpectedAnswer(
                answer.status,
                f"the answer to GET {path} holds no list (expected data.<items>, a list, "
                f"beside data.total; request {answer.request_id or 'without id'})",
                request_id=answer.request_id,
            )
        if items and offset and items[0] == first:
            return  # the same page again: the server does not page
        yield items, used
        if not items:
            return
        first = items[0]
        offset += len(items)
        longest = max(longest, len(items))
        data = answer.data
        total = data.get("total") if isinstance(data, dict) else None
        if isinstance(total, int) and not isinstance(total, bool):
            if offset >= total:
                return
        elif len(items) < longest:
            return
