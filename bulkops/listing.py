"""A list answer of the API: its items, and every page of a listing. One place for how
lists are read, whatever asks (the account's objects, look-ups by name, directories)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bulkops.config import PAGE_SIZE
from bulkops.errors import UnexpectedAnswer

__all__ = ["Paging", "listed_items", "pages"]


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


@dataclass
class Paging:
    """Where a listing is, page after page, and whether it has ended: the offset steps
    by what came back (a server may cap a page below the limit asked); the list ends at
    its `total` when it gives one, else at an empty page or one shorter than the longest
    so far; a page that repeats the one before (a server ignoring offset) ends it too."""

    offset: int = 0
    longest: int = 0
    first: Any = None
    #: the list's total, as the last page gave it (None: it gives none)
    total: int | None = None
    done: bool = False

    def take(self, answer: Any, path: str) -> tuple[list[dict[str, Any]], bool]:
        """The page asked at `offset`: its items, and whether they are new (False: the
        page repeats the one before). Moves on; sets `done` when the list has ended."""
        items = listed_items(answer.data)
        if not items and not _holds_list(answer.data):
            raise UnexpectedAnswer(
                answer.status,
                f"the answer to GET {path} holds no list (expected data.<items>, a list, "
                f"beside data.total; request {answer.request_id or 'without id'})",
                request_id=answer.request_id,
            )
        if items and self.offset and items[0] == self.first:
            self.done = True  # the same page again: the server does not page
            return [], False
        if not items:
            self.done = True
            return items, True
        self.first = items[0]
        self.offset += len(items)
        self.longest = max(self.longest, len(items))
        data = answer.data
        total = data.get("total") if isinstance(data, dict) else None
        if isinstance(total, int) and not isinstance(total, bool):
            self.total = total
            self.done = self.offset >= total
        else:
            self.total = None
            self.done = len(items) < self.longest
        return items, True

    def query(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The parameters of the next page."""
        return {**(params or {}), "limit": PAGE_SIZE, "offset": self.offset}


async def pages(
    call: Callable[..., Awaitable[tuple[Any, int]]],
    path: str,
    params: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[list[dict[str, Any]], int]]:
    """Every page of a list (`call` is the runner's rate-limited request): its items and
    the requests it took, one page after the other (`Paging` says where it ends)."""
    paging = Paging()
    while not paging.done:
        answer, used = await call("GET", path, params=paging.query(params))
        items, new = paging.take(answer, path)
        if new:
            yield items, used
