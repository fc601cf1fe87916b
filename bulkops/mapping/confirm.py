"""A reviewed mapping, checked against a foreign file (each mistake at its row), applied
row for row, and the way back from a cell it wrote to the foreign cell it came from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bulkops.io.tables import Sheet, open_workbook
from bulkops.labels import ACTION_LABEL
from bulkops.mapping.rules import (
    ARROW,
    IGNORED,
    MAPPING_HEADER,
    MAPPING_SHEET,
    Mapped,
    Mapping,
    MappingProblems,
    Rule,
    sampled,
)
from bulkops.model.schema import Kind, Resource
from bulkops.output.fastxlsx import FastBook
from bulkops.output.templates import header_labels
from bulkops.validation.cells import CellError, is_blank, to_text
from bulkops.validation.columns import coercer

__all__ = ["apply", "check_values", "provenance", "read_mapping", "required_missing"]


def read_mapping(path: Path, resource: Resource, header: list[str], foreign: str) -> Mapping:
    """A mapping file checked against a foreign file's header. Raises `MappingProblems`
    naming each mistake by its row: a template column it does not know or gives twice, a
    From the file lacks, a foreign column given to two template columns."""
    workbook = open_workbook(path)
    try:
        name = MAPPING_SHEET if MAPPING_SHEET in workbook.sheet_names else workbook.sheet_names[0]
        sheet = workbook.sheet(name)
        titles = [to_text(h).strip().casefold() if not is_blank(h) else "" for h in sheet.header]
        place = {t: i for i, t in enumerate(titles) if t}
        missing = [h for h in ("Column", "From") if h.casefold() not in place]
        if missing:
            needs = ", ".join(MAPPING_HEADER[:4])
            lacks = " or ".join(missing)
            raise MappingProblems([f"{path.name}: its header has no {lacks} column (it needs "
                                   f"{needs})"])  # fmt: skip
        rows = list(sheet.rows)
    finally:
        workbook.close()

    def cell(values: list[Any], title: str) -> Any:
        index = place.get(title.casefold())
        if index is None or index >= len(values) or is_blank(values[index]):
            return None
        return values[index]

    labels = {c.label.casefold(): c for c in resource.all_columns}
    positions = {h.strip().casefold(): i for i, h in enumerate(header) if h}
    problems: list[str] = []
    rules: dict[str, Rule] = {}
    ignored: list[str] = []
    sources: dict[str, tuple[int, str]] = {}
    for line, values in rows:
        where = f"{path.name} row {line}"
        label = to_text(cell(values, "Column") or "").strip().rstrip("*").strip()
        source = cell(values, "From")
        source = to_text(source).strip() if source is not None else None
        if not label and source is None:
            continue
        if label.casefold() == IGNORED:
            if source:
                ignored.append(source)
            continue
        column = labels.get(label.casefold())
        if column is None and label.casefold() != ACTION_LABEL.casefold():
            close = process.extractOne(label, [c.label for c in resource.all_columns],
                                       scorer=fuzz.WRatio)  # fmt: skip
            hint = f" (did you mean '{close[0]}'?)" if close and close[1] >= 70 else ""
            problems.append(f"{where}: '{label}' is not a column of the {resource.name} "
                            f"template{hint}")  # fmt: skip
            continue
        key = ACTION_LABEL if column is None else column.label
        if key in rules:
            problems.append(f"{where}: {key} is given already at row {rules[key].line}: keep "
                            "one row per template column")  # fmt: skip
            continue
        rule = Rule(key, column, line=line, constant=cell(values, "Constant"))
        if source:
            if source.casefold() not in positions:
                close = process.extractOne(source, [h for h in header if h], scorer=fuzz.WRatio)
                hint = f" (did you mean '{close[0]}'?)" if close and close[1] >= 70 else ""
                problems.append(f"{where}: From '{source}' is not a column of {foreign}{hint}")
            elif source.casefold() in sources:
                other_line, other = sources[source.casefold()]
                problems.append(f"{where}: '{source}' of {foreign} is mapped to {other} already "
                                f"(row {other_line}): one foreign column feeds one template "
                                "column; use a Constant or leave one blank")  # fmt: skip
            else:
                sources[source.casefold()] = (line, key)
                rule.source, rule.index = source, positions[source.casefold()]
        text = cell(values, "Values")
        if text is not None:
            for part in re.split(r"[;\n]", to_text(text)):
                if not part.strip():
                    continue
                pair = ARROW.split(part.strip(), maxsplit=1)
                if len(pair) != 2 or not pair[0]:
                    problems.append(f"{where}: Values '{part.strip()}' is not 'foreign → "
                                    "template' (e.g. 'Paused → suspended')")  # fmt: skip
                    continue
                rule.values[pair[0].strip().casefold()] = pair[1].strip()
        rules[key] = rule
    if problems:
        raise MappingProblems(problems)
    mentioned = set(sources) | {i.casefold() for i in ignored}
    unmentioned = [h for h in header if h and h.strip().casefold() not in mentioned]
    ordered = [rules[k] for k in (ACTION_LABEL, *(c.label for c in resource.all_columns))
               if k in rules]  # fmt: skip
    return Mapping(resource, ordered, ignored, path, unmentioned)


def check_values(
    mapping: Mapping, sheet: Sheet, foreign: str
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Choice and Yes/No columns: foreign values that neither the column takes nor the
    Values map, each named with the mapping's row (and the rows of the file holding it)."""
    _, _, rows = sampled(sheet)
    checked = [r for r in mapping.rules
               if r.column is not None and r.index is not None
               and r.column.kind in (Kind.CHOICE, Kind.BOOLEAN)]  # fmt: skip
    if not checked:
        return [], rows
    kept: list[tuple[int, list[Any]]] = []
    bad: dict[int, dict[str, list[int]]] = {}
    converters = {id(r): coercer(r.column) for r in checked if r.column is not None}
    good: dict[int, set[str]] = {id(r): set() for r in checked}
    for number, values in rows:
        kept.append((number, values))
        for rule in checked:
            assert rule.index is not None
            raw = values[rule.index] if rule.index < len(values) else None
            if is_blank(raw):
                continue
            text = to_text(raw).strip()
            if text in good[id(rule)]:
                continue
            value = rule.values.get(text.casefold(), text)
            try:
                converters[id(rule)](value)
                good[id(rule)].add(text)
            except CellError:
                bad.setdefault(id(rule), {}).setdefault(text, []).append(number)
    lines = []
    for rule in checked:
        found = bad.get(id(rule))
        if not found or rule.column is None:
            continue
        allowed = list(rule.column.choices) if rule.column.kind is Kind.CHOICE else ["Yes", "No"]
        listed = ", ".join(f"'{v}' (row{'s' if len(r) > 1 else ''} "
                           f"{', '.join(map(str, r[:3]))}{' …' if len(r) > 3 else ''})"
                           for v, r in list(found.items())[:5])  # fmt: skip
        example = next(iter(found))
        closest = process.extractOne(example, [a for a in allowed if a], scorer=fuzz.WRatio)
        instead = str(closest[0]) if closest is not None else allowed[0]
        where = f"{mapping.path.name} row {rule.line}" if mapping.path else "the mapping"
        lines.append(
            f"{where}: {rule.label}: {listed} of column '{rule.source}' of {foreign} "
            f"{'is' if len(found) == 1 else 'are'} no value it takes "
            f"({', '.join(a for a in allowed if a)}): add to Values, e.g. "
            f"'{example} → {instead}'"
        )
    return lines, iter(kept)


