"""Row validation: one sheet row -> a `RowRecord` (action, id, natural key, typed values)
and every problem in it: cells, list groups, cross-field rules, duplicates in the file.
"""

from __future__ import annotations

from typing import Any

from bulkops.config import MAX_CELL_CHARS
from bulkops.model.payload import CLEARED
from bulkops.model.problems import Problem, column_letter, shown, unique
from bulkops.model.record import RowRecord
from bulkops.model.schema import ACTION_ALIASES, MISSING, Column, Kind, Resource
from bulkops.validation.cells import CLEAR, EXCEL_ERRORS, CellError, is_blank_row, undialable
from bulkops.validation.columns import HeaderMap
from bulkops.validation.crossfield import CrossFieldChecks, Locator
from bulkops.validation.visibility import unseen

__all__ = ["RowValidator"]


class RowValidator:
    """Validates the rows of one sheet, in order; `finish()` adds the file-level problems."""

    def __init__(
        self,
        resource: Resource,
        header: HeaderMap,
        unvalued_formulas: frozenset[tuple[int, int]] = frozenset(),
        first_column: int = 0,
    ) -> None:
        self.resource = resource
        self.header = header
        self.sheet = header.sheet
        self.letters = {b.column: b.letter for b in header.bound}
        if header.action is not None:
            self.letters[header.action.column] = header.action.letter
        self.bound = [b for b in header.bound if b.column is not resource.id_column]
        self.id_bound = next((b for b in header.bound if b.column is resource.id_column), None)
        self.formulas = unvalued_formulas
        self.formula_rows = {r for r, _ in unvalued_formulas}
        self.first_column = first_column
        self.actions_used: dict[str, int] = {}
        self.rows = 0
        self._ids: dict[int, int] = {}
        self._keys: dict[tuple[Any, ...], int] = {}
        self._unlabelled_reported: set[int] = set()
        self._key_columns = tuple(resource.by_path[p] for p in resource.key_paths)
        self._alt_columns = tuple(resource.by_path[p] for p in resource.alt_keys)
        self._action_words = {a: a for a in resource.actions} | {
            k: v for k, v in ACTION_ALIASES.items() if v in resource.actions
        }
        self._plan = [
            (b.index, b.column, b.coerce, b.column.kind is Kind.PHONE) for b in self.bound
        ]
        self._width = max((b.index + 1 for b in header.bound), default=0)
        if header.action is not None:
            self._width = max(self._width, header.action.index + 1)
        self._required_by = {a: resource.required_for(a) for a in resource.actions}
        self.hidden_rows: frozenset[int] = frozenset()
        self.sheet_hidden = False
        #: a header looks like a misspelt column: its values would be dropped
        self.misspelt = False
        self.merged: dict[int, tuple[str, str]] = {}  # row -> (first cell, range)
        self.locate = Locator(self.sheet, self.letters)
        self.checks = CrossFieldChecks(resource, self.locate)

    # -- helpers -----------------------------------------------------------------------

    def _problem(
        self, code: str, message: str, row: int, column: Column | None = None, value: Any = None
    ) -> Problem:
        return self.locate(code, message, row, column, value)

    def _action(self, row: int, values: list[Any], problems: list[Problem]) -> str:
        bound = self.header.action
        raw = values[bound.index] if bound is not None and bound.index < len(values) else ""
        text = raw.strip().lower() if isinstance(raw, str) else shown(raw).lower()
        if not text:
            return self.resource.default_action
        action = self._action_words.get(text)
        if action is None:
            assert bound is not None
            allowed = ", ".join(self.resource.actions)
            problems.append(
                self._problem(
                    "invalid-action",
                    f"'{shown(raw)}' is not an action for {self.resource.name}; use one of "
                    f"{allowed} (blank means {self.resource.default_action})",
                    row,
                    bound.column,
                    raw,
                )
            )
            return ""
        return action

    # -- one row -----------------------------------------------------------------------

    def validate(self, row: int, raw_values: list[Any]) -> RowRecord | None:
        """The row's record, or None for a blank row."""
        if is_blank_row(raw_values):
            return None
        self.rows += 1
        problems: list[Problem] = []
        action = self._action(row, raw_values, problems)
        record = RowRecord(self.sheet, row, action, {}, problems)
        if action == "skip":
            return record
        self.actions_used[action] = self.actions_used.get(action, 0) + 1
        if row in self.formula_rows:
            self._formulas(record, raw_values)
        if row in self.merged or row in self.hidden_rows:
            problems += unseen(self.sheet, row, self.merged.get(row), row in self.hidden_rows)
        self._unlabelled(row, raw_values)
        self._cells(record, raw_values)
        if action:
            self._identity(record, raw_values)
            self._required(record)
            self.checks.lists(record)
            self.checks.rules(record)
            self.checks.references(record)
        return record

    def _formulas(self, record: RowRecord, raw_values: list[Any]) -> None:
        action = [self.header.action] if self.header.action is not None else []
        for bound in [*action, *self.header.bound]:
            if (record.row, self.first_column + bound.index) in self.formulas:
                record.problems.append(
                    self._problem(
                        "formula-without-value",
                        "a formula with no saved result: open the file in Excel and save it "
                        "(Excel stores the result), or type the value instead",
                        record.row,
                        bound.column,
                    )
                )

    def _unlabelled(self, row: int, raw_values: list[Any]) -> None:
        for index in self.header.unlabelled:
            if index in self._unlabelled_reported or index >= len(raw_values):
                continue
            value = raw_values[index]
            if value != "" and value is not None and str(value).strip():
                self._unlabelled_reported.add(index)
                letter = column_letter(self.first_column + index)
                self.header.problems.append(
                    Problem(
                        "blank-header",
                        f"column {letter} has data (first in row {row}) but no header, so it "
                        "is ignored: give it a column name or delete it",
                        self.sheet,
                        self.header.header_row,
                        None,
                        f"{letter}{self.header.header_row}",
                        None,
                    )
                )

    def _cells(self, record: RowRecord, raw_values: list[Any]) -> None:
        # The hot loop: ~40 filled cells a row, 100k rows. Plain tuples and locals only.
        values = record.values
        if len(raw_values) < self._width:
            raw_values = [*raw_values, *([""] * (self._width - len(raw_values)))]
        for index, column, coerce, is_phone in self._plan:
            raw = raw_values[index]
            if raw.__class__ is str:
                if not raw:
                    continue
                if len(raw) > MAX_CELL_CHARS:
                    record.problems.append(
                        self._problem(
                            "too-long",
                            f"{len(raw):,} characters: an Excel cell holds at most "
                            f"{MAX_CELL_CHARS:,}; shorten it",
                            record.row,
                            column,
                            raw[:40],
                        )
                    )
                    continue
                raw = raw.strip()
                if not raw:
                    continue
                if raw[0] == "#":
                    if raw.upper() == CLEAR:
                        self._clear(record, column, raw)
                        continue
                    if raw.upper() in EXCEL_ERRORS:
                        record.problems.append(self._problem(
                            "excel-error",
                            f"{raw} is Excel's error for a formula that failed, not a value: "
                            "fix the formula, or type the value",
                            record.row, column, raw,
                        ))  # fmt: skip
                        continue
            elif raw is None:
                continue
            try:
                value = coerce(raw)
            except CellError as error:
                message = error.message
                if error.code == "invalid-type" and column.example not in (None, ""):
                    message += f" (for example {shown(column.example)})"
                record.problems.append(self._problem(error.code, message, record.row, column, raw))
                continue
            if is_phone and value.__class__ is str and undialable(value):
                record.problems.append(
                    self._problem(
                        "undialable-phone",
                        f"{value} is 10 digits but no North American number starts its area "
                        "code or exchange with 0 or 1: check the number (it is sent as typed)",
                        record.row,
                        column,
                        raw,
                    )
                )
            values[column] = value

    def _clear(self, record: RowRecord, column: Column, raw: str) -> None:
        if column.clear_value is not MISSING:
            record.values[column] = CLEARED
            return
        located = self.resource.group_of(column)
        if located is not None:
            group, _ = located
            first = self.resource.group_columns(group, 1)[0]
            how = (
                f"to remove the whole list write #CLEAR in {first.label}; to remove one item, "
                "write the list again without it"
            )
        elif column.kind is Kind.BOOLEAN:
            how = "write No to switch it off"
        elif column.required:
            how = "it is required and cannot be empty"
        else:
            how = "write the value it should have"
        record.problems.append(
            self._problem(
                "invalid-clear",
                f"#CLEAR cannot empty {column.label}: {how}",
                record.row,
                column,
                raw,
            )
        )

    def _identity(self, record: RowRecord, raw_values: list[Any]) -> None:
        values, row, action = record.values, record.row, record.action
        id_value: Any = None
        bound = self.id_bound
        if bound is not None and bound.index < len(raw_values):
            raw_id = raw_values[bound.index]
            if isinstance(raw_id, str):
                raw_id = raw_id.strip()
            if raw_id != "" and raw_id is not None:
                try:
                    id_value = bound.coerce(raw_id)
                except CellError as error:
                    record.problems.append(
                        self._problem(error.code, error.message, row, bound.column, raw_id)
                    )
        if action == "create":
            if id_value is not None:
                record.problems.append(
                    self._problem(
                        "ignored-value",
                        f"{self.resource.id_column.label} is ignored when creating: the new "
                        "object gets its own id (use update or replace to change this one)",
                        row,
                        self.resource.id_column,
                        id_value,
                    )
                )
                id_value = None
        elif action != "upsert":  # an upsert may create: its create-only cells count
            for column in values:
                if column.create_only:
                    record.problems.append(
                        self._problem(
                            "ignored-value",
                            f"{column.label} can only be set when creating and is ignored "
                            f"by {action}",
                            row,
                            column,
                            values[column],
                        )
                    )
        record.resource_id = id_value
        key = tuple(values.get(c) for c in self._key_columns)
        name = key[0]
        has_name = name is not None and name is not CLEARED
        has_alt = bool(self._alt_columns) and any(
            values.get(c) not in (None, CLEARED) for c in self._alt_columns
        )
        keyless = action == "create" or action in self.resource.keyless
        if not keyless and id_value is None and not has_name and not has_alt:
            finders = [self.resource.id_column, self._key_columns[0], *self._alt_columns]
            listed = ", ".join(c.label for c in finders[:-1]) + f" or {finders[-1].label}"
            record.problems.append(
                self._problem(
                    "missing-key",
                    f"{action} needs {listed} to find the object: fill one of them",
                    row,
                    self.resource.id_column if self.id_bound else None,
                )
            )
        if id_value is not None:
            first = self._ids.setdefault(id_value, row)
            if first != row:
                record.problems.append(
                    self._problem(
                        "duplicate-id",
                        f"row {first} already acts on {self.resource.id_column.label} "
                        f"{id_value}: keep one row per object",
                        row,
                        self.resource.id_column,
                        id_value,
                    )
                )
        elif has_name:
            record.key = (str(name).casefold(), *key[1:])
            first = self._keys.setdefault(record.key, row)
            if first != row:
                where = (
                    f" in {self._key_columns[1].label} {key[1]}"
                    if len(key) > 1 and key[1] is not None
                    else ""
                )
                record.problems.append(
                    self._problem(
                        "duplicate-key",
                        f"row {first} already has {self._key_columns[0].label} '{name}'{where}: "
                        "names must be unique; rename one or remove the duplicate row",
                        row,
                        self._key_columns[0],
                        name,
                    )
                )

    def _required(self, record: RowRecord) -> None:
        for column in self._required_by[record.action]:
            if column not in self.letters:
                continue  # a missing column is reported once, for the header
            value = record.values.get(column)
            if value is None:
                if any(p.column == column.label for p in record.problems):
                    continue  # already reported as a bad value
                record.problems.append(
                    self._problem(
                        "required-value",
                        f"{column.label} is required to {record.action}: fill it in",
                        record.row,
                        column,
                    )
                )

    # -- whole file --------------------------------------------------------------------

    def finish(self) -> list[Problem]:
        """File-level problems, once every row has been validated."""
        problems: list[Problem] = []
        if self.rows == 0:
            problems.append(
                Problem(
                    "no-data-rows",
                    "the sheet has a header but no data rows: add at least one row below it",
                    self.sheet,
                    self.header.header_row + 1,
                )
            )
        present = set(self.letters)
        for action in self.actions_used:
            for column in self.resource.required_for(action):
                if column not in present:
                    problems.append(
                        Problem(
                            "missing-column",
                            f"column '{column.label}' is missing and {action} rows need it: "
                            "add it to the header row (see 'bulkops template "
                            f"{self.resource.name}')",
                            self.sheet,
                            self.header.header_row,
                            column.label,
                        )
                    )
        return unique(problems)

    def blocked(self, record: RowRecord) -> bool:
        """True when the row cannot run for a reason outside it: its sheet is hidden, or
        its action needs a column the sheet does not have."""
        if self.sheet_hidden or self.misspelt:
            return True
        return any(c not in self.letters for c in self._required_by[record.action])
