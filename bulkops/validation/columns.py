"""Header row -> columns: which spreadsheet column holds which resource column.

Headers may be a column's label or its API path; matching ignores case, spaces, '_', '-'
and a trailing '*' (the template's required marker).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from itertools import chain
from typing import Any

from bulkops.io.tables import Sheet
from bulkops.labels import ACTION_LABEL, is_own_column
from bulkops.model.problems import Problem, column_letter, shown
from bulkops.model.refs import Named, parse_ref
from bulkops.model.schema import Column, Kind, Resource, header_key
from bulkops.validation import cells, moments, recipients
from bulkops.validation.cells import CellError

__all__ = [
    "ACTION_COLUMN",
    "HEADER_SEARCH_ROWS",
    "Bound",
    "HeaderMap",
    "coercer",
    "locate_header",
    "match_header",
]

#: How far below the first non-blank row the header may be (title rows above it).
HEADER_SEARCH_ROWS = 10

#: The Action column, bound like any other column so its cells can be located.
ACTION_COLUMN = Column(ACTION_LABEL, "action", Kind.TEXT, "What to do with the row.")


#: kinds whose typed values are immutable and whose cells repeat: worth a memo per column
_MEMO_KINDS = frozenset({Kind.BOOLEAN, Kind.CHOICE, Kind.INTEGER, Kind.NUMBER, Kind.DIGITS})
_MEMO_SIZE = 4096
_BY_KIND: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: cells.to_text,
    Kind.INTEGER: cells.to_int,
    Kind.NUMBER: cells.to_number,
    Kind.BOOLEAN: cells.to_bool,
    Kind.PHONE: cells.to_phone,
    Kind.ID_LIST: cells.to_id_list,
    Kind.DIGITS: cells.to_digits,
    Kind.DATETIME: moments.to_datetime,
    Kind.EMAIL: cells.to_email,
    Kind.TIMEZONE: moments.to_timezone,
    Kind.PHONE_LIST: recipients.to_phone_list,
    Kind.FILE: recipients.to_local_file,
}


def coercer(column: Column) -> Callable[[Any], Any]:
    """The function turning one non-blank raw cell into the column's typed value."""
    kind = column.kind
    base: Callable[[Any], Any]
    if kind is Kind.CHOICE:
        choices, aliases = column.choices, dict(column.choice_aliases)

        def base(raw: Any) -> Any:
            return cells.to_choice(raw, choices, aliases)

    else:
        base = _BY_KIND[kind]

    low, high, longest = column.minimum, column.maximum, column.max_length

    def bounded(raw: Any) -> Any:
        value: Any = base(raw)
        if longest is not None and len(value) > longest:
            raise CellError("too-long", f"{len(value)} characters; at most {longest} are allowed")
        if low is not None and value < low:
            raise CellError(
                "out-of-range", f"{shown(value)} is too small: the minimum is {shown(low)}"
            )
        if high is not None and value > high:
            raise CellError(
                "out-of-range", f"{shown(value)} is too large: the maximum is {shown(high)}"
            )
        return value

    unbounded = low is None and high is None and longest is None
    checked = base if unbounded else bounded
    if column.check is not None:
        checked = _with_check(checked, column.check)
    if column.refers is not None:
        checked = _referring(checked, column.refers, column.finder is not None)
    if kind not in _MEMO_KINDS:
        return checked
    # Switches, choices and small numbers repeat down a column ('Yes', 'active', '3'):
    # remember what each text coerced to. Only str keys: 1.0 == True as dict keys.
    memo: dict[str, Any] = {}

    def remembered(raw: Any) -> Any:
        if raw.__class__ is str:
            if raw in memo:
                return memo[raw]
            value = checked(raw)
            if len(memo) < _MEMO_SIZE:
                memo[raw] = value
            return value
        return checked(raw)

    return remembered


def _with_check(
    coerce: Callable[[Any], Any], check: Callable[[Any], tuple[str, str] | None]
) -> Callable[[Any], Any]:
    def checked(raw: Any) -> Any:
        value = coerce(raw)
        found = check(value)
        if found is not None:
            raise CellError(*found)
        return value

    return checked


def _referring(coerce: Callable[[Any], Any], resource: str, by_name: bool) -> Callable[[Any], Any]:
    """A cell naming an object of `resource`: `ref:<Sheet>!<key>`, the column's own type
    (an id), or, where the column can find such objects by name (`by_name`), a name."""

    def referring(raw: Any) -> Any:
        if raw.__class__ is str and raw[:4].lower() == "ref:":
            found = parse_ref(raw)
            if found is None:
                raise CellError(
                    "invalid-reference",
                    f"'{raw}' is not a reference: write ref:<Sheet>!<key>, e.g. "
                    "ref:Groups!west-stores",
                )
            return found
        try:
            return coerce(raw)
        except CellError:
            text = raw.strip() if raw.__class__ is str else ""
            if by_name and text and not text.isdigit():
                return Named(resource, text)
            raise

    return referring


