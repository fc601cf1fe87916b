"""Migrations: a workbook `bulkops export` wrote from one account, run against another.

The export's `Source` sheet names the account its ids belong to. Run against that same
account, a workbook is an ordinary one. Run against another, its ids are the source's:
`Mapper` (the engine's `SourceIds` seam) rewrites each through the id ledger
(`bulkops.ledger`) before anything is sent, and records what each row made, so a later
wave (another run, days later, with the same ledger) finds what earlier ones created:

- a row's own id the ledger maps is the target's object (update, unchanged, delete); one
  it does not map makes the row find its object by its natural key, or create it (an
  upsert), and what it made is the source id's from then on; a delete of an object the
  target never got sends nothing (`unchanged`);
- an id a cell gives (a route's agent, webhook, SMS users) is the mapped one, else the
  object a row of this workbook carrying it makes, else the target's own object of that
  id, else a problem at that cell (`bulkops.engine.links`);
- a tracking number cannot move between accounts: the route gets a new number like it
  (same area code, same type), bought in the route's group and mapped old -> new. The
  ledger holds the order before it is sent, so a run that dies with it in flight finds
  that number the next time instead of buying another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import anyio

from bulkops.errors import (
    Conflict,
    InputError,
    NotFound,
    OutcomeUnknown,
    ServerError,
    UsageError,
)
from bulkops.io.tables import Workbook, open_workbook
from bulkops.labels import SOURCE_SHEET
from bulkops.ledger import BOUGHT, NUMBERS, ORDERING, Ledger, Pair
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.payload import CLEARED
from bulkops.model.record import RowRecord
from bulkops.model.schema import Column, Resource
from bulkops.model.seam import Failed, RunContext
from bulkops.output.csvbook import file_name
from bulkops.resources.numbers.orders import (
    ORDER,
    OrderBody,
    available_numbers,
    list_numbers,
    owned_numbers,
)

__all__ = ["Mapper", "Migration", "Origin", "origin_of"]

_TOLL_FREE: Final = frozenset({"800", "833", "844", "855", "866", "877", "888"})
_ORG_UNIT: Final = re.compile(r"\s*\(org unit (\d+)\)\s*$")
#: numbers asked for at once when looking for one like a source number
_CANDIDATES: Final = 50


@dataclass(frozen=True)
class Origin:
    """The account a workbook was exported from, as its `Source` sheet says."""

    where: str
    ident: str
    name: str

    @property
    def identity(self) -> str:
        return f"{self.where} #{self.ident}"


def origin_of(workbook: Workbook, path: Path | None = None) -> Origin | None:
    """What the workbook's `Source` sheet says, or for a CSV of an export folder
    (`bulkops export --csv`) the `source.csv` beside it (None: there is none, or it names
    no account)."""
    if SOURCE_SHEET in workbook.sheet_names:
        return _origin(workbook.sheet(SOURCE_SHEET).rows)
    beside = path.with_name(file_name(SOURCE_SHEET)) if path is not None else None
    if beside is None or path is None or path.suffix.lower() != ".csv" or not beside.is_file():
        return None
    try:
        source = open_workbook(beside)
    except InputError as unreadable:
        raise UsageError(
            f"{beside}: the export's source (the account its ids are from) cannot be read "
            f"({unreadable}): export the account again"
        ) from None
    try:
        return _origin(source.sheet(source.sheet_names[0]).rows)
    finally:
        source.close()


def _origin(rows: Iterable[tuple[int, list[Any]]]) -> Origin | None:
    lines: dict[str, str] = {}
    for _, values in rows:
        if len(values) >= 2 and values[0] is not None:
            lines[str(values[0]).strip()] = _text(values[1])
    where, account = lines.get("Exported from", ""), lines.get("Account", "")
    found = _ORG_UNIT.search(account)
    ident = lines.get("Account ID") or (found.group(1) if found else "")
    if not where or not ident:
        return None
    return Origin(where, ident, _ORG_UNIT.sub("", account) or f"account {ident}")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Account ID Excel turned into a number
    return "" if value is None else str(value).strip()


class Migration:
    """A workbook's source account, and the ledger a run against another account maps its
    ids in. `Migration.of(...)` before the run; `against(...)` once the run knows which
    account it reached."""

    def __init__(self, origin: Origin, path: Path, ledger: Path | None) -> None:
        self.origin = origin
        self.path = path
        self.ledger_path = ledger
        self.mapper: Mapper | None = None

    @classmethod
    def of(cls, path: Path, workbook: Workbook, ledger: Path | None) -> Migration | None:
        """The workbook's migration, when it was exported (None: its ids are the target
        account's, as in any workbook). A `--ledger` for a workbook that does not say
        where its ids come from is refused: they could be anyone's."""
        origin = origin_of(workbook, path)
        if origin is None:
            if ledger is not None:
                where = (f"no {file_name(SOURCE_SHEET)} beside it" if path.suffix.lower() == ".csv"
                         else f"no '{SOURCE_SHEET}' sheet")  # fmt: skip
                raise UsageError(
                    f"{path}: --ledger maps the ids of a workbook bulkops export wrote, and "
                    f"this one has {where} naming the account its ids belong to: export "
                    "the source account again, or leave --ledger out"
                )
            return None
        return cls(origin, path, ledger)

    def default_ledger(self, target: str) -> Path:
        """Beside the workbook, named after the two accounts."""
        return self.path.parent / f"migration-{self.origin.ident}-to-{target}.ledger"

    def against(self, target: str, profile: dict[str, Any], dry_run: bool) -> Mapper | None:
        """The mapper for a run against `target` (whose profile the preflight read); None
        when that is the account the workbook came from."""
        top = profile.get("top_ou_id") or profile.get("org_unit_id")
        if top is None:
            if self.ledger_path is not None:
                raise UsageError(
                    f"{target} does not say which account it is (no profile): the ledger "
                    "cannot be checked against it; leave --ledger out"
                )
            return None
        identity = f"{target} #{top}"
        if identity == self.origin.identity:
            return None
        name = str(profile.get("org_unit_name") or f"account {top}")
        pair = Pair(self.origin.identity, f"{self.origin.name} ({self.origin.where})",
                    identity, f"{name} ({target})")  # fmt: skip
        path = self.ledger_path or self.default_ledger(str(top))
        ledger = Ledger.open(path, pair, wave=self.path.name, write=not dry_run)
        if ledger.target("groups", self.origin.ident) is None:
            ledger.put("groups", self.origin.ident, top)  # the top group is the top group
        self.mapper = Mapper(ledger, dry_run)
        return self.mapper

    def close(self) -> None:
        if self.mapper is not None:
            self.mapper.ledger.close()


