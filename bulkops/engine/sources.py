"""The seam a migration plugs into a run: a workbook exported from another account holds
that account's ids, and `SourceIds` says what each became in this one (through the id
ledger, `bulkops.migration`). The engine asks it a few things and knows nothing else of
migrations: what a row's own id is here, what an id or number a cell gives is here, and
what a finished row made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bulkops.engine.directory import Directory
from bulkops.engine.failures import Failed
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref
from bulkops.model.schema import Column, Kind, Resource

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork
    from bulkops.model.seam import RunContext

__all__ = ["Blocked", "SourceCells", "SourceIds", "kind_of", "source_key"]


def source_key(ident: object) -> str:
    """The key a row is referred to by the source id it carries (`#70001`)."""
    return f"#{ident}"


class SourceIds(Protocol):
    def own(self, resource: Resource, record: RowRecord) -> None:
        """Rewrite the row's own id to the target's, or, when none is mapped yet, make the
        row find its object by its natural key (or create it)."""
        ...

    def unsent(self, record: RowRecord) -> str | None:
        """Why the row is not sent, when it must not be (it deletes an object the target
        never got): it then ends `unchanged`."""
        ...

    def origin(self, record: RowRecord) -> Any:
        """The source id the row carried, when its object is not mapped yet (None else)."""
        ...

    def mapped(self, kind: str, source: Any) -> Any:
        """The target id of a source object of `kind` (typed as ids are), None if unmapped."""
        ...

    async def number(
        self, run: RunContext, record: RowRecord, column: Column, value: str, held: Any
    ) -> tuple[Any, str | None]:
        """The target's number for a source number in `column`, and a note for a dry run
        (what it would order): mapped; else `held`, the number the row's object has in
        this account already (None: no such object); else (a column whose object takes
        the number) ordered like it in the row's group. Raises LookupError saying why
        there is none."""
        ...

    def settled(self, resource: Resource, record: RowRecord, outcome: RowOutcome) -> None:
        """A finished row: the object it made or found is what its source id became."""
        ...


def kind_of(column: Column) -> str:
    """The kind of object a referring cell names (its ids', for a list of ids)."""
    return column.refers or (column.id_of.kind if column.id_of is not None else "")


@dataclass
class Blocked(Exception):
    """A row that cannot be sent because of what it refers to."""

    status: Status
    message: str


class SourceCells:
    """What a migration adds to `Links` (`bulkops.engine.links`): the cells that hold the
    source account's ids or tracking numbers, each found as this account has it."""

    sources: SourceIds | None
    directory: Directory
    _resources: set[str]

    async def _rows_before(
        self, record: RowRecord, target: str, keys: tuple[str, ...]
    ) -> list[tuple[str, int, RowOutcome]]:
        raise NotImplementedError  # (`Links` has them)

    def _value(
        self, record: RowRecord, column: Column, sheet: str, row: int, outcome: RowOutcome
    ) -> Any:
        raise NotImplementedError

    def _source_cell(self, column: Column, value: Any) -> bool:
        """In a migration: a cell holding source ids (of a kind found by id) or a source
        tracking number; either is what the source account called it."""
        if self.sources is None or value is None or isinstance(value, bool):
            return False
        if column.refers == "numbers":
            return isinstance(value, str) and not isinstance(value, Ref | Named)
        if column.kind is Kind.ID_LIST:
            return column.id_of is not None and isinstance(value, list) and bool(value)
        return isinstance(value, int) and column.finder is not None

    def _unmapped(self, column: Column, value: Any) -> list[Any]:
        """The source ids of a cell that the ledger does not map yet."""
        assert self.sources is not None
        finder = column.finder or column.id_of
        assert finder is not None
        ids = value if isinstance(value, list) else [value]
        return [i for i in ids if self.sources.mapped(finder.kind, i) is None]

    async def _by_source(
        self, work: SheetWork, record: RowRecord, column: Column, value: Any
    ) -> Any:
        """A cell's source ids, each as the target's (see `_source_id`); a list stays one."""
        if isinstance(value, list):
            return [await self._source_id(work, record, column, i) for i in value]
        return await self._source_id(work, record, column, value)

    async def _source_id(
        self, work: SheetWork, record: RowRecord, column: Column, value: Any
    ) -> Any:
        """A source id: what the ledger maps it to, else the object a row of this workbook
        carrying that id makes (waiting for it), else the target's own object of that id.
        None of these: the row is not sent (a guess could point at the wrong object)."""
        assert self.sources is not None
        finder = column.finder or column.id_of
        assert finder is not None
        mapped = self.sources.mapped(finder.kind, value)
        if mapped is not None:
            return mapped
        rows = await self._rows_before(record, finder.kind, (source_key(value),))
        if rows:
            sheet, row, outcome = rows[0]
            found = self._value(record, column, sheet, row, outcome)
            return int(found) if isinstance(found, str) and found.isdigit() else found
        if await self.directory.holds(work, finder, value):
            return value
        raise Blocked(
            Status.INVALID,
            f"not sent: {column.label} {value}: the ledger maps no {finder.noun} {value} of "
            f"the source account, no row above carries it, and this account has no "
            f"{finder.noun} {value}: migrate that {finder.noun} first (an earlier wave, or "
            "its sheet in this workbook), or give its name",
        )

    async def _numbers(
        self,
        work: SheetWork,
        record: RowRecord,
        numbers: list[tuple[Column, str]],
        found: dict[Column, Any],
    ) -> list[str]:
        """The row's source numbers, as the target's: mapped; else the number the row's
        object has already, when this account has it (a ledger that lost its mapping
        must not buy a second one); else ordered like it."""
        assert self.sources is not None
        notes = []
        for column, value in numbers:
            try:
                held = await _held(work, record, column)
                found[column], note = await self.sources.number(work, record, column, value, held)
            except LookupError as missing:
                raise Blocked(Status.INVALID, f"not sent: {missing.args[0]}") from None
            except Failed as failed:
                raise Blocked(
                    Status.FAILED, f"{column.label}: could not order a number: {failed.error}"
                ) from None
            if note:
                notes.append(note)
        return notes


async def _held(work: SheetWork, record: RowRecord, column: Column) -> Any:
    """What the object a row without an id finds by its natural key (its name, its group,
    as resolved) has in `column`; None when the account has no such object."""
    resource = work.resource
    if record.resource_id is not None or not resource.key_paths:
        return None
    key = [record.values.get(resource.by_path[p]) for p in resource.key_paths]
    if not isinstance(key[0], str) or not all(k is None or isinstance(k, str | int) for k in key):
        return None
    await work.ensure_existing()
    ids = work.existing.find((key[0].casefold(), *key[1:]))
    item = work.existing.get(ids[0]) if len(ids) == 1 else None
    return column.value_in(item) if item is not None else None