@dataclass(frozen=True, slots=True)
class Bound:
    """A resource column found in the sheet: where (index into a row's values) and how."""

    index: int
    letter: str
    column: Column
    coerce: Callable[[Any], Any]


@dataclass
class HeaderMap:
    sheet: str
    header_row: int
    action: Bound | None
    bound: list[Bound]
    #: indexes of columns with data but no header: checked row by row, reported once
    unlabelled: list[int]
    problems: list[Problem] = field(default_factory=list)

    @property
    def present(self) -> set[Column]:
        return {b.column for b in self.bound}

    def letter_of(self, column: Column) -> str | None:
        for bound in self.bound:
            if bound.column is column:
                return bound.letter
        return None


def match_header(
    resource: Resource, sheet: str, header: list[Any], header_row: int, first_column: int
) -> HeaderMap:
    """Bind each header cell to a column; report unknown, duplicate and blank headers."""
    problems: list[Problem] = []
    bound: list[Bound] = []
    action: Bound | None = None
    seen: dict[str, str] = {}
    unlabelled: list[int] = []
    labels = [c.label for c in resource.all_columns]
    action_key = header_key(ACTION_LABEL)
    for index, raw in enumerate(header):
        letter = column_letter(first_column + index)
        ref = f"{letter}{header_row}"
        text = cells.to_text(raw) if raw != "" else ""
        if not text:
            unlabelled.append(index)
            continue
        key = header_key(text)
        if key in seen:
            problems.append(
                Problem(
                    "duplicate-column",
                    f"'{text}' is the same column as {seen[key]}: delete one of the two",
                    sheet, header_row, text, ref, text,
                )
            )  # fmt: skip
            continue
        if key == action_key:
            action = Bound(index, letter, ACTION_COLUMN, cells.to_text)
            seen[key] = f"{ref} ('{text}')"
            continue
        column = resource.by_header.get(key)
        if column is None:
            if not is_own_column(text):  # a results workbook read back: no warning
                guess = get_close_matches(text, labels, n=1, cutoff=0.6)
                if guess:  # a typo would drop the column's values without a word
                    problems.append(Problem(
                        "misspelt-column",
                        f"'{text}' is not a {resource.name} column: did you mean "
                        f"'{guess[0]}'? Rename the header (its values would be dropped), or "
                        "pass --allow-unknown-columns to ignore it",
                        sheet, header_row, text, ref, text,
                    ))  # fmt: skip
                    continue
                hint = f"; run 'bulkops resources {resource.name}' to list the columns"
                problems.append(
                    Problem(
                        "unknown-column",
                        f"'{text}' is not a {resource.name} column and is ignored{hint}",
                        sheet, header_row, text, ref, text,
                    )
                )  # fmt: skip
            continue
        for other_key in (header_key(column.label), header_key(column.path)):
            if other_key in seen:
                problems.append(
                    Problem(
                        "duplicate-column",
                        f"'{text}' is the same column as {seen[other_key]}: delete one of the two",
                        sheet, header_row, column.label, ref, text,
                    )
                )  # fmt: skip
                break
        else:
            bound.append(Bound(index, letter, column, coercer(column)))
        seen[key] = seen[header_key(column.label)] = seen[header_key(column.path)] = (
            f"{ref} ('{text}')"
        )
    return HeaderMap(sheet, header_row, action, bound, unlabelled, problems)


def _known(resource: Resource, cells_: list[Any]) -> int:
    action = header_key(ACTION_LABEL)
    keys = (header_key(cells.to_text(c)) for c in cells_ if c != "" and c is not None)
    return sum(1 for k in keys if k == action or k in resource.by_header)


def locate_header(resource: Resource, sheet: Sheet) -> tuple[Sheet, list[Problem]]:
    """The sheet with its real header row: a title row or two above the header (a common
    habit) are skipped, with a warning, when a row below names at least two columns."""
    if _known(resource, sheet.header) >= 2:
        return sheet, []
    peeked: list[tuple[int, list[Any]]] = []
    for number, values in sheet.rows:
        peeked.append((number, values))
        if _known(resource, values) >= 2:
            first = sheet.header_row
            span = f"row {first}" if first == number - 1 else f"rows {first}-{number - 1}"
            problem = Problem(
                "rows-above-header",
                f"{span} above the header (row {number}) are not data and are ignored",
                sheet.name,
                first,
            )
            return replace(sheet, header=values, header_row=number), [problem]
        if len(peeked) >= HEADER_SEARCH_ROWS:
            break
    return replace(sheet, rows=chain(peeked, sheet.rows)), []
