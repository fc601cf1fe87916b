"""References between the sheets of one workbook, checked before anything is sent: every
`ref:<Sheet>!<key>` must name a sheet of the workbook holding objects of the right kind,
and exactly one row of it with that key, above the referring row when on the same sheet.
(A run checks the same as it goes; `bulkops validate` reports them at their cells.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from bulkops.model.payload import CLEARED
from bulkops.model.problems import Problem
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref, in_account, sheet_of
from bulkops.model.schema import Column, Resource
from bulkops.validation.rows import RowValidator

__all__ = ["ReferenceCheck", "ref_keys"]


def ref_keys(resource: Resource, record: RowRecord) -> list[str]:
    """The keys a row can be referred to by: its name and its alternate keys, case aside."""
    keys = []
    for path in (resource.key_paths[0], *resource.alt_keys):
        value = record.values.get(resource.by_path[path])
        if value is None or value is CLEARED or isinstance(value, Ref | Named):
            continue
        text = str(value).strip()
        if text and value.__class__.__name__ != "Pending":
            keys.append(text.casefold())
    return list(dict.fromkeys(keys))  # a name that is also the external id counts once


@dataclass
class ReferenceCheck:
    """Collects the rows' keys and references while the sheets validate; `problems()`."""

    sheets: list[tuple[str, Resource]]
    _keys: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _refs: list[tuple[str, int, Column, Ref, RowValidator]] = field(default_factory=list)
    _plan: dict[str, tuple[bool, tuple[Column, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        referred = {c.refers for _, r in self.sheets for c in r.columns if c.refers}
        #: per resource: whether rows can be referred to, and the columns that may refer
        self._plan = {
            r.name: (r.name in referred, tuple(c for c in r.columns if c.refers))
            for _, r in self.sheets
        }

    def add(self, resource: Resource, record: RowRecord, validator: RowValidator) -> None:
        referable, referring = self._plan[resource.name]
        if referable:
            for key in ref_keys(resource, record):
                self._keys.setdefault((record.sheet, key), []).append(record.row)
        values = record.values
        for column in referring:
            value = values.get(column)
            if isinstance(value, Ref):
                self._refs.append((record.sheet, record.row, column, value, validator))

    def problems(self) -> list[Problem]:
        found = []
        order = {name: index for index, (name, _) in enumerate(self.sheets)}
        for sheet, row, column, ref, validator in self._refs:
            message = self._wrong(sheet, row, column, ref, order)
            if message is not None:
                found.append(validator.locate("invalid-reference", message, row, column, ref))
        return found

    def _wrong(
        self, sheet: str, row: int, column: Column, ref: Ref, order: dict[str, int]
    ) -> str | None:
        refers = column.refers or ""
        target = sheet_of(ref, refers, self.sheets)
        if target is None and in_account(ref, column, self.sheets):
            return None  # no sheet here holds these: the run looks it up in the account
        if target is None:
            kinds = [name for name, r in self.sheets if r.name == refers]
            there = f" (the workbook's is '{kinds[0]}')" if kinds else ""
            return f"{ref}: this workbook has no {refers} sheet called '{ref.sheet}'{there}"
        rows = self._keys.get((target, ref.key.casefold()), [])
        if not rows:
            return (
                f"{ref}: no row of '{target}' has the key '{ref.key}' (its name, external id "
                "or reference): check the spelling"
            )
        if len(rows) > 1:
            return f"{ref}: rows {', '.join(map(str, rows))} of '{target}' all have this key"
        if target == sheet and rows[0] >= row:
            return f"{ref} is row {rows[0]}, not above this one: move that row up"
        if order[target] > order[sheet]:
            return f"{ref}: sheet '{target}' runs after '{sheet}'"
        return None
