"""`bulkops map`: a foreign sheet (another vendor's export, a customer's own columns) into a
resource's template form, through a mapping a person reads and edits.

The mapping is a workbook with one `Mapping` sheet: a row per template column saying where
its cells come from (`From`: a column of the foreign file, or `Constant`: one value for
every row), with `Values` mapping the foreign words to the template's (`Paused → suspended`),
and `(ignored)` rows for the foreign columns nothing takes. `suggest` proposes one (fuzzy
matching on labels, API paths and the words call-tracking exports use, with a score, and
only where the foreign values fit the column); `read_mapping` checks one against a foreign
file, naming each mistake by its row of the mapping; `apply` writes the template-form
workbook, row for row, and `provenance` names the foreign cell each of its cells came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from rapidfuzz import fuzz, process

from bulkops.errors import BulkopsError
from bulkops.io.tables import Sheet, open_workbook
from bulkops.labels import ACTION_LABEL
from bulkops.model.schema import Column, Kind, Resource
from bulkops.output.fastxlsx import FastBook
from bulkops.output.templates import header_labels
from bulkops.validation.cells import CellError, is_blank, to_text
from bulkops.validation.columns import coercer

__all__ = [
    "IGNORED",
    "MAPPING_HEADER",
    "MAPPING_SHEET",
    "Mapped",
    "Mapping",
    "MappingProblems",
    "Rule",
    "apply",
    "check_values",
    "foreign_sheet",
    "provenance",
    "read_mapping",
    "required_missing",
    "suggest",
    "write_mapping",
]

MAPPING_SHEET: Final = "Mapping"
MAPPING_HEADER: Final = ("Column", "From", "Constant", "Values", "Score", "Note")
IGNORED: Final = "(ignored)"
#: a suggestion below this score is left for the person to make
_THRESHOLD: Final = 75
#: the foreign values looked at to judge whether a column fits, and to suggest value maps
_SAMPLED: Final = 500
_DISTINCT: Final = 50
_ARROW: Final = re.compile(r"\s*(?:→|->|=>|=)\s*")

#: words other systems use for a column (label -> theirs), beside its label and API path
SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "Tracking Number": ("tracking number", "tracking #", "number", "phone number", "did",
                        "tracking phone", "call tracking number"),
    "Ring To Number": ("destination", "destination number", "forward to", "forwarding number",
                       "ring to", "target number", "terminating number"),
    "Route Name": ("name", "campaign", "campaign name", "tracker", "tracker name", "label"),
    "Record Calls": ("recording", "record", "call recording", "recorded", "record calls"),
    "Route Status": ("status", "state of route", "enabled"),
    "Group ID": ("group", "company", "account", "location", "office"),
    "Group": ("group", "company", "account", "location", "office"),
    "Username": ("email", "e-mail", "login", "user email"),
    "First Name": ("first", "given name", "firstname"),
    "Last Name": ("last", "surname", "family name", "lastname"),
    "Group Name": ("name", "location name", "company name"),
    "Webhook Name": ("name",),
    "URL": ("endpoint", "url", "webhook url"),
}  # fmt: skip


class MappingProblems(BulkopsError):
    """A mapping that cannot be used: one line per mistake, each naming its row."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0] if len(lines) == 1 else f"{len(lines)} problems in the mapping")
        self.lines = lines


@dataclass
class Rule:
    """Where one template column's cells come from."""

    label: str
    column: Column | None  # None: the Action column
    line: int = 0  # its row in the mapping sheet (0: suggested, not read)
    source: str | None = None
    index: int | None = None
    constant: Any = None
    values: dict[str, str] = field(default_factory=dict)
    score: float | None = None
    note: str = ""


@dataclass
class Mapping:
    resource: Resource
    rules: list[Rule]
    ignored: list[str]
    path: Path | None = None
    #: foreign columns the mapping does not mention (ignored, said as a warning)
    unmentioned: list[str] = field(default_factory=list)


@dataclass
class Mapped:
    """What `apply` wrote: the rows, and which foreign row each output row came from."""

    path: Path
    rows: int
    foreign_rows: dict[int, int]


def foreign_sheet(path: Path, encoding: str | None = None) -> tuple[Any, Sheet]:
    """The foreign file's first sheet (a CSV's only one); the workbook to close after."""
    workbook = open_workbook(path, encoding=encoding)
    return workbook, workbook.sheet(workbook.sheet_names[0])


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-.*#]+", " ", text.casefold()).strip()


def _fits(column: Column, samples: list[Any]) -> bool:
    """Whether most of a foreign column's values are good values of `column` (choices and
    Yes/No aside: a value map can fix those)."""
    if not samples or column.kind in (Kind.CHOICE, Kind.BOOLEAN, Kind.TEXT):
        return True
    convert = coercer(column)
    good = 0
    for value in samples:
        try:
            convert(value)
            good += 1
        except (CellError, ValueError, TypeError):
            pass
    return good * 2 >= len(samples)


