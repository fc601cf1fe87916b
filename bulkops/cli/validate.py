"""`bulkops validate FILE [-o REPORT.xlsx] [--json]`: every mistake, cell by cell."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.cli.options import (
    AllowUnknownOption,
    EncodingOption,
    HiddenOption,
    JsonOption,
    ResourceOption,
)
from bulkops.config import Settings
from bulkops.validation import Report

__all__ = ["command", "problem_lines", "render"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problem_lines(report: Report, shown: int, *, warnings_only: bool = False) -> list[str]:
    """The problems as `validate` prints them: counts, by code, the first few (`run`
    prints the warnings so: its rows' errors are in its own summary)."""
    problems = [p for p in report.problems if not (warnings_only and p.is_error)]
    if not problems:
        return []
    lines = [
        f"{_plural(report.warnings, 'warning')} in the workbook (as validate says)"
        if warnings_only
        else f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}, "
        f"{_plural(report.invalid_rows, 'row')} cannot run"
    ]
    by_code = Counter(p.code for p in problems)
    lines.append("  " + ", ".join(f"{code} ×{n}" for code, n in by_code.most_common()))
    for problem in problems[:shown]:
        value = f" [{_clip(problem.value)}]" if problem.value else ""
        lines.append(f"  {problem.severity.value:<7} {problem.where()}{value}: {problem.message}")
    if len(problems) > shown:
        lines.append(f"  … and {len(problems) - shown} more")
    return lines


def render(report: Report, shown: int) -> str:
    """The short human summary: verdict, counts by code, the first problems, the report."""
    lines = []
    verdict = "valid" if report.valid else "NOT valid"
    counts = []
    for sheet in report.sheets:
        actions_done = ", ".join(f"{n} {a}" for a, n in sorted(sheet.actions.items()))
        counts.append(f"{sheet.sheet}: {_plural(sheet.rows, 'row')} ({actions_done or 'none'})")
    lines.append(f"{report.path}: {verdict} — " + "; ".join(counts))
    lines += problem_lines(report, shown)
    if report.report_path:
        lines.append(f"report: {report.report_path} (problem cells highlighted, with notes)")
    return "\n".join(lines)


def command(
    file: Annotated[Path, typer.Argument(help="The .xlsx or .csv file to check.")],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the report workbook here."),
    ] = None,
    as_json: JsonOption = False,
    resource: ResourceOption = None,
    encoding: EncodingOption = None,
    include_hidden: HiddenOption = False,
    allow_unknown_columns: AllowUnknownOption = False,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write a report workbook.")
    ] = False,
) -> None:
    """Check a file and point at every mistake; nothing is sent. Exit 0 valid, 1 problems."""
    report = actions.validate(
        file,
        resource=resource,
        report=out,
        write_report=not no_report,
        encoding=encoding,
        include_hidden=include_hidden,
        allow_unknown_columns=allow_unknown_columns,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    if report.rows == 0:
        # nothing to validate is bad input, not a validation result: one line, exit 2
        empty = next(p for p in report.problems if p.code == "no-data-rows")
        typer.echo(f"bulkops: error: {file}: sheet '{empty.sheet}': {empty.message}", err=True)
        raise typer.Exit(2)
    if not as_json:
        typer.echo(render(report, Settings().problems_shown))
    raise typer.Exit(0 if report.valid else 1)
