"""`bulkops verify RESULTS.xlsx`: read back what each row of a run asks for, and say
whether the account still holds it (GETs only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions

__all__ = ["command"]

_SHOWN = 10


def command(
    file: Annotated[Path, typer.Argument(help="A run's results workbook (or any workbook).")],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write the read-back (FILE.verify.xlsx)."),
    ] = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Read the in-process demo sandbox.")
    ] = False,
    resource: Annotated[str | None, typer.Option("--resource", help="As given to run.")] = None,
) -> None:
    """Read back every row's object: verified, or drifted with the fields that differ.
    Sends no write. Exit 0: all verified; 1: some row not."""
    if sandbox:
        typer.echo(
            "SANDBOX: reading a fresh in-process demo account: what an earlier --sandbox run "
            "made is not in it (to keep one across commands: bulkops sandbox serve --db FILE)",
            err=True,
        )
    result = actions.verify(file, out=out, sandbox=sandbox, resource=resource)
    read = [o for o in result.outcomes if o.verified]
    drifted = [o for o in read if o.verified != "verified"]
    typer.echo(
        f"read back {len(read)} row{'s' if len(read) != 1 else ''}: "
        f"{len(read) - len(drifted)} verified, {len(drifted)} drifted",
        err=True,
    )
    for outcome in drifted[:_SHOWN]:
        typer.echo(f"  {outcome.sheet} row {outcome.row}: {outcome.verified}", err=True)
    if len(drifted) > _SHOWN:
        typer.echo(f"  … and {len(drifted) - _SHOWN} more (see the workbook)", err=True)
    typer.echo(f"written: {result.results_path}")
    raise typer.Exit(0 if not drifted and result.ok else 1)
