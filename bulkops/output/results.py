"""The results workbook of a run, and the `.failed.xlsx` of rows left to fix.

Results: a `Summary` sheet first, each input sheet at the same cell addresses with the
outcome columns after it (Status coloured; cells the validator or the API refused filled
with a note), then a `Problems` sheet. Failed: only the rows to fix and re-run, under the
input's own header, with a `Problems` column bulkops ignores when it reads the file back.
Both stream rows (constant memory) and are written atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkops.engine.planfile import PlannedRow, digest, kind_of
from bulkops.io.tables import open_workbook
from bulkops.labels import (
    CHANGES_LABEL,
    OUTCOME_LABELS,
    PROBLEMS_LABEL,
    REQUEST_LABEL,
    SEEN_LABEL,
    VERIFIED_LABEL,
)
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.problems import Problem
from bulkops.output.xlsxout import (
    COMMENT_LIMIT,
    Formats,
    Mark,
    atomic,
    marks_from,
    mirror,
    new_book,
    problems_sheet,
    write_cell,
)
from bulkops.resources import resource_for_sheet
from bulkops.validation.columns import match_header
from bulkops.validation.report import Report

__all__ = ["RunSummary", "write_failed", "write_results"]

_RETRY = (Status.INVALID, Status.FAILED, Status.UNKNOWN, Status.NOT_ATTEMPTED)


@dataclass
class RunSummary:
    """What the Summary sheet says about the run as a whole."""

    input_path: Path
    input_sha256: str
    target: str
    started: str
    finished: str
    seconds: float
    requests: int
    throttled: int
    settings: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    #: the command that writes the workbook reversing this run ('' when nothing to undo)
    undo: str = ""
    #: a migration: the id ledger its ids went through ('' when none)
    ledger: str = ""

    def lines(self, outcomes: list[RowOutcome]) -> list[tuple[str, Any]]:
        statuses: dict[str, int] = {}
        actions: dict[str, int] = {}
        for outcome in outcomes:
            statuses[outcome.status.value] = statuses.get(outcome.status.value, 0) + 1
            action = outcome.action or "(not valid)"
            actions[action] = actions.get(action, 0) + 1
        rate = self.requests / self.seconds if self.seconds > 0 else 0.0
        lines: list[tuple[str, Any]] = [
            ("Input", str(self.input_path)),
            ("Input SHA-256", self.input_sha256),
            ("Target", self.target),
            ("Started", self.started),
            ("Finished", self.finished),
            ("Duration (s)", round(self.seconds, 2)),
            ("Rows", len(outcomes)),
            ("Requests", self.requests),
            ("Requests per second", round(rate, 1)),
            ("Rate limited (429)", self.throttled),
            ("bulkops version", self.version),
            ("", ""),
        ]
        lines += [(f"Status: {k}", v) for k, v in sorted(statuses.items())]
        if self.ledger:
            lines += [
                ("", ""),
                (
                    "Migration ledger",
                    f"{self.ledger} (the source ids' ids here; bulkops ledger show lists them)",
                ),
            ]
        if self.undo:
            lines += [("", ""), ("Undo", f"{self.undo} (writes a workbook that reverses it)")]
        if any(o.status is Status.PLANNED for o in outcomes):  # a dry run: what it would do
            planned = Counter(_planned(o) for o in outcomes)
            lines += [("", "")] + [(f"Plan: {k}", v) for k, v in sorted(planned.items())]
        read_back = [o.verified for o in outcomes if o.verified]
        if read_back:
            verified = sum(1 for v in read_back if v == "verified")
            lines += [
                ("", ""),
                ("Read back: verified", verified),
                ("Read back: drifted or not verified", len(read_back) - verified),
            ]
        per_sheet: dict[str, Counter[str]] = {}
        for outcome in outcomes:
            per_sheet.setdefault(outcome.sheet, Counter())[outcome.status.value] += 1
        if len(per_sheet) > 1:  # a workbook of several resources: each sheet's statuses
            lines.append(("", ""))
            for sheet, counted in per_sheet.items():
                shown = ", ".join(f"{n} {k}" for k, n in sorted(counted.items()))
                lines.append((f"Sheet: {sheet}", shown))
        lines += [("", "")] + [(f"Action: {k}", v) for k, v in sorted(actions.items())]
        lines += [("", "")] + [(f"Setting: {k}", v) for k, v in self.settings.items()]
        return lines


_PLAN_OF = {"POST": "create", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}


def _planned(outcome: RowOutcome) -> str:
    """What a dry run would do with the row, as the plan counts it."""
    if outcome.status is Status.PLANNED:
        method = outcome.request[0] if outcome.request else ""
        return _PLAN_OF.get(method, outcome.action or "send")
    if outcome.status is Status.FAILED:
        return "would fail"
    return outcome.status.value


def _api_marks(
    outcomes: Iterable[RowOutcome],
    sheet_name: str,
    header: list[Any],
    header_row: int,
    first_column: int,
) -> dict[tuple[int, int], Mark]:
    """Cells of fields the API refused, found from the 400's `errors[].field` paths."""
    resource = resource_for_sheet(sheet_name)
    marks: dict[tuple[int, int], Mark] = {}
    if resource is None:
        return marks
    letters = {
        b.column: first_column + b.index
        for b in match_header(resource, sheet_name, header, header_row, first_column).bound
    }
    for outcome in outcomes:
        for field_path, message in outcome.fields.items():
            column = resource.column_for_field(field_path)
            if column is not None and column in letters:
                marks[(outcome.row, letters[column])] = (True, f"the API refused it: {message}")
    return marks