def apply(mapping: Mapping, rows: Iterator[tuple[int, list[Any]]], out: Path) -> Mapped:
    """Write the template-form workbook: the resource's sheet, its template header, a row
    per foreign row (blank rows left out), each cell from its rule."""
    resource = mapping.resource
    labels = header_labels(resource)
    position = {ACTION_LABEL: 0} | {c.label: i + 1 for i, c in enumerate(resource.all_columns)}
    rules = [(position[r.label], r) for r in mapping.rules]
    width = len(labels)
    foreign_rows: dict[int, int] = {}
    written = 1
    with FastBook(out) as book:
        sheet = book.sheet(resource.sheet, width, [max(12, len(label) + 2) for label in labels])
        sheet.row(labels, header=True)
        for number, values in rows:
            line: list[Any] = [None] * width
            filled = False
            for at, rule in rules:
                if rule.index is not None:
                    raw = values[rule.index] if rule.index < len(values) else None
                    if is_blank(raw):
                        continue
                    filled = True
                    if rule.values:
                        raw = rule.values.get(to_text(raw).strip().casefold(), raw)
                    line[at] = raw
                elif rule.constant is not None:
                    line[at] = rule.constant
            if not filled:
                continue
            written += 1
            foreign_rows[written] = number
            sheet.row(line)
        book.end_sheet()
    return Mapped(out, written - 1, foreign_rows)


def required_missing(mapping: Mapping) -> list[str]:
    """Columns the rows' action needs that the mapping gives neither a From nor a
    Constant (when the Action is one constant), each at its row."""
    action_rule = next((r for r in mapping.rules if r.column is None), None)
    if action_rule is not None and action_rule.source is not None:
        return []  # each row says its own action: validation tells, row by row
    action = mapping.resource.default_action
    if action_rule is not None and action_rule.constant is not None:
        action = to_text(action_rule.constant).strip().lower()
    rules = {r.label: r for r in mapping.rules}
    where = mapping.path.name if mapping.path else "the mapping"
    lines = []
    for column in mapping.resource.all_columns:
        rule = rules.get(column.label)
        if action not in column.required or (
            rule is not None and (rule.source is not None or rule.constant is not None)
        ):
            continue
        at = f"{where} row {rule.line}" if rule is not None else f"{where} (no row for it)"
        lines.append(
            f"{at}: {column.label} is needed to {action}: give the column of the file it "
            "comes from (From), or one value for every row (Constant)"
        )
    return lines


def provenance(
    mapping: Mapping, mapped: Mapped, foreign: str, row: int | None, label: str | None
) -> str:
    """Where a cell of the mapped workbook came from: a foreign cell, or a Constant."""
    number = mapped.foreign_rows.get(row) if row is not None else None
    if number is None:
        return ""
    wanted = (label or "").rstrip("*").strip()
    rule = next((r for r in mapping.rules if r.label == wanted), None)
    if rule is not None and rule.source is not None:
        return f"from column '{rule.source}' row {number} of {foreign}"
    if rule is not None and rule.constant is not None:
        where = mapping.path.name if mapping.path else "the mapping"
        return (
            f"from the Constant of {rule.label} ({where} row {rule.line}), for row {number} "
            f"of {foreign}"
        )
    return f"row {number} of {foreign}"
