"""The rows of an undo workbook (`bulkops.undo`) and how they stand together: a cell naming
an object the undo creates again becomes a `ref:` to the row that creates it, and such
rows come below the rows they name (a `ref:` points above)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from bulkops.engine.journal import Written
from bulkops.model.schema import Resource

__all__ = ["UndoRow", "link", "ordered"]


@dataclass
class UndoRow:
    """One row of the undo workbook: its action, the object's id, its cells by label."""

    action: str
    ident: Any
    cells: dict[str, Any]
    source: Written
    #: (resource name, old id) of the object a create row makes again, and the `ref:`
    #: other rows name it by
    makes: tuple[str, str] | None = None
    ref: str = ""


def link(sheets: list[tuple[Resource, list[UndoRow]]]) -> None:
    """A cell naming an object the undo creates again becomes a `ref:` to its row."""
    refs: dict[tuple[str, str], str] = {}
    for resource, rows in sheets:
        key_label = resource.by_path[resource.key_paths[0]].label
        alt_labels = [resource.by_path[p].label for p in resource.alt_keys]
        made = [r for r in rows if r.makes is not None]
        counts = Counter(str(r.cells.get(key_label, "")).casefold() for r in made)
        for row in made:
            assert row.makes is not None
            key = next((row.cells[label] for label in alt_labels if row.cells.get(label)), None)
            if key is None and counts[str(row.cells.get(key_label, "")).casefold()] == 1:
                key = row.cells.get(key_label)
            if key is not None:
                row.ref = refs[row.makes] = f"ref:{resource.sheet}!{key}"
    if not refs:
        return
    for resource, rows in sheets:
        referring = [c for c in resource.all_columns if c.refers and c is not resource.id_column]
        for row in rows:
            for column in referring:
                value = row.cells.get(column.label)
                ref = refs.get((column.refers or "", str(value))) if value is not None else None
                if ref is not None:
                    row.cells[column.label] = ref


def ordered(rows: list[UndoRow]) -> list[UndoRow]:
    """Objects created again first, each below the rows its `ref:`s name (a `ref:` must
    point above); then the rest, in the reverse order of the run."""
    made = [r for r in rows if r.makes is not None]
    own = {r.ref: r for r in made if r.ref}
    placed: list[UndoRow] = []
    done: set[int] = set()
    todo = made
    while todo:
        waiting = []
        for row in todo:
            needs = [own[v] for v in row.cells.values() if isinstance(v, str) and v in own]
            if all(id(n) in done or n is row for n in needs):
                placed.append(row)
                done.add(id(row))
            else:
                waiting.append(row)
        if len(waiting) == len(todo):  # a cycle: kept as they are (the run says which)
            placed += waiting
            break
        todo = waiting
    return placed + [r for r in rows if r.makes is None]