def write_results(
    out: Path,
    report: Report,
    outcomes: list[RowOutcome],
    summary: RunSummary,
    *,
    encoding: str | None = None,
    resource_override: str | None = None,
) -> Path:
    """The results workbook at `out` (atomically)."""
    by_row = {(o.sheet, o.row): o for o in outcomes}
    problems: list[Problem] = list(report.problems)
    planned = any(o.status is Status.PLANNED for o in outcomes)
    verified = any(o.verified for o in outcomes)

    def write(target: Path) -> None:
        book = new_book(target)
        formats = Formats.of(book)
        overview = book.add_worksheet("Summary")
        overview.set_column(0, 0, 26)
        overview.set_column(1, 1, 70)
        lines = summary.lines(outcomes)
        if planned:  # a plan: its own fingerprint, so an edited plan is never applied
            signed = digest(
                PlannedRow(kind_of(o.status.value, _request_text(o)), o.seen,
                           tuple(c for c in "\n".join(o.changes)[:32000].split("\n") if c)
                           ).line(o.sheet, o.row)
                for o in sorted(outcomes, key=lambda o: (o.sheet, o.row))
            )  # fmt: skip
            lines = [*lines, ("", ""), ("Plan SHA-256", signed)]
        for line, (key, value) in enumerate(lines):
            write_cell(overview, line, 0, key, formats.header if key else None)
            write_cell(overview, line, 1, value)
        workbook = open_workbook(report.path, encoding=encoding)
        try:
            for sheet_report in report.sheets:
                sheet = workbook.sheet(sheet_report.sheet)
                mine = [o for o in outcomes if o.sheet == sheet_report.sheet]
                marks = marks_from(sheet_report.problems)
                name = resource_override or sheet_report.sheet
                marks.update(
                    _api_marks(mine, name, sheet.header, sheet.header_row, sheet.first_column)
                )

                def cells(row: int, sheet_name: str = sheet_report.sheet) -> list[tuple[Any, Any]]:
                    outcome = by_row.get((sheet_name, row))
                    if outcome is None:
                        return []
                    request: list[tuple[Any, Any]] = []
                    only_planned = outcome.status is Status.PLANNED
                    if planned:
                        request = [(_request_text(outcome), None),
                                   ("\n".join(outcome.changes)[:32000], None),
                                   (outcome.seen, None)]  # fmt: skip
                    if verified:
                        request.append((outcome.verified, None))
                    return [
                        (outcome.status.value, formats.status[outcome.status.value]),
                        (outcome.action, None),
                        (outcome.http_status or "", None),
                        (outcome.request_id or "", None),
                        ("" if outcome.resource_id is None else str(outcome.resource_id), None),
                        (outcome.message[:COMMENT_LIMIT], None),
                        # a row only planned made no attempt of its own
                        ("" if only_planned else outcome.attempts, None),
                        ("" if only_planned else outcome.duration_ms, None),
                        *request,
                    ]

                dry = [REQUEST_LABEL, CHANGES_LABEL, SEEN_LABEL] if planned else []
                header = [*OUTCOME_LABELS, *dry, *([VERIFIED_LABEL] if verified else [])]
                mirror(book, formats, sheet, marks, header, cells)
        finally:
            workbook.close()
        problems_sheet(book, formats, problems)
        book.close()

    return atomic(out, write)


