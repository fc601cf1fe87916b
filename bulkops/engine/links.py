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
from bulkops.engine.naming import SETTLED, NamedCells, Pending, typed
from bulkops.engine.sources import Blocked, SourceCells, SourceIds, kind_of, source_key
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.payload import CLEARED
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref, sheet_of
from bulkops.model.schema import Column, Resource
from bulkops.validation.references import ref_keys

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["LOOKUP", "NOTHING", "WAIT", "Blocked", "Links", "Pending"]


@dataclass
class _Slot:
    record: RowRecord
    done: anyio.Event = field(default_factory=anyio.Event)
    outcome: RowOutcome | None = None


#: what a row's references need (`Links.needs`)
NOTHING: Final = 0
LOOKUP: Final = 1
WAIT: Final = 2


class Links(SourceCells, NamedCells):
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
        """What became of a row (in a migration, what its source id became); rows waiting
        for it go on."""
        resource = self.sheets.get(record.sheet)
        if self.sources is not None and resource is not None:
            self.sources.settled(resource, record, outcome)
        if resource is None or resource.name not in self._referred:
            return
        slot = self._rows.get((record.sheet, record.row))
        if slot is None:
            slot = self._rows[(record.sheet, record.row)] = _Slot(record)
        slot.outcome = outcome
        ident: Any = outcome.resource_id
        if outcome.status in SETTLED and ident is not None:
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
        slot): a `ref:` to a sheet here, a name or a number such a sheet may create. (A
        migration's row that is not sent is told so by `resolve`, in its slot.)"""
        if self.sources is not None and self.sources.unsent(record):
            return LOOKUP
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
        known). Raises `Blocked` (a migration's delete of what the target never got:
        `unchanged`)."""
        unsent = self.sources.unsent(record) if self.sources is not None else None
        if unsent is not None:
            raise Blocked(Status.UNCHANGED, unsent)
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
            return Pending(sheet, row) if ident is None else typed(column, ident)
        if outcome.status in SETTLED and ident is not None:
            if isinstance(ident, str) and ";" in ident:
                raise Blocked(
                    Status.INVALID,
                    f"not sent: {column.label}: {sheet} row {row} ordered several numbers; "
                    "refer to a row that orders one",
                )
            return typed(column, ident)
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

    async def _outcome_of(self, sheet: str, row: int) -> RowOutcome:
        slot = self._rows[(sheet, row)]
        await slot.done.wait()
        assert slot.outcome is not None
        return slot.outcome


def _text(value: Any) -> str:
    if value is None or value is CLEARED or isinstance(value, Ref | Named | Pending):
        return ""
    return str(value).strip()
