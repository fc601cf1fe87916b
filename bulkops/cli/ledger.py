"""`bulkops ledger show|export LEDGER`: a migration's id ledger, for audit."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.ledger import BOUGHT, ORDERING

__all__ = ["app", "export", "show"]

app = typer.Typer(
    help="A migration's id ledger: which object of the target each source object became.",
    no_args_is_help=True,
)

LedgerArgument = Annotated[
    Path, typer.Argument(help="The ledger file (migration-SOURCE-to-TARGET.ledger).")
]


@app.command("show")
def show(
    ledger: LedgerArgument,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind (groups, routes, numbers …).")
    ] = None,
) -> None:
    """List the two accounts and every mapping (kind, source id -> target id, wave)."""
    opened = actions.read_ledger(ledger)
    try:
        pair = opened.pair
        entries = [e for e in opened.entries() if kind is None or e.kind == kind]
        counts = Counter(e.kind for e in opened.entries())
    finally:
        opened.close()
    typer.echo(f"{ledger}: {pair.source_name} -> {pair.target_name}")
    shown = ", ".join(f"{name} {count}" for name, count in counts.items())
    typer.echo(f"{sum(counts.values())} mappings ({shown or 'none yet'})")
    for entry in entries:
        note = {ORDERING: "  (ordering: not known to have landed)",
                BOUGHT: "  (bought)"}.get(entry.state, "")  # fmt: skip
        typer.echo(f"{entry.kind} {entry.source} -> {entry.target}  [{entry.wave}]{note}")


@app.command("export")
def export(
    ledger: LedgerArgument,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The workbook to write (LEDGER.xlsx beside it)."),
    ] = None,
) -> None:
    """Write the mappings to a workbook (sheets Ledger and Accounts)."""
    target = out or ledger.with_suffix(".xlsx")
    rows = actions.export_ledger(ledger, target)
    typer.echo(f"{rows} mappings", err=True)
    typer.echo(f"wrote {target}")
