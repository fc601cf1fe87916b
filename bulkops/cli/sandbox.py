"""`bulkops sandbox serve`: the local fake of the V3 API over HTTP, for rehearsals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions

__all__ = ["app", "serve"]

app = typer.Typer(help="A local, faithful fake of the Convirza V3 API.", no_args_is_help=True)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None, typer.Option(help="A ready bearer token for the demo Admin user.")
    ] = None,
    rate_limit: Annotated[
        float | None, typer.Option("--rate-limit", help="Requests per second per token.")
    ] = None,
    burst: Annotated[int | None, typer.Option(help="Requests a token may save up.")] = None,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Added latency.")] = 0.0,
    faults: Annotated[
        str, typer.Option(help="Fault plan, e.g. '500:0.1, drop:0.05@POST /provisioned-routes'.")
    ] = "",
    seed: Annotated[int, typer.Option(help="Seed of the fault plan's random draws.")] = 0,
    db: Annotated[
        Path | None, typer.Option(help="Keep the account in this SQLite file across restarts.")
    ] = None,
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            help="How to read the docs where they leave a choice, NAME=VALUE (e.g. "
            "phones=e164, page_cap=50, total=no); repeatable. See docs/sandbox.md.",
        ),
    ] = None,
) -> None:
    """Serve the sandbox until Ctrl-C; prints the base URLs and demo credentials first.
    Three accounts: the demo (admin@demo.bulkops.test), another customer
    (admin@other.bulkops.test) and an empty one where migrations land
    (admin@target.bulkops.test); password demo-password."""
    from bulkops.sandbox import DEMO_PASSWORD, DEMO_USERS

    listening = actions.sandbox_socket(host, port)  # a taken port: one line, no banner
    box = actions.sandbox(
        rate_limit=rate_limit, burst=burst, latency_ms=latency_ms, faults=faults, seed=seed,
        db=db, token=token, variants=variant,
    )  # fmt: skip
    root = f"http://{host}:{port}"
    typer.echo(f"bulkops sandbox on {root}")
    typer.echo(f"  CONVIRZA_BASE_URL={root}/v3")
    typer.echo(f"  CONVIRZA_OAUTH_URL={root}")
    typer.echo(f"  answers: {box.variants} (--variant NAME=VALUE reads the docs otherwise)")
    typer.echo(f"  demo users (password '{DEMO_PASSWORD}'):")
    roles = {1: "Admin", 2: "Standard", 3: "ReadOnly"}
    for _, email, _first, _last, role, group in DEMO_USERS:
        typer.echo(f"    {email:<30} {roles[role]:<9} group {group}")
    if token:
        typer.echo("  bearer token: the one given with --token (demo Admin)")
    if db:
        typer.echo(f"  state kept in {db}")
    typer.echo("Ctrl-C stops it.")
    actions.serve_sandbox(box, listening)
