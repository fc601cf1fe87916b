"""How a cell that names another object is resolved (a part of `Links`, in
`bulkops.engine.links`, kept apart along that seam): a `ref:` to a row of this workbook, a
name looked up once the rows that could create it are done, a natural key (a number) a
row of this workbook may provide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bulkops.engine.directory import Directory
from bulkops.engine.sources import Blocked, SourceIds
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref, in_account, sheet_of
from bulkops.model.schema import Column, Kind, Resource

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["SETTLED", "NamedCells", "Pending", "typed"]

#: what a referred row ended as, when it provides its object
SETTLED: Final = (Status.SUCCEEDED, Status.UNCHANGED)


@dataclass(frozen=True)
class Pending:
    """In a dry run: the object a row would create (it has no id yet)."""

    sheet: str
    row: int
    #: what it stands for when that is already known (a phone number an order will get)
    value: Any = None

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}"

    def shown(self) -> Any:
        """How a dry run's request shows it."""
        return self.value if self.value is not None else f"<id of {self}>"


class NamedCells:
    """The cells that name another object (see the module's docstring)."""

    dry_run: bool
    directory: Directory
    sheets: dict[str, Resource]
    position: dict[str, int]
    read: dict[str, Any]
    _sheets: list[tuple[str, Resource]]
    _keys: dict[tuple[str, str], list[int]]
    _resources: set[str]
    #: a migration's source ids (None: the workbook's ids are the account's own)
    sources: SourceIds | None

    async def _rows_before(
        self, record: RowRecord, target: str, keys: tuple[str, ...]
    ) -> list[tuple[str, int, RowOutcome]]:
        raise NotImplementedError  # (`Links` has them)

    def _value(
        self, record: RowRecord, column: Column, sheet: str, row: int, outcome: RowOutcome
    ) -> Any:
        raise NotImplementedError

    async def _outcome_of(self, sheet: str, row: int) -> RowOutcome:
        raise NotImplementedError

    def _check_order(self, record: RowRecord, target_sheet: str, target_row: int) -> None:
        if target_sheet == record.sheet and target_row >= record.row:
            raise Blocked(
                Status.INVALID,
                f"not sent: refers to row {target_row}, which is not above it: move that row above "
                "this one (rows run after the rows above them that they refer to)",
            )
        if self.position[target_sheet] > self.position[record.sheet]:
            raise Blocked(
                Status.INVALID,
                f"not sent: refers to sheet '{target_sheet}', which runs after '{record.sheet}'",
            )

    async def _by_ref(
        self, work: SheetWork, record: RowRecord, resource: Resource, column: Column, ref: Ref
    ) -> Any:
        sheet = sheet_of(ref, column.refers or "", self._sheets)
        if sheet is None and in_account(ref, column, self._sheets):
            # no sheet of this workbook creates these: the object is in the account already
            return await self._by_name(
                work, record, resource, column, Named(column.refers or "", ref.key)
            )
        if sheet is None:
            wanted = column.refers or "objects"
            known = ", ".join(f"'{s}'" for s, r in self.sheets.items() if r.name == wanted)
            raise Blocked(
                Status.INVALID,
                f"not sent: {column.label}: {ref} names no {wanted} sheet of this workbook"
                + (f" (there is {known})" if known else ""),
            )
        key = ref.key.casefold()
        rows = self._keys.get((sheet, key))
        if not rows:
            await self.read[sheet].wait()
            rows = self._keys.get((sheet, key))
        if not rows:
            raise Blocked(
                Status.INVALID,
                f"not sent: {column.label}: no row of sheet '{sheet}' has the key '{ref.key}' "
                "(its name, external id or reference): check the spelling",
            )
        if len(rows) > 1:
            raise Blocked(
                Status.INVALID,
                f"not sent: {column.label}: rows {', '.join(map(str, rows))} of sheet "
                f"'{sheet}' all have the key '{ref.key}': give them different keys",
            )
        self._check_order(record, sheet, rows[0])
        outcome = await self._outcome_of(sheet, rows[0])
        return self._value(record, column, sheet, rows[0], outcome)

    async def _by_name(
        self, work: SheetWork, record: RowRecord, resource: Resource, column: Column, named: Named
    ) -> Any:
        """A name: wait for the rows of this run that could create it, then look it up."""
        target = named.resource
        last = named.text.rsplit("/", 1)[-1].strip().casefold()
        waited = await self._rows_before(record, target, (named.text.casefold(), last))
        try:
            assert column.finder is not None  # (a name is only taken where it can be found)
            found = await self.directory.find(work, column.finder, named.text)
        except LookupError as missing:
            planned = [(s, r) for s, r, o in waited if o.status is Status.PLANNED]
            if planned and self.dry_run:
                return Pending(*planned[0])
            failed = [(s, r, o) for s, r, o in waited if o.status not in SETTLED]
            if failed:
                sheet, row, outcome = failed[0]
                raise Blocked(
                    Status.NOT_ATTEMPTED,
                    f"not sent: {column.label} '{named.text}' was to be created by {sheet} row "
                    f"{row}, which ended {outcome.status.value}",
                ) from None
            why = f"{column.label}: {missing.args[0]}"
            if self.sources is not None and target not in self._resources:
                why += f" (a migration: run the export's {target} first, then this)"
            raise Blocked(Status.FAILED, why) from None
        if isinstance(found, Pending):
            return found
        return typed(column, found)

    async def _by_key(self, record: RowRecord, column: Column, value: str) -> Any:
        """A natural key (a phone number) that a row of this workbook may create: wait for
        that row; the value stays as it is."""
        for sheet, row, outcome in await self._rows_before(
            record, column.refers or "", (value.casefold(),)
        ):
            if outcome.status is Status.PLANNED:
                return Pending(sheet, row, value)
            if outcome.status not in SETTLED:
                raise Blocked(
                    Status.NOT_ATTEMPTED,
                    f"not sent: {column.label} {value} is what {sheet} row {row} was to "
                    f"provide, and that row ended {outcome.status.value}; fix it, then "
                    "run again with --resume",
                )
        return value


def typed(column: Column, value: Any) -> Any:
    """An id as the referring column holds it (the journal keeps ids as text)."""
    if column.kind is Kind.INTEGER and isinstance(value, str) and value.isdigit():
        return int(value)
    return value
