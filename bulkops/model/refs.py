"""References between rows and objects: a cell of a column that `refers` to a resource may
name its object by id, by `ref:<Sheet>!<key>` (a row of the same workbook, resolved to the
id once that row succeeded) or, where the resource is found by name, by that name (a
group's name path 'Acme/West/Store 12', a user's email, an industry's name)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bulkops.model.schema import Column, Resource

__all__ = ["Named", "Ref", "in_account", "parse_ref", "sheet_of"]

_REF = re.compile(r"^ref:\s*(?:'([^']+)'|([^!]+))!(.+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Ref:
    """`ref:<Sheet>!<key>`: the object a row of sheet `sheet` with natural key `key`
    creates or finds in the same run."""

    sheet: str
    key: str

    def __str__(self) -> str:
        return f"ref:{self.sheet}!{self.key}"


@dataclass(frozen=True, slots=True)
class Named:
    """An object of `resource` given by name (looked up in the account, or in the rows
    of the same workbook that create it)."""

    resource: str
    text: str

    def __str__(self) -> str:
        return self.text


def parse_ref(text: str) -> Ref | None:
    """`ref:Groups!west-stores` -> Ref('Groups', 'west-stores'); None when malformed."""
    match = _REF.match(text.strip())
    if match is None:
        return None
    sheet = (match.group(1) or match.group(2)).strip()
    key = match.group(3).strip()
    return Ref(sheet, key) if sheet and key else None


def sheet_of(ref: Ref, refers: str, sheets: Sequence[tuple[str, Resource]]) -> str | None:
    """The sheet of the workbook a reference names (by its name, or its resource's), when it
    holds objects of the kind `refers`."""
    wanted = ref.sheet.strip().casefold()
    for name, resource in sheets:
        if resource.name == refers and wanted in (name.casefold(), resource.name):
            return name
    return None


def in_account(ref: Ref, column: Column, sheets: Sequence[tuple[str, Resource]]) -> bool:
    """A reference to a kind of object no sheet of the workbook holds, by its usual sheet
    name (`ref:Groups!west` in a routes-only file): it is looked up in the account, where
    the column can find such objects by name."""
    finder = column.finder
    return (
        finder is not None
        and all(resource.name != column.refers for _, resource in sheets)
        and ref.sheet.strip().casefold() in (finder.sheet.casefold(), finder.kind)
    )
