"""Deleting objects that hold others (`Removals`: across sheets, the objects of later
sheets first) and objects that hold others of their kind (a group and the groups below it) in
one run. The rows go at the same time, so a parent's DELETE may come before its
children's and be refused (409). Such a row then waits until every other delete row of
its sheet has finished or is waiting like it; then the waiting rows for which something
was deleted since they last tried go again, and the others wait on; when none can go
again, they all give up. Every round either deletes something or ends rows, so the waits
always end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio

__all__ = ["Deletes", "Removals", "aside"]


@dataclass(eq=False)  # compared by identity
class _Waiter:
    since: int
    event: anyio.Event = field(default_factory=anyio.Event)
    again: bool = False


class Deletes:
    """The delete rows of one sheet: how many there are, how many finished, which wait to
    try again after a 409."""

    def __init__(self) -> None:
        self.rows = 0
        self.finished = 0
        self.deleted = 0
        self.read = False
        self._waiting: list[_Waiter] = []

    def counted(self) -> None:
        """A delete row was read."""
        self.rows += 1

    def all_read(self) -> None:
        self.read = True
        self._release()

    def done(self, deleted: bool) -> None:
        """A delete row finished (`deleted`: it deleted something)."""
        self.finished += 1
        self.deleted += deleted
        self._release()

    async def wait_for_others(self, since: int) -> bool:
        """After a 409: wait until every other delete row finished or waits too. True when
        trying again can help: something was deleted since `since` (the count of deletes
        when this row sent its request)."""
        waiter = _Waiter(since)
        self._waiting.append(waiter)
        self._release()
        await waiter.event.wait()
        return waiter.again

    def _release(self) -> None:
        # Everyone else finished or waits. Rows for which something was deleted since
        # they tried go again, taken off the list at once (in flight again, no other row
        # counts them as waiting); the others keep waiting, as what those rows delete may
        # be what holds them. When no row can go again, they all give up.
        if not self._waiting or not self.read:
            return
        if self.finished + len(self._waiting) < self.rows:
            return
        hopeful = [w for w in self._waiting if self.deleted > w.since]
        released = hopeful or self._waiting
        self._waiting = [w for w in self._waiting if w not in released]
        for waiter in released:
            waiter.again = bool(hopeful)
            waiter.event.set()


class Removals:
    """Delete rows across a workbook's sheets: what later sheets hold (routes) goes before
    what holds them (their group). A sheet's delete rows wait, aside, until every later
    sheet has been read and its delete rows have finished. Later sheets never wait for an
    earlier sheet's delete rows (a row that deletes is no row's reference), so the waits
    always end."""

    def __init__(self, sheets: list[str]) -> None:
        self.position = {name: index for index, name in enumerate(sheets)}
        self._reading = set(sheets)
        self._open = dict.fromkeys(sheets, 0)
        self._changed = anyio.Event()

    def waits(self, sheet: str) -> bool:
        """Whether `sheet`'s delete rows wait for others (some sheet comes after it)."""
        return self.position.get(sheet, -1) < len(self.position) - 1

    def counted(self, sheet: str) -> None:
        """A delete row of `sheet` was read."""
        self._open[sheet] += 1

    def finished(self, sheet: str) -> None:
        """A counted delete row of `sheet` ended."""
        self._open[sheet] -= 1
        self._poke()

    def all_read(self, sheet: str) -> None:
        self._reading.discard(sheet)
        self._poke()

    async def wait(self, sheet: str) -> None:
        """Until the delete rows of every sheet after `sheet` have ended."""
        after = [s for s, at in self.position.items() if at > self.position[sheet]]
        while any(s in self._reading or self._open[s] for s in after):
            await self._changed.wait()

    def _poke(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()


def aside(sheet: str, deletes: Deletes | None, removals: Removals | None) -> bool:
    """A delete row of `sheet` was read: counted where deletes wait for one another, and
    whether it waits aside, unbounded (for the sheet's other deletes, which may be
    further down the sheet, or for a later sheet's deletes) rather than in a worker."""
    if removals is not None:
        removals.counted(sheet)
    if deletes is not None:
        deletes.counted()
    return deletes is not None or (removals is not None and removals.waits(sheet))
