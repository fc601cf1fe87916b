"""`bulkops validate FILE [-o REPORT.xlsx] [--json]`: every mistake, cell by cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.cli.options import EncodingOption, HiddenOption, JsonOption, ResourceOption
from bulkops.config import Settings
from bulkops.validation import Report

__all__ = ["command", "render"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(report: Report, shown: int) -> str:
    """The short human summary: verdict, counts by code, the first problems, the report."""
    lines = []
    verdict = "valid" if report.valid else "NOT valid"
    counts = []
    for sheet in report.sheets:
        actions_done = ", ".join(f"{n} {a}" for a, n in sorted(sheet.actions.items()))
        counts.append(f"{sheet.sheet}: {_plural(sheet.rows, 'row')} ({actions_done or 'none'})")
    lines.append(f"{report.path}: {verdict} — " + "; ".join(counts))
    if report.problems:
        lines.append(
            f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}, "
            f"{_plural(report.invalid_rows, 'row')} cannot run"
        )
        by_code = report.counts()
        lines.append("  " + ", ".join(f"{code} ×{n}" for code, n in by_code.most_common()))
        for problem in report.problems[:shown]:
            value = f" [{_clip(problem.value)}]" if problem.value else ""
            lines.append(
                f"  {problem.severity.value:<7} {problem.where()}{value}: {problem.message}"
            )
        if len(report.problems) > shown:
            lines.append(f"  … and {len(report.problems) - shown} more")
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
