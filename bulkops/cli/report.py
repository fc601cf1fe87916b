"""`bulkops report FILE`: rebuild the results workbook from the run's journal alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bulkops.rebuild import rebuild

__all__ = ["command"]


def command(
    file: Annotated[Path, typer.Argument(help="The workbook that was run.")],
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="The results workbook of that run.")
    ] = None,
    resource: Annotated[str | None, typer.Option("--resource", help="As given to run.")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="As given to run.")] = None,
) -> None:
    """Write the results workbook again from the journal, without asking the API."""
    result = rebuild(file, out=out, resource=resource, encoding=encoding)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items()))
    typer.echo(f"rebuilt {result.results_path} from the journal ({counts})")
    raise typer.Exit(0 if result.ok else 1)
