"""`bulkops template RESOURCE [-o PATH] [--csv]`: a blank template to fill."""

from __future__ import annotations

from typing import Annotated

import typer

from bulkops import actions

__all__ = ["command"]


def command(
    resource: Annotated[
        str | None, typer.Argument(help="The resource, e.g. routes.", show_default=False)
    ] = None,
    out: Annotated[
        str | None, typer.Option("-o", "--output", help="File or folder to write.")
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write a CSV instead of .xlsx.")] = False,
    every: Annotated[
        bool,
        typer.Option("--all", help="Write one workbook with a sheet per resource."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the file if it exists.")
    ] = False,
) -> None:
    """Write a blank template: header notes, dropdowns, an example row, Instructions."""
    if every:
        if as_csv:
            raise typer.BadParameter("--all writes one .xlsx workbook; --csv writes one resource")
        typer.echo(f"wrote {actions.template_all(out, force=force)}")
        return
    if resource is None:
        raise typer.BadParameter("name a resource (e.g. routes), or pass --all")
    written = actions.template(resource, out, as_csv=as_csv, force=force)
    typer.echo(f"wrote {written}")
