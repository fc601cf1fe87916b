"""References between the rows of one run, and names looked up in the account.

A cell may name an object another row of the same workbook creates, as
`ref:<Sheet>!<key>`, or by its name (a group's name path, a user's email). `Links` knows
every row read so far by the keys it can be referred to by, and what became of it:

- a row that refers to another waits for it (aside, without holding a request slot),
  then takes its id; when that row failed, was invalid or was not sent, this one ends
  `not_attempted` with a message naming it;
- a name is looked up once the rows that could create it have finished, in the account's
  objects plus the ones this run created (`Directory`); a row whose names no sheet here
  can create only looks them up, in its own slot (`Links.needs`: LOOKUP, not WAIT);
- in a dry run, what a row would create resolves as a `Pending`, and the rows that refer
  to it are planned with a note ("Group ID would be created by Groups row 3").

Waits only go to earlier sheets (sheets run in dependency order) or to rows above in the
same sheet, so they can never form a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import anyio

from bulkops.engine.directory import Directory
from bulkops.engine.failures import Failed
from bulkops.engine.sources import Blocked, SourceCells, SourceIds, kind_of, source_key
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.payload import CLEARED
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref, in_account, sheet_of
from bulkops.model.schema import Column, Kind, Resource
from bulkops.validation.references import ref_keys

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["LOOKUP", "NOTHING", "WAIT", "Blocked", "Links", "Pending"]


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


@dataclass
class _Slot:
    record: RowRecord
    done: anyio.Event = field(default_factory=anyio.Event)
    outcome: RowOutcome | None = None


_SETTLED: Final = (Status.SUCCEEDED, Status.UNCHANGED)

#: what a row's references need (`Links.needs`)
NOTHING: Final = 0
LOOKUP: Final = 1
WAIT: Final = 2


class Links(SourceCells):
    """Run-wide register of rows and named objects; see the module's docstring."""

    def __init__(
        self,
        sheets: list[tuple[str, Resource]],
        dry_run: bool = False,
        sources: SourceIds | None = None,
    ) -> None:
        self.dry_run = dry_run
        #: a migration's source ids (None: the workbook's ids are this account's)
        self.sources = sources
        self.sheets = dict(sheets)
        self._sheets = sheets
        self.position = {name: index for index, (name, _) in enumerate(sheets)}
        self.read = {name: anyio.Event() for name, _ in sheets}
        self._rows: dict[tuple[str, int], _Slot] = {}
        self._keys: dict[tuple[str, str], list[int]] = {}
        self._names: dict[tuple[str, str], list[tuple[str, int]]] = {}
        #: row -> the row whose failure kept it from being sent (the first of a chain)
        self._cause: dict[tuple[str, int], tuple[str, int]] = {}
        self.directory = Directory()
        #: what rows name by text is listed: rows may go (`Run._prelist`)
        self.prelisted = anyio.Event()
        self._resources = {resource.name for _, resource in sheets}
        #: resources some column of this workbook's sheets can refer to
        self._referred = {
            kind_of(c) for _, resource in sheets for c in resource.columns if kind_of(c)
        }
        self._refers = {
            resource.name: tuple(c for c in resource.columns if kind_of(c))
            for _, resource in sheets
        }

    # -- the rows -------------------------------------------------------------------------

    def register(self, record: RowRecord, resource: Resource) -> None:
        """A row read from a sheet: referable by its keys from now on."""
        if resource.name not in self._referred or record.action == "delete":
            # no sheet of this workbook can refer to it; or it deletes its object (so it
            # provides nothing, and waits for later sheets: none may wait for it)
            return
        self._rows[(record.sheet, record.row)] = _Slot(record)
        keys = ref_keys(resource, record)
        if self.sources is not None and self.sources.origin(record) is not None:
            keys.append(source_key(self.sources.origin(record)))
        for key in keys:
            self._keys.setdefault((record.sheet, key), []).append(record.row)
        name = _text(record.values.get(resource.by_path[resource.key_paths[0]]))
        if name:
            last = name.rsplit("/", 1)[-1].strip().casefold()
            self._names.setdefault((resource.name, last), []).append((record.sheet, record.row))

    def finished_reading(self, sheet: str) -> None:
        self.read[sheet].set()

    def settle(self, record: RowRecord, outcome: RowOutcome) -> None:
        """What became of a row; rows waiting for it go on."""
        resource = self.sheets.get(record.sheet)
        if resource is None or resource.name not in self._referred:
            return
        slot = self._rows.get((record.sheet, record.row))
        if slot is None:
            slot = self._rows[(record.sheet, record.row)] = _Slot(record)
        slot.outcome = outcome
        ident: Any = outcome.resource_id
        if outcome.status in _SETTLED and ident is not None:
            self.directory.made(resource, slot.record.values, ident)
        elif outcome.status is Status.PLANNED and ident is None:
            self.directory.made(resource, slot.record.values, Pending(record.sheet, record.row))
        slot.done.set()

    def _referring(self, resource: Resource, record: RowRecord) -> list[tuple[Column, Any]]:
        """The row's cells that name another object: a `ref:`, a name, or a natural key (a
        phone number) that a sheet of this workbook may create. A delete row with an id
        names nothing: its other cells do not matter."""
        if record.action == "delete" and record.resource_id is not None:
            return []
        values = record.values
        found = []
        for column in self._refers.get(resource.name, ()):
            value = values.get(column)
            if (
                self._source_cell(column, value)
                or isinstance(value, Ref | Named)
                or (
                    # a natural key another sheet may create (a number a Numbers row orders);
                    # text where names are looked up only when the row says so stays text
                    isinstance(value, str)
                    and column.refers in self._resources
                    and not column.finder
                )
            ):
                found.append((column, value))
        return found

    def needs(self, resource: Resource, record: RowRecord) -> int:
        """What the row's references need: NOTHING; a LOOKUP in the account only (done in
        the row's own slot); or to WAIT for rows of this workbook (done aside, holding no
        slot): a `ref:` to a sheet here, a name or a number such a sheet may create."""
        found = NOTHING
        for column, value in self._referring(resource, record):
            if self._source_cell(column, value) and (
                isinstance(value, str)  # a number: mapped, or ordered in the row's slot
                or kind_of(column) not in self._resources
                or not self._unmapped(column, value)
            ):
                found = LOOKUP
                continue
            if isinstance(value, Ref):
                if sheet_of(value, column.refers or "", self._sheets) is None:
                    found = LOOKUP
                    continue
            elif isinstance(value, Named) and value.resource not in self._resources:
                found = LOOKUP
                continue
            return WAIT
        return found

    # -- resolving ------------------------------------------------------------------------

    async def resolve(self, work: SheetWork, record: RowRecord) -> list[str]:
        """Replace every reference and name in the row by the id it stands for. Returns
        notes on what in a dry run would only exist once other rows ran (empty when all is
        known). Raises `Blocked`."""
        resource = work.resource
        found: dict[Column, Any] = {}
        failures: list[Blocked] = []

        async def one(column: Column, value: Any) -> None:
            try:
                if isinstance(value, str) and self._source_cell(column, value):
                    numbers.append((column, value))  # once the row's group is known
                elif self._source_cell(column, value):
                    found[column] = await self._by_source(work, record, column, value)
                elif isinstance(value, Ref):
                    found[column] = await self._by_ref(work, record, resource, column, value)
                elif isinstance(value, Named):
                    found[column] = await self._by_name(work, record, resource, column, value)
                else:
                    found[column] = await self._by_key(record, column, value)
            except Blocked as blocked:
                failures.append(blocked)
            except Failed as failed:  # the API did not answer a look-up
                failures.append(Blocked(Status.FAILED, f"could not look it up: {failed.error}"))

        numbers: list[tuple[Column, str]] = []
        pending = self._referring(resource, record)
        if len(pending) == 1:
            await one(*pending[0])
        elif pending:
            async with anyio.create_task_group() as group:  # a row's look-ups go at once
                for column, value in pending:
                    group.start_soon(one, column, value)
        if failures:
            raise failures[0]
        notes: list[str] = []
        if numbers:
            for column, value in found.items():
                if not isinstance(value, Pending):
                    record.values[column] = value
            notes += await self._numbers(work, record, numbers, found)
        for column in self._refers.get(resource.name, ()):  # in column order
            if column in found:
                pending = found[column]
                if isinstance(pending, Pending):
                    verb = self.sheets[pending.sheet].provides
                    notes.append(f"{column.label} would be {verb} by {pending}")
                record.values[column] = found[column]
        if record.key is not None:
            key_columns = [resource.by_path[p] for p in resource.key_paths]
            record.key = (record.key[0], *(record.values.get(c) for c in key_columns[1:]))
        return notes

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

    async def _rows_before(
        self, record: RowRecord, target: str, keys: tuple[str, ...]
    ) -> list[tuple[str, int, RowOutcome]]:
        """The rows of `target`'s sheets that run before this one (earlier sheets, rows
        above) with one of `keys` (or, for a name path, its last name), once they are done."""
        rows: list[tuple[str, int, RowOutcome]] = []
        for sheet, other in self.sheets.items():
            if other.name != target or self.position[sheet] > self.position[record.sheet]:
                continue
            if sheet != record.sheet:
                await self.read[sheet].wait()
            candidates = [r for key in keys for r in self._keys.get((sheet, key), [])]
            candidates += [r for s, r in self._names.get((target, keys[-1]), []) if s == sheet]
            for row in dict.fromkeys(candidates):
                if sheet != record.sheet or row < record.row:
                    rows.append((sheet, row, await self._outcome_of(sheet, row)))
        return rows

    def _value(
        self, record: RowRecord, column: Column, sheet: str, row: int, outcome: RowOutcome
    ) -> Any:
        """What a referred row's outcome gives the referring cell, or why it cannot be sent
        (naming the row that failed first, when the referred row was itself held up)."""
        ident = outcome.resource_id
        if outcome.status is Status.PLANNED:
            return Pending(sheet, row) if ident is None else _typed(column, ident)
        if outcome.status in _SETTLED and ident is not None:
            if isinstance(ident, str) and ";" in ident:
                raise Blocked(
                    Status.INVALID,
                    f"not sent: {column.label}: {sheet} row {row} ordered several numbers; "
                    "refer to a row that orders one",
                )
            return _typed(column, ident)
        cause = self._cause.get((sheet, row))
        self._cause[(record.sheet, record.row)] = cause or (sheet, row)
        first = outcome
        why = f"{sheet} row {row}, which ended {outcome.status.value}"
        fix = "that row"
        if cause is not None:
            first = self._rows[cause].outcome or outcome
            why = (
                f"{sheet} row {row}, which was not sent either: {cause[0]} row {cause[1]} "
                f"ended {first.status.value}"
            )
            fix = f"{cause[0]} row {cause[1]}"
        detail = f" ({first.message})" if first.message else ""
        raise Blocked(
            Status.NOT_ATTEMPTED,
            f"not sent: {column.label} refers to {why}{detail}; fix {fix}, then run again "
            "with --resume",
        )

    async def _by_key(self, record: RowRecord, column: Column, value: str) -> Any:
        """A natural key (a phone number) that a row of this workbook may create: wait for
        that row; the value stays as it is."""
        for sheet, row, outcome in await self._rows_before(
            record, column.refers or "", (value.casefold(),)
        ):
            if outcome.status is Status.PLANNED:
                return Pending(sheet, row, value)
            if outcome.status not in _SETTLED:
                raise Blocked(
                    Status.NOT_ATTEMPTED,
                    f"not sent: {column.label} {value} is what {sheet} row {row} was to "
                    f"provide, and that row ended {outcome.status.value}; fix it, then "
                    "run again with --resume",
                )
        return value

    async def _outcome_of(self, sheet: str, row: int) -> RowOutcome:
        slot = self._rows[(sheet, row)]
        await slot.done.wait()
        assert slot.outcome is not None
        return slot.outcome

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
            failed = [(s, r, o) for s, r, o in waited if o.status not in _SETTLED]
            if failed:
                sheet, row, outcome = failed[0]
                raise Blocked(
                    Status.NOT_ATTEMPTED,
                    f"not sent: {column.label} '{named.text}' was to be created by {sheet} row "
                    f"{row}, which ended {outcome.status.value}",
                ) from None
            raise Blocked(Status.FAILED, f"{column.label}: {missing.args[0]}") from None
        if isinstance(found, Pending):
            return found
        return _typed(column, found)


def _text(value: Any) -> str:
    if value is None or value is CLEARED or isinstance(value, Ref | Named | Pending):
        return ""
    return str(value).strip()


def _typed(column: Column, value: Any) -> Any:
    """An id as the referring column holds it (the journal keeps ids as text)."""
    if column.kind is Kind.INTEGER and isinstance(value, str) and value.isdigit():
        return int(value)
    return value
