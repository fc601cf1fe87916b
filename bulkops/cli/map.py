"""`bulkops map FOREIGN --to RESOURCE`: another system's sheet into a template. Without
--mapping it suggests one to review; with it, it writes the template-form workbook and
names, for each problem, the cell of the foreign file it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.mapping import MappingProblems

__all__ = ["command"]

_SHOWN = 20


def command(
    foreign: Annotated[Path, typer.Argument(help="The foreign sheet (.xlsx or .csv).")],
    to: Annotated[str, typer.Option("--to", help="The resource it becomes (routes, users …).")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="The mapping to use (as written by a first 'bulkops map' and reviewed); "
            "without it, one is suggested.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The workbook to write (NAME.RESOURCE.xlsx)."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The CSV's text encoding (found by itself otherwise).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Suggest a new mapping over an existing one.")
    ] = False,
) -> None:
    """Map another system's columns to a template: suggest a mapping (a workbook to review:
    column -> column, value maps, constants, ignored columns), then with --mapping write
    the template-form workbook and check it. Exit 0: written and valid; 1: written, with
    problems; 2: nothing written."""
    try:
        result = actions.map_foreign(foreign, to, mapping=mapping, out=out, encoding=encoding,
                                     force=force)  # fmt: skip
    except MappingProblems as problems:
        for line in problems.lines:
            typer.echo(f"bulkops: error: {line}", err=True)
        typer.echo("nothing was written: fix the mapping, then run the same command again",
                   err=True)  # fmt: skip
        raise typer.Exit(2) from None
    if result.suggested:
        _suggested(result, foreign, to)
        return
    assert result.out is not None
    typer.echo(f"mapped {result.rows:,} rows of {foreign.name} to {to}", err=True)
    unmentioned = result.mapping.unmentioned
    if unmentioned:
        shown = ", ".join(f"'{c}'" for c in unmentioned)
        typer.echo(f"warning: {shown} of {foreign.name} not in the mapping: left out (add a "
                   f"row for each to map it, or an '(ignored)' row)", err=True)  # fmt: skip
    errors = [(p, s) for p, s in result.sources if p.is_error]
    warnings = [(p, s) for p, s in result.sources if not p.is_error]
    if errors or warnings:
        typer.echo(f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} "
                   "in the mapped rows:", err=True)  # fmt: skip
    for problem, source in (errors + warnings)[:_SHOWN]:
        value = f" [{problem.value}]" if problem.value else ""
        came = f" ({source})" if source else ""
        typer.echo(f"  {problem.severity.value:<7} {problem.where()}{value}: "
                   f"{problem.message}{came}", err=True)  # fmt: skip
    if len(result.sources) > _SHOWN:
        typer.echo(f"  … and {len(result.sources) - _SHOWN} more", err=True)
    typer.echo(f"wrote {result.out}")
    if errors:
        typer.echo("fix the foreign file or the mapping (its Values, Constants), then map "
                   "again; or fix the cells in the written workbook", err=True)  # fmt: skip
        raise typer.Exit(1)
    typer.echo(f"next: bulkops run {result.out} --dry-run", err=True)


def _suggested(result: actions.MapResult, foreign: Path, to: str) -> None:
    mapping = result.mapping
    typer.echo(f"suggested mapping of {foreign.name} to {to} (score 0-100):", err=True)
    width = max(len(r.label) for r in mapping.rules)
    unfilled = []
    for rule in mapping.rules:
        if rule.source is not None:
            values = f"; values {', '.join(f'{k} → {v}' for k, v in rule.values.items())}"
            typer.echo(f"  {rule.label:<{width}} <- '{rule.source}' ({rule.score})"
                       f"{values if rule.values else ''}", err=True)  # fmt: skip
        elif rule.constant is not None:
            typer.echo(f"  {rule.label:<{width}} =  {rule.constant} (one value for every row)",
                       err=True)  # fmt: skip
        elif rule.note:
            unfilled.append(rule.label)
    if unfilled:
        typer.echo(f"  to fill: {', '.join(unfilled)} (needed: give a From column or a "
                   "Constant)", err=True)  # fmt: skip
    if mapping.ignored:
        typer.echo(f"  ignored: {', '.join(mapping.ignored)}", err=True)
    typer.echo(f"wrote {result.mapping_path}")
    quoted = str(foreign) if " " not in str(foreign) else f"'{foreign}'"
    typer.echo(
        f"next: review it in Excel, then: bulkops map {quoted} --to {to} --mapping "
        f"{result.mapping_path}",
        err=True,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
