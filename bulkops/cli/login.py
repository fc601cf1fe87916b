"""`bulkops login` / `bulkops logout`: the OAuth token pair, asked for, never on argv."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from bulkops import actions
from bulkops.auth import credentials_path

__all__ = ["login", "logout"]


def login(
    email: Annotated[str | None, typer.Option(help="The Convirza login email.")] = None,
    oauth_url: Annotated[
        str | None, typer.Option("--oauth-url", help="OAuth host (default CONVIRZA_OAUTH_URL).")
    ] = None,
) -> None:
    """Log in with your email and password (asked for, never given on the command line)."""
    address = email or typer.prompt("Email")
    password = typer.prompt("Password", hide_input=True)
    credentials = actions.login(address, password, oauth_url=oauth_url)
    until = datetime.fromtimestamp(credentials.expires_at).strftime("%Y-%m-%d %H:%M")
    typer.echo(
        f"logged in as {credentials.email}; the session is kept in "
        f"{credentials_path()} (readable only by you); access valid until {until}"
    )


def logout() -> None:
    """Revoke the stored tokens and delete them."""
    if actions.logout():
        typer.echo("logged out: the tokens are revoked and forgotten")
    else:
        typer.echo("nobody is logged in")
