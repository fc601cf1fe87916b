"""`bulkops export [RESOURCE ...] [--all] [-o FILE.xlsx]`: the account as a workbook in
template form, to edit and run again."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bulkops import actions
from bulkops.cli.options import JsonOption

__all__ = ["command"]


def command(
    resources: Annotated[
        list[str] | None,
        typer.Argument(help="What to export, e.g. routes users.", show_default=False),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every resource whose rows can update what exists.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The .xlsx (or, with --csv, the folder) to write."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite -o if it exists.")] = False,
    as_csv: Annotated[
        bool,
        typer.Option("--csv", help="Write a folder of .csv files (one per resource) instead."),
    ] = False,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="Only this group (id, name path or external id), the groups below it and "
            "what belongs to them.",
        ),
    ] = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Export the in-process demo sandbox's account.")
    ] = False,
    variant: Annotated[
        list[str] | None,
        typer.Option("--variant", help="With --sandbox: how it reads the docs, NAME=VALUE."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write the account's objects as update rows: one sheet per resource, the template's
    columns, references as you would type them. Run it back unedited: nothing is sent."""
    quiet = as_json or not sys.stderr.isatty()
    bar: Any = None

    def progress(rows: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(unit="row", file=sys.stderr, delay=2.0, dynamic_ncols=True)
        bar.update(rows)

    if out is not None and out.exists() and not force and sys.stdin.isatty() and not as_json:
        answer = typer.prompt(f"{out} exists: overwrite it? Type 'yes'", default="no", err=True)
        force = str(answer).strip().lower() == "yes"
    if sandbox and not as_json:
        typer.echo("SANDBOX: exporting the in-process demo account.", err=True)
    try:
        result = actions.export(
            resources or [],
            out,
            every=every,
            sandbox=sandbox,
            force=force,
            group=group,
            as_csv=as_csv,
            variants=variant,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        shown = {"path": str(result.path), "target": result.target, "rows": result.rows,
                 "not_exported": result.left_out, "requests": result.requests,
                 "throttled": result.throttled, "seconds": round(result.seconds, 3)}  # fmt: skip
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    sheets = ", ".join(f"{sheet} {rows:,}" for sheet, rows in result.rows.items())
    typer.echo(
        f"exported {result.total:,} rows from {result.target} ({sheets}) in "
        f"{result.seconds:.1f} s, {result.requests} requests",
        err=True,
    )
    typer.echo(f"wrote {result.path}")
    typer.echo(
        f"next: edit it, then 'bulkops run {result.path} --dry-run' to see what would change",
        err=True,
    )
