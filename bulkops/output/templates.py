"""Blank templates derived from a resource module: the header (required columns marked), a
note on every header, dropdowns for every choice and Yes/No, text-formatted phone and id
columns, a frozen header, one example row and an Instructions sheet.

Output is deterministic (fixed document dates) so a test can tell when a committed template
is stale; regenerate them all with `python -m bulkops template --all -o templates/`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bulkops.config import TEMPLATE_ROWS
from bulkops.labels import ACTION_LABEL
from bulkops.model.schema import MISSING, Column, Kind, Resource
from bulkops.validation.cells import CLEAR

__all__ = [
    "REQUIRED_MARK",
    "column_note",
    "describe_default",
    "header_labels",
    "write_csv_template",
    "write_template",
    "write_templates",
]

REQUIRED_MARK = " *"
_FIXED_DATE = datetime(2026, 1, 1)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_REQUIRED_FILL = PatternFill("solid", fgColor="F4B183")
_TEXT_KINDS = (
    Kind.PHONE,
    Kind.DIGITS,
    Kind.ID_LIST,
    Kind.TEXT,
    Kind.DATETIME,
    Kind.EMAIL,
    Kind.TIMEZONE,
    Kind.PHONE_LIST,
    Kind.FILE,
)
_KIND_HELP = {
    Kind.TEXT: "text",
    Kind.INTEGER: "whole number",
    Kind.NUMBER: "number",
    Kind.BOOLEAN: "Yes or No",
    Kind.PHONE: "phone number, 10 digits (punctuation and a leading +1 are removed)",
    Kind.CHOICE: "one of the allowed values",
    Kind.ID_LIST: "ids separated by ';'",
    Kind.DIGITS: "digits (kept as text)",
    Kind.DATETIME: "date and time with its time zone, e.g. 2026-12-01 09:00 America/New_York",
    Kind.EMAIL: "an email address",
    Kind.TIMEZONE: "an IANA time zone, e.g. America/New_York",
    Kind.PHONE_LIST: "10-digit numbers separated by ';', or the name of a CSV file of numbers "
    "beside the workbook",
    Kind.FILE: "the name of a file beside the workbook (or in a folder below it)",
}


def header_labels(resource: Resource, *, mark_required: bool = True) -> list[str]:
    """The template's header: Action, then every column; '*' marks those create needs."""
    marked = {c for c in resource.all_columns if resource.default_action in c.required}
    return [ACTION_LABEL] + [
        c.label + (REQUIRED_MARK if mark_required and c in marked else "")
        for c in resource.all_columns
    ]


def describe_default(column: Column) -> str:
    if column.default is MISSING:
        return "left out (the API's own default applies)"
    value = column.default
    if column.kind is Kind.BOOLEAN:
        return "Yes" if value in (True, "1") else "No"
    if value is None:
        return "none (empty)"
    if value == [] or value == "":
        return "empty"
    return str(value)


def column_note(resource: Resource, column: Column) -> str:
    """The note on a header cell: what it is, its type, values, who needs it, its default."""
    kind = _KIND_HELP[column.kind]
    if column.refers is not None:
        kind += ", or ref:<Sheet>!<key> for a row of this workbook"
    lines = [column.description, "", f"Type: {kind}."]
    if column.choices:
        shown = ", ".join(c if c else "(blank)" for c in column.choices)
        lines.append(f"Allowed: {shown}.")
    if column.minimum is not None or column.maximum is not None:
        low = "" if column.minimum is None else f"from {column.minimum:g} "
        high = "" if column.maximum is None else f"to {column.maximum:g}"
        lines.append(f"Range: {low}{high}".rstrip() + ".")
    if column.required:
        needed = ", ".join(a for a in resource.actions if a in column.required)
        lines.append(f"Needed to: {needed}.")
    if column is not resource.id_column and not column.create_only and not column.required:
        lines.append(f"Blank on a create or replace row: {describe_default(column)}.")
    if column.clear_value is not MISSING:
        lines.append(f"{CLEAR} empties it on purpose.")
    if column.example not in (None, ""):
        lines.append(f"Example: {column.example}")
    lines.append(f"API field: {column.path}")
    return "\n".join(lines)