def _samples(
    sheet: Sheet,
) -> tuple[list[str], dict[int, list[Any]], Iterator[tuple[int, list[Any]]]]:
    """The header, the first values of each column, and the rows (those looked at first)."""
    header = [to_text(h) if not is_blank(h) else "" for h in sheet.header]
    seen: list[tuple[int, list[Any]]] = []
    for row in sheet.rows:
        seen.append(row)
        if len(seen) >= _SAMPLED:
            break
    samples = {
        i: [values[i] for _, values in seen if i < len(values) and not is_blank(values[i])]
        for i in range(len(header))
    }

    def rows() -> Iterator[tuple[int, list[Any]]]:
        yield from seen
        yield from sheet.rows

    return header, samples, rows()


def suggest(resource: Resource, sheet: Sheet) -> Mapping:
    """A mapping proposed for a foreign sheet: each foreign column to the template column it
    most likely is (one each, best scores first), value maps for choices it does not spell
    as the template does, and the Action constant."""
    header, samples, _ = _samples(sheet)
    columns = [c for c in resource.all_columns if c is not resource.id_column]
    scored: list[tuple[float, int, Column]] = []
    for index, name in enumerate(header):
        if not name:
            continue
        wanted = _norm(name)
        for column in columns:
            names = {_norm(column.label), _norm(column.path.rsplit(".", 1)[-1]), _norm(column.path)}
            names.update(_norm(s) for s in SYNONYMS.get(column.label, ()))
            best = max(fuzz.token_sort_ratio(wanted, n) for n in names)
            exact_synonym = wanted in {_norm(s) for s in SYNONYMS.get(column.label, ())}
            score = max(best, 95.0) if exact_synonym else best
            if score >= _THRESHOLD and _fits(column, samples[index]):
                scored.append((score, index, column))
    taken: dict[Column, Rule] = {}
    used: set[int] = set()
    for score, index, column in sorted(scored, key=lambda s: (-s[0], s[1])):
        if column in taken or index in used:
            continue
        used.add(index)
        rule = Rule(column.label, column, source=header[index], index=index, score=round(score))
        rule.values, rule.note = _value_map(column, samples[index])
        taken[column] = rule
    rules = [Rule(ACTION_LABEL, None, constant=resource.default_action,
                  note="every row; or map a column of the file")]  # fmt: skip
    for column in columns:
        rule = taken.get(column) or Rule(column.label, column)
        if rule.source is None and resource.default_action in column.required:
            rule.note = f"needed to {resource.default_action}: give a From column or a Constant"
        rules.append(rule)
    ignored = [name for index, name in enumerate(header) if name and index not in used]
    return Mapping(resource, rules, ignored)


def _value_map(column: Column, samples: list[Any]) -> tuple[dict[str, str], str]:
    """For a choice (or Yes/No) column: the foreign words it does not take, each to the
    closest it takes (to check), with a note."""
    if column.kind not in (Kind.CHOICE, Kind.BOOLEAN):
        return {}, ""
    allowed = list(column.choices) if column.kind is Kind.CHOICE else ["Yes", "No"]
    convert = coercer(column)
    found: dict[str, str] = {}
    for value in dict.fromkeys(to_text(v) for v in samples):
        if len(found) >= _DISTINCT:
            break
        try:
            convert(value)
        except CellError:
            best = process.extractOne(value, [a for a in allowed if a], scorer=fuzz.WRatio)
            if best is not None and best[1] >= 60:
                found[value] = str(best[0])
    return found, "check the Values suggested" if found else ""


def write_mapping(mapping: Mapping, out: Path, foreign: str) -> None:
    """The mapping as a workbook to review and edit (its `Mapping` sheet)."""
    with FastBook(out) as book:
        sheet = book.sheet(MAPPING_SHEET, len(MAPPING_HEADER), (26, 26, 30, 40, 8, 50))
        sheet.row(MAPPING_HEADER, header=True)
        for rule in mapping.rules:
            values = "; ".join(f"{k} → {v}" for k, v in rule.values.items())
            sheet.row([rule.label, rule.source, rule.constant, values or None, rule.score,
                       rule.note or None])  # fmt: skip
        for name in mapping.ignored:
            sheet.row([IGNORED, name, None, None, None, f"a column of {foreign} nothing takes"])
        book.end_sheet()
        about = book.sheet("About", 2, (16, 100), freeze=False, autofilter=False)
        about.row(["Item", "Value"], header=True)
        for item, value in (
            ("Resource", mapping.resource.name),
            ("Made from", foreign),
            ("Column", "a column of the template (one row each)"),
            ("From", "the column of the foreign file its cells come from"),
            ("Constant", "else: one value for every row"),
            ("Values", "foreign value → template value, separated by ';' (Paused → suspended)"),
            (IGNORED, "a foreign column nothing takes"),
        ):
            about.row([item, value])
        book.end_sheet()


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
                pair = _ARROW.split(part.strip(), maxsplit=1)
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
    _, _, rows = _samples(sheet)
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
