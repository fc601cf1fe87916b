"""Checks that look at several cells of a row at once: list groups and cross-field rules."""

from __future__ import annotations

from typing import Any

from bulkops.model.payload import CLEARED
from bulkops.model.problems import Problem, shown
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named, Ref
from bulkops.model.schema import MISSING, Column, Resource

__all__ = ["CrossFieldChecks", "Locator"]


class Locator:
    """Makes problems that point at a column's cell in a row of one sheet."""

    def __init__(self, sheet: str, letters: dict[Column, str]) -> None:
        self.sheet = sheet
        self.letters = letters

    def __call__(
        self, code: str, message: str, row: int, column: Column | None = None, value: Any = None
    ) -> Problem:
        letter = self.letters.get(column) if column is not None else None
        return Problem(
            code,
            message,
            self.sheet,
            row,
            column.label if column is not None else None,
            f"{letter}{row}" if letter else None,
            shown(value) if value is not None else None,
        )


class CrossFieldChecks:
    """The list-group and cross-field checks of one resource, precomputed once per sheet."""

    def __init__(self, resource: Resource, locate: Locator) -> None:
        self.resource = resource
        self._problem = locate
        self.letters = locate.letters
        self._groups = [
            (
                group,
                [(n, resource.group_columns(group, n)) for n in range(1, group.maximum + 1)],
            )
            for group in resource.groups
        ]
        # column -> (group index, position); (group index, position) -> needed columns
        self._slots = {
            column: (index, n)
            for index, (_, positions) in enumerate(self._groups)
            for n, columns in positions
            for column in columns
        }
        self._conditional = [
            (column, column.refers_if)
            for column in resource.columns
            if column.refers_if is not None
        ]
        self._needed = {
            (index, n): [c for c in columns if c.leaf in group.needs]
            for index, (group, positions) in enumerate(self._groups)
            for n, columns in positions
        }
        self._rule_columns = [
            (rule, tuple(resource.by_path[p] for p in rule.when), resource.by_path[rule.then])
            for rule in resource.rules
        ]

    def lists(self, record: RowRecord) -> None:
        """Numbered column groups: no gap, no half-filled item, #CLEAR alone."""
        values = record.values
        slots = self._slots
        touched: dict[int, dict[int, list[Column]]] = {}
        for column in values:
            slot = slots.get(column)
            if slot is not None:
                touched.setdefault(slot[0], {}).setdefault(slot[1], []).append(column)
        for group_index, filled in touched.items():
            _group, positions = self._groups[group_index]
            given = [c for cols in filled.values() for c in cols]
            if any(values[c] is CLEARED for c in given):
                others = [c for c in given if values[c] is not CLEARED]
                if others:
                    record.problems.append(
                        self._problem(
                            "invalid-clear",
                            f"#CLEAR in {positions[0][1][0].label} empties the whole list, so "
                            f"{others[0].label} must be blank",
                            record.row,
                            others[0],
                            values[others[0]],
                        )
                    )
                continue
            numbers = sorted(filled)
            if numbers[-1] != len(numbers):
                expected = next(n for n, m in enumerate(numbers, start=1) if n != m)
                gap = positions[expected - 1][1][0]
                record.problems.append(
                    self._problem(
                        "list-gap",
                        f"{gap.label} is blank but position {numbers[expected - 1]} is filled: "
                        "fill the positions in order from 1, without gaps",
                        record.row,
                        gap if gap in self.letters else filled[numbers[expected - 1]][0],
                    )
                )
            for n in numbers:
                for column in self._needed[(group_index, n)]:
                    if column not in values:
                        first = filled[n][0]
                        record.problems.append(
                            self._problem(
                                "list-item-incomplete",
                                f"{first.label} is filled but {column.label} is blank: fill "
                                f"it in, or clear position {n}",
                                record.row,
                                column if column in self.letters else first,
                            )
                        )

    def references(self, record: RowRecord) -> None:
        """Cells that name an object only when another cell of the row says so (a prompt
        when the type is 'file'): then a name is looked up, else a `ref:` is a mistake."""
        values = record.values
        for column, (path, wanted) in self._conditional:
            value = values.get(column)
            if value is None or value is CLEARED:
                continue
            switch = self.resource.by_path[path]
            if values.get(switch) == wanted:
                if isinstance(value, str) and column.finder is not None:
                    values[column] = Named(column.refers or "", value)
            elif isinstance(value, Ref):
                record.problems.append(
                    self._problem(
                        "invalid-reference",
                        f"{value} names a {column.finder.noun if column.finder else 'object'}, "
                        f"but {switch.label} is not '{wanted}': set {switch.label} to "
                        f"'{wanted}', or write the text itself",
                        record.row,
                        column,
                        value,
                    )
                )

    def rules(self, record: RowRecord) -> None:
        """'When this switch is on, that field must be filled' rules."""
        values = record.values
        partial = record.action == "update"
        if record.action in ("delete", "skip"):
            return
        for rule, switches, target in self._rule_columns:
            wanted = rule.equals
            if wanted is True:  # the usual Yes switch: an identity test on the hot path
                on = next((s for s in switches if values.get(s) is True), None)
            else:
                on = next((s for s in switches if values.get(s) == wanted), None)
            if on is None:
                continue
            value = values.get(target, MISSING)
            empty = value is CLEARED or value == "" or value is MISSING
            if partial and value is MISSING:
                continue  # an update leaves the message as it is on the server
            if value is MISSING and any(p.column == target.label for p in record.problems):
                continue  # the cell is filled but wrong: already reported there
            if empty:
                record.problems.append(
                    self._problem(
                        rule.code,
                        rule.message,
                        record.row,
                        target if target in self.letters else on,
                    )
                )
        for check in self.resource.checks:
            for code, path, message in check(record):
                column = self.resource.by_path.get(path)
                located = column if column is not None and column in self.letters else None
                record.problems.append(self._problem(code, message, record.row, located))