#: what the example row's Action cell says of it
EXAMPLE_NOTE = ("An example row: its Action is skip, so it is never sent. Type your first row "
                "over it (with its Action), or delete it.")  # fmt: skip


def _example_row(resource: Resource) -> list[Any]:
    """The example row: Action `skip`, so a template run untouched sends nothing."""
    return ["skip"] + [
        "" if c is resource.id_column else ("" if c.example is None else c.example)
        for c in resource.all_columns
    ]


def _instructions(resource: Resource) -> list[tuple[str, str]]:
    actions = {
        "create": "make a new object from the row",
        "update": "change only the filled cells of an existing object (PATCH)",
        "replace": "send the whole object (PUT); blank cells take their default, shown in "
        "each header's note",
        "upsert": "find the object by its natural key, then update it or create it",
        "delete": "delete the object found by its id (or name)",
        "order": "order (buy) a number: the exact Phone Number, or Quantity numbers found by "
        "Area Code, State or Contains; spends money",
        "release": "give a reserved number back (found by Phone Number)",
        "skip": "leave the row alone",
    }
    rows = [
        ("bulkops template", f"{resource.title} ({resource.name})"),
        ("", resource.description),
        ("", ""),
        ("Actions", "Write one of these in the Action column of each row:"),
    ]
    rows += [(f"  {a}", actions[a]) for a in resource.actions]
    rows += [
        ("  (blank)", f"means {resource.default_action}"),
        ("", ""),
        (
            "Required",
            f"Headers marked * are needed to {resource.default_action}; the note on each "
            "header says "
            "which actions need it, its type, its allowed values and its replace default.",
        ),
        (
            "Blank cells",
            "A blank cell means 'leave unchanged' (update) or 'use the default' "
            "(replace); it is never sent as an empty value.",
        ),
        (CLEAR, f"Write {CLEAR} in a cell to empty that field on purpose."),
        (
            "Lists",
            "A list of values (e.g. SMS Users) goes in one cell, separated by ';'. "
            "A list of objects uses numbered columns (Overflow 1 Number, Overflow 1 Rings, "
            "Overflow 2 Number, …): fill them in order from 1, without gaps.",
        ),
        ("Yes / No", "TRUE, Yes, Y, 1, On and X all mean Yes; FALSE, No, N, 0 and Off mean No."),
        (
            "Phone numbers",
            "10 digits. (404) 555-0100, 404-555-0100, +1 404 555 0100 and "
            "14045550100 are all read as 4045550100.",
        ),
        (
            "Excel pitfalls",
            "bulkops undoes them: numbers Excel shows as 1.11E+09 or 1111111111.0 "
            "become the digits you typed; stray spaces are removed; header case does not matter. "
            "It cannot restore a leading zero Excel dropped: format phone and id columns as Text "
            "(this template does) before typing.",
        ),
        (
            "Formulas",
            "A formula's saved result is used. Files saved by other programs may hold "
            "formulas without a result: open and save them in Excel first.",
        ),
        (
            "Headers",
            "Headers may be the label or the API field path; case, spaces, '_' and '-' "
            "are ignored. Unknown columns are reported and ignored.",
        ),
        ("", ""),
        ("Check", f"bulkops validate {resource.name}.xlsx points at every mistake, cell by cell."),
    ]
    rows += [("Note", note) for note in resource.notes]
    return rows


def write_template(resource: Resource, out: Path) -> Path:
    """The .xlsx template for `resource` at `out`."""
    return write_templates((resource,), out)


