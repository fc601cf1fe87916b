"""An export's sheets: one per resource, written row after row as the pages arrive (the
next page asked for while one is written), each cell as a person would type it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel
from anyio.streams.memory import MemoryObjectSendStream

from bulkops.config import PAGE_SIZE
from bulkops.engine.runner import Failed, Runner
from bulkops.errors import UnexpectedAnswer
from bulkops.exporting.names import owner
from bulkops.listing import Paging
from bulkops.model.schema import Column, Kind, Resource
from bulkops.output.csvbook import CsvBook
from bulkops.output.fastxlsx import FastBook
from bulkops.output.templates import header_labels
from bulkops.resources.export import cell_of, flattened

__all__ = ["Sheets"]

#: pages fetched ahead of the one being written (a few hundred KB each)
_AHEAD = 4
#: pages asked at once, when their offsets are known: enough to keep a 50/s rate busy
#: over a 150 ms round trip (the pages wait in `_AHEAD` and here: at most 12 in memory)
_FLYING = 8


class Sheets:
    """Writes one sheet per resource, row after row, as the pages arrive."""

    def __init__(
        self,
        book: FastBook | CsvBook,
        progress: Callable[[int], None] | None,
        within: set[Any] | None = None,
    ) -> None:
        self.book = book
        self.progress = progress
        self.within = within

    async def write(
        self, resource: Resource, reader: Runner, names: dict[str, dict[Any, str]]
    ) -> int:
        labels = header_labels(resource)
        widths = [12.0] + [max(12.0, min(40.0, len(label) + 3.0)) for label in labels[1:]]
        sheet = self.book.sheet(resource.sheet, len(labels), widths)
        sheet.row(labels, header=True)
        columns = [(column.path, _converter(column), names.get(column.label))
                   for column in resource.all_columns]  # fmt: skip
        belongs = owner(resource) if self.within is not None else None
        rows = 0
        async for items in _ahead(reader, resource.listing):
            for item in items:
                shaped = resource.shaped(item, phones=False)  # cell_of writes 10 digits
                if self.within is not None and (
                    belongs is None or shaped.get(belongs.path) not in self.within
                ):
                    continue
                rows += 1
                if rows % 20 == 0:  # let the next page's request go on while this one is written
                    await anyio.lowlevel.checkpoint()
                values = flattened(shaped)
                row: list[Any] = ["update"]
                for path, convert, typed in columns:
                    value = values.get(path)
                    if value is None or value == "" or value == []:
                        row.append(None)
                        continue
                    cell = convert(value)
                    row.append(typed.get(cell, cell) if typed is not None else cell)
                sheet.row(row)
            if self.progress is not None:
                self.progress(len(items))
        self.book.end_sheet()
        return rows


async def _ahead(reader: Runner, path: str) -> AsyncIterator[list[dict[str, Any]]]:
    """The pages of a listing, asked for ahead of the one being written (`_fetch`)."""
    send, receive = anyio.create_memory_object_stream[list[dict[str, Any]]](_AHEAD)
    failed: list[Failed] = []

    async def fetch() -> None:
        async with send:
            try:
                await _fetch(reader, path, send)
            except Failed as failure:  # raised where the pages are read, not in the group
                failed.append(failure)

    async with anyio.create_task_group() as group:
        group.start_soon(fetch)
        async with receive:
            async for items in receive:
                yield items
    if failed:
        raise failed[0]


@dataclass(eq=False)
class _Page:
    """A page asked for ahead: its answer (or failure) once it came."""

    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    came: anyio.Event = field(default_factory=anyio.Event)
    answer: Any = None
    failed: Failed | None = None

    async def result(self) -> Any:
        await self.came.wait()
        if self.failed is not None:
            raise self.failed
        return self.answer


async def _fetch(
    reader: Runner, path: str, send: MemoryObjectSendStream[list[dict[str, Any]]]
) -> None:
    """Every page of the listing, in order, into `send`. Once the list gives a total and
    pages as asked, the next pages' offsets are known: up to `_FLYING` are asked at once
    (each under the shared rate limit), so the server's time overlaps the rate limit's
    instead of adding to it. A page that comes back otherwise than planned (a shorter
    one before the end) sends the rest one after the other, from where it ended."""
    paging = Paging()
    waiting: dict[int, _Page] = {}

    async def get(page: _Page, offset: int) -> None:
        with page.scope:
            try:
                query = {"limit": PAGE_SIZE, "offset": offset}
                page.answer, _ = await reader.call("GET", path, params=query)
            except Failed as failure:
                page.failed = failure
        page.came.set()

    async with anyio.create_task_group() as group:
        while not paging.done:
            page = waiting.pop(paging.offset, None)
            if page is None:  # not asked ahead, or asked at offsets planned otherwise
                for stale in waiting.values():
                    stale.scope.cancel()
                waiting.clear()
                page = _Page()
                group.start_soon(get, page, paging.offset)
            answer = await page.result()
            try:
                items, new = paging.take(answer, path)
            except UnexpectedAnswer as unexpected:
                raise Failed(unexpected, 1) from None
            if new:
                await send.send(items)
            if paging.total is not None and len(items) == PAGE_SIZE and not paging.done:
                for offset in range(paging.offset, paging.total, PAGE_SIZE)[:_FLYING]:
                    if offset not in waiting:
                        waiting[offset] = _Page()
                        group.start_soon(get, waiting[offset], offset)
        group.cancel_scope.cancel()  # pages asked past the end the list turned out to have


def _converter(column: Column) -> Callable[[Any], Any]:
    """How a value of `column` is written in its cell (`cell_of`, decided once)."""
    if column.kind in (Kind.TEXT, Kind.CHOICE, Kind.EMAIL, Kind.TIMEZONE, Kind.DATETIME):
        return _same
    return lambda value: cell_of(column, value)


def _same(value: Any) -> Any:
    return value
