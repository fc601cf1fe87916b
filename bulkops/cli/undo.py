"""`bulkops undo RESULTS.xlsx`: the workbook that reverses a run, from its journal.
Sends nothing: review it, then run it like any other workbook."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.cli.options import JsonOption

__all__ = ["command"]

_SHOWN = 10


def command(
    results: Annotated[Path, typer.Argument(help="The results workbook of the run to undo.")],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write it (NAME.undo.xlsx beside it)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite -o if it exists.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a workbook that reverses a run: updates and replaces set back, deleted objects
    created again, created ones deleted; what cannot be undone is listed in its Summary.
    Nothing is sent: review it, then run it."""
    target = out
    if target is not None and target.exists() and not force and sys.stdin.isatty() and not as_json:
        answer = typer.prompt(f"{target} exists: overwrite it? Type 'yes'", default="no", err=True)
        force = str(answer).strip().lower() == "yes"
    result = actions.undo(results, out, force=force)
    if as_json:
        shown = {"path": str(result.path), "rows": result.rows, "actions": result.actions,
                 "cannot_undo": result.cannot, "in_doubt": result.in_doubt}  # fmt: skip
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    kinds = ", ".join(f"{count:,} {action}" for action, count in result.actions.items())
    typer.echo(f"undo of {results.name}: {result.total:,} rows ({kinds or 'nothing to reverse'})",
               err=True)  # fmt: skip
    if result.cannot:
        typer.echo(f"cannot be undone ({len(result.cannot)}, listed in its Summary):", err=True)
        for line in result.cannot[:_SHOWN]:
            typer.echo(f"  {line}", err=True)
        if len(result.cannot) > _SHOWN:
            typer.echo(f"  … and {len(result.cannot) - _SHOWN} more", err=True)
    typer.echo(f"wrote {result.path}")
    if not result.total:
        typer.echo("nothing in it to run: what the run did is listed above, to do by hand",
                   err=True)  # fmt: skip
        return
    typer.echo(
        f"next: review it, then 'bulkops run {result.path} --dry-run' to see what it would do",
        err=True,
    )