class Mapper:
    """The engine's `SourceIds`: a run's source ids, through the ledger (see the module's
    docstring)."""

    def __init__(self, ledger: Ledger, dry_run: bool) -> None:
        self.ledger = ledger
        self.dry_run = dry_run
        #: rows whose object is not mapped yet -> the source id they carried
        self._origins: dict[tuple[str, int], str] = {}
        self._unsent: dict[tuple[str, int], str] = {}
        #: numbers this run is ordering (two routes never try to buy the same one)
        self._claimed: set[str] = set()
        #: the numbers on offer, per area code and type, as last asked
        self._offered: dict[tuple[str, str], list[str]] = {}
        self._asking: dict[tuple[str, str], anyio.Lock] = {}

    def own(self, resource: Resource, record: RowRecord) -> None:
        ident = record.resource_id
        if ident is None:
            return
        mapped = self.mapped(resource.name, ident)
        if mapped is not None:
            record.resource_id = mapped
            return
        place = (record.sheet, record.row)
        label = resource.id_column.label
        if record.action == "delete":
            self._unsent[place] = (
                f"unchanged: {label} {ident} is the source account's, and the ledger maps it "
                "to nothing in this account: there is nothing here to delete"
            )
            return
        self._origins[place] = str(ident)
        record.resource_id = None
        record.action = "upsert" if "upsert" in resource.actions else "create"
        key = [record.values.get(resource.by_path[p]) for p in resource.key_paths]
        if key[0] is not None and key[0] is not CLEARED:
            record.key = (str(key[0]).casefold(), *key[1:])

    def unsent(self, record: RowRecord) -> str | None:
        return self._unsent.get((record.sheet, record.row))

    def origin(self, record: RowRecord) -> Any:
        return self._origins.get((record.sheet, record.row))

    def mapped(self, kind: str, source: Any) -> Any:
        found = self.ledger.target(kind, source)
        return int(found) if found is not None and found.isdigit() else found

    def settled(self, resource: Resource, record: RowRecord, outcome: RowOutcome) -> None:
        source = self._origins.get((record.sheet, record.row))
        ident = outcome.resource_id
        if self.dry_run or source is None or ident is None:
            return
        if outcome.status in (Status.SUCCEEDED, Status.UNCHANGED):
            self.ledger.put(resource.name, source, ident)

    async def number(
        self, run: RunContext, record: RowRecord, column: Column, value: str, held: Any
    ) -> tuple[Any, str | None]:
        mapped = self.ledger.target(NUMBERS, value)
        if mapped is not None:
            return mapped, None
        if isinstance(held, str) and held:  # its object is here already, with its number
            if not self.dry_run:
                self.ledger.put(NUMBERS, value, held)
            return held, None
        if not column.takes_number:
            raise LookupError(
                f"{column.label} {value} is a number of the source account, and the ledger "
                "maps it to none here yet: migrate the route whose tracking number it is "
                "first (it gets a new number, which the ledger remembers)"
            )
        area = value[:3]
        kind = "tollfree" if area in _TOLL_FREE else "local"
        if self.dry_run:
            note = (
                f"{column.label} {value} would be a new {kind} number like it (area code "
                f"{area}), bought in the row's group: the run asks first"
            )
            return value, note
        return await self._order_like(run, record, value, area, kind), None

    async def _buy(self, run: RunContext, old: str, number: str, group: int) -> bool:
        """Order `number` for `old`, written down first; False: someone else got it."""
        self.ledger.put(NUMBERS, old, number, ORDERING)
        body = OrderBody(phone_number=number, org_unit_id=group).model_dump_json()
        try:
            await run.call("POST", ORDER, body.encode())
        except Failed as failed:
            if isinstance(failed.error, Conflict | NotFound):  # bought by someone meanwhile
                self.ledger.forget(NUMBERS, old)
                return False
            lost = isinstance(failed.error, OutcomeUnknown | ServerError)
            if not lost or number not in await list_numbers(run):
                raise
        self.ledger.put(NUMBERS, old, number, BOUGHT)  # (a lost answer: the account has it)
        return True

    async def _candidates(self, run: RunContext, area: str, kind: str) -> list[str]:
        """Numbers on offer like it: asked once per area code and type, and again only
        when those asked are all taken."""
        async with self._asking.setdefault((area, kind), anyio.Lock()):
            offered = self._offered.get((area, kind))
            if offered is None or all(n in self._claimed for n in offered):
                offered = await available_numbers(
                    run, area_code=area, number_type=kind, limit=_CANDIDATES
                )
                self._offered[(area, kind)] = offered
        return offered

    async def _order_like(
        self, run: RunContext, record: RowRecord, old: str, area: str, kind: str
    ) -> str:
        """Buy a number like `old` in the row's group; the ledger holds the order before it
        is sent. One an interrupted run was buying is taken if the account got it."""
        owned = await owned_numbers(run)
        earlier = self.ledger.ordering(NUMBERS, old)
        if earlier is not None:
            if earlier in owned or earlier in await list_numbers(run):
                self.ledger.put(NUMBERS, old, earlier, BOUGHT)
                return earlier
            self.ledger.forget(NUMBERS, old)
        group = next(
            (v for c, v in record.values.items() if c.refers == "groups" and isinstance(v, int)),
            None,
        )
        if group is None:
            raise LookupError(f"{old}: the row has no group to buy a number like it in")
        for _ in range(2):  # what was on offer, then (all of it taken meanwhile) afresh
            for number in await self._candidates(run, area, kind):
                if number in self._claimed or number in owned:
                    continue
                self._claimed.add(number)
                if await self._buy(run, old, number, group):
                    owned[number] = {"phone_number": number, "org_unit_id": group,
                                     "status": "reserved"}  # fmt: skip
                    return number
        raise LookupError(
            f"no {kind} number like {old} (area code {area}) is left to buy: order one in a "
            "Numbers sheet and give it as the route's Tracking Number"
        )