def write_templates(resources: Sequence[Resource], out: Path) -> Path:
    """One .xlsx workbook with a template sheet per resource (in the order a run takes
    them) and one Instructions sheet."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for resource in resources:
        _template_sheet(book, resource)
    guide = book.create_sheet("Instructions")
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 110
    rows: list[tuple[str, str]] = []
    if len(resources) > 1:
        rows += _workbook_guide(resources)
    for resource in resources:
        rows += _instructions(resource)
        if len(resources) > 1:
            rows.append(("", ""))
    for key, text in rows:
        guide.append([key, text])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
        guide.cell(row=guide.max_row, column=2).alignment = Alignment(wrap_text=True)
    book.properties.created = _FIXED_DATE
    book.properties.modified = _FIXED_DATE
    book.properties.creator = "bulkops"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _workbook_guide(resources: Sequence[Resource]) -> list[tuple[str, str]]:
    order = ", ".join(r.sheet for r in resources)
    return [
        ("bulkops template", "A whole account in one workbook: one sheet per resource."),
        ("Order", f"The sheets run in this order: {order}. Delete the sheets you do not need."),
        (
            "References",
            "A cell may name an object another sheet creates: ref:<Sheet>!<key>, e.g. "
            "ref:Groups!west-stores (the key is the row's name, external id, username or "
            "Reference). The row then runs once that row succeeded, with its id; if it "
            "failed, this row is not sent and says why.",
        ),
        (
            "Concurrency",
            "Rows that do not refer to each other run at the same time; a dry run shows "
            "what each reference would be ('what Groups row 3 creates').",
        ),
        ("", ""),
    ]


def _template_sheet(book: Any, resource: Resource) -> None:
    sheet = book.create_sheet(resource.sheet)
    labels = header_labels(resource)
    columns: list[Column | None] = [None, *resource.all_columns]
    sheet.append(labels)
    sheet.append(_example_row(resource))
    sheet["A2"].comment = Comment(EXAMPLE_NOTE, "bulkops", width=260, height=80)
    last_row = TEMPLATE_ROWS + 1
    action_rule = DataValidation(
        type="list",
        formula1='"' + ",".join(resource.actions) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Action",
        error="Choose one of: " + ", ".join(resource.actions),
    )
    sheet.add_data_validation(action_rule)
    action_rule.add(f"A2:A{last_row}")
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    for index, (label, column) in enumerate(zip(labels, columns, strict=True), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
        cell.fill = _REQUIRED_FILL if label.endswith(REQUIRED_MARK) else _HEADER_FILL
        example_width = len(str(column.example or "")) if column is not None else 0
        sheet.column_dimensions[letter].width = max(12, min(40, max(len(label), example_width) + 3))
        if column is None:
            cell.comment = Comment(
                "What to do with the row: " + ", ".join(resource.actions)
                + f". Blank means {resource.default_action}.",
                "bulkops", width=300, height=120,
            )  # fmt: skip
            continue
        cell.comment = Comment(column_note(resource, column), "bulkops", width=360, height=220)
        span = f"{letter}2:{letter}{last_row}"
        if column.kind is Kind.BOOLEAN:
            yes_no.add(span)
        elif column.kind is Kind.CHOICE:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(c for c in column.choices if c) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.label,
                error="Choose one of: " + ", ".join(c or "(blank)" for c in column.choices),
            )
            sheet.add_data_validation(rule)
            rule.add(span)
        if column.kind in _TEXT_KINDS or column.refers or column is resource.id_column:
            sheet.column_dimensions[letter].number_format = "@"
            example = sheet.cell(row=2, column=index)
            example.number_format = "@"
            if example.value not in (None, ""):
                example.value = str(example.value)
    sheet.freeze_panes = "B2"


def write_csv_template(resource: Resource, out: Path) -> Path:
    """The .csv template: the header (labels, '*' on required) and the example row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header_labels(resource))
    writer.writerow(_example_row(resource))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return out
