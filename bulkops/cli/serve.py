"""`bulkops serve`: the upload page in a browser (see `bulkops.web`)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

from bulkops import actions
from bulkops.config import settings_with
from bulkops.errors import UsageError

__all__ = ["command", "data_folder"]


def data_folder() -> Path:
    """Where the page keeps uploads by default: the user's data folder."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bulkops" / "web"


def command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8800,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Serve against the in-process demo account.")
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Where uploads live (default: your data folder)."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Another name the page answers to (repeatable)."),
    ] = None,
) -> None:
    """Serve the upload page: sign in, upload a workbook, see each problem on its cell,
    download the report and the templates. Prints the address to open; Ctrl-C stops it."""
    from bulkops.web import WebConfig, serve

    folder = data_dir or data_folder()
    try:  # (before listening: a folder the page cannot keep uploads in is said at once)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise UsageError(
            f"--data-dir {folder}: the page cannot keep uploads there ({exc.strerror}): "
            "choose a folder you can write to"
        ) from None
    listening = actions.sandbox_socket(host, port)
    hosts = ["127.0.0.1", "localhost", host, *(allow_host or [])]
    config = WebConfig(folder, sandbox=sandbox, settings=settings_with(), hosts=hosts)
    bound = listening.getsockname()[1]
    shown = host if ":" not in host else f"[{host}]"
    if sandbox:
        typer.echo("SANDBOX: the page runs against an in-process demo account; nothing real "
                   "is touched.", err=True)  # fmt: skip
    if not _loopback(host):
        typer.echo(f"warning: listening on {host}, beyond this machine: put TLS (a reverse "
                   "proxy with HTTPS) in front of it before anyone signs in", err=True)  # fmt: skip
    typer.echo(f"bulkops page on http://{shown}:{bound}/  (uploads in {folder}; Ctrl-C stops it)")
    serve(config, listening)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
