"""A mapping proposed for a foreign sheet, written as a workbook to review."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

from rapidfuzz import fuzz, process

from bulkops.io.tables import Sheet
from bulkops.labels import ACTION_LABEL
from bulkops.mapping.rules import IGNORED, MAPPING_HEADER, MAPPING_SHEET, Mapping, Rule, sampled
from bulkops.model.schema import Column, Kind, Resource
from bulkops.output.fastxlsx import FastBook
from bulkops.validation.cells import CellError, to_text
from bulkops.validation.columns import coercer

__all__ = ["SYNONYMS", "suggest", "write_mapping"]

#: a suggestion below this score is left for the person to make
_THRESHOLD: Final = 75
#: value maps suggested for one column, at most
_DISTINCT: Final = 50

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


def suggest(resource: Resource, sheet: Sheet) -> Mapping:
    """A mapping proposed for a foreign sheet: each foreign column to the template column it
    most likely is (one each, best scores first), value maps for choices it does not spell
    as the template does, and the Action constant."""
    header, samples, _ = sampled(sheet)
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