def _shown(value: object) -> object:
    shown = getattr(value, "shown", None)
    return shown() if callable(shown) else str(value)


def _request_text(outcome: RowOutcome) -> str:
    """A dry run's request as the Request column shows it: method, path and JSON body."""
    if outcome.request is None or outcome.status is not Status.PLANNED:
        return ""
    method, path, body = outcome.request
    text = f"{method} {path}"
    if body is not None:
        # an id a dry run cannot know yet (what an earlier row would create) shows as such
        text += " " + json.dumps(body, ensure_ascii=False, default=_shown)
    return text[:32000]


def _referred_rows(
    report: Report, workbook: Any, retry: dict[tuple[str, int], RowOutcome]
) -> dict[tuple[str, int], str]:
    """The rows the rows to re-run refer to with `ref:` (and the rows those refer to), so
    the failed workbook runs on its own: they come back `unchanged` and give their ids."""
    from bulkops.model.refs import parse_ref
    from bulkops.model.schema import header_key
    from bulkops.resources import get_resource

    keys: dict[tuple[str, str], tuple[str, int]] = {}
    refs: dict[tuple[str, int], list[tuple[str, str]]] = {}
    kinds = {r.sheet: get_resource(r.resource) for r in report.sheets}
    for name, resource in kinds.items():
        sheet = workbook.sheet(name)
        key_columns = {resource.by_path[p] for p in (resource.key_paths[0], *resource.alt_keys)}
        at = [
            i
            for i, h in enumerate(sheet.header)
            if resource.by_header.get(header_key(str(h))) in key_columns
        ]
        for number, values in sheet.rows:
            for index in at:
                if index < len(values) and str(values[index]).strip():
                    keys[(name, str(values[index]).strip().casefold())] = (name, number)
            found = [parse_ref(v) for v in values if isinstance(v, str) and v[:4].lower() == "ref:"]
            if found:
                refs[(name, number)] = [(r.sheet, r.key) for r in found if r is not None]
    by_word = {word: name for name, r in kinds.items() for word in (name.casefold(), r.name)}
    kept: dict[tuple[str, int], str] = {}
    queue = list(retry)
    while queue:
        place = queue.pop()
        for sheet_word, key in refs.get(place, []):
            target_sheet = by_word.get(sheet_word.strip().casefold())
            target = keys.get((target_sheet or "", key.casefold()))
            if target is None or target in retry or target in kept:
                continue
            kept[target] = (
                f"kept: {place[0]} row {place[1]} refers to it (it comes back unchanged "
                "and gives its id)"
            )
            queue.append(target)
    return kept


def write_failed(
    out: Path, report: Report, outcomes: list[RowOutcome], *, encoding: str | None = None
) -> Path | None:
    """The rows to fix and re-run, under their own header; None when there are none."""
    retry = {(o.sheet, o.row): o for o in outcomes if o.status in _RETRY}
    if not retry:
        return None

    def write(target: Path) -> None:
        book = new_book(target)
        formats = Formats.of(book)
        workbook = open_workbook(report.path, encoding=encoding)
        try:
            kept = _referred_rows(report, workbook, retry) if len(report.sheets) > 1 else {}
            for sheet_report in report.sheets:
                name = sheet_report.sheet
                if not any(s == name for s, _ in [*retry, *kept]):
                    continue
                sheet = workbook.sheet(name)
                out_sheet = book.add_worksheet(name[:31])
                out_sheet.freeze_panes(1, 0)
                for index, title in enumerate([*sheet.header, PROBLEMS_LABEL]):
                    write_cell(out_sheet, 0, index, title, formats.header)
                line = 0
                for number, values in sheet.rows:
                    outcome = retry.get((name, number))
                    if outcome is None and (name, number) not in kept:
                        continue
                    line += 1
                    for index, value in enumerate(values):
                        write_cell(out_sheet, line, index, value)
                    if outcome is None:
                        note = f"row {number}: {kept[(name, number)]}"
                    else:
                        note = f"row {number}: {outcome.status.value}: {outcome.message}"
                    write_cell(out_sheet, line, len(sheet.header), note[:COMMENT_LIMIT])
                out_sheet.set_column(0, len(sheet.header) - 1, 18)
                out_sheet.set_column(len(sheet.header), len(sheet.header), 80)
        finally:
            workbook.close()
        book.close()

    return atomic(out, write)
