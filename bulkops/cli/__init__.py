"""The `bulkops` command line. Each command lives in its own module; this one builds the app
and turns every error into one line on stderr and an exit code (0 ok, 1 problems, 2 could
not start). Nothing below `bulkops.cli` prints or exits.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperOption

from bulkops.cli import (
    export,
    ledger,
    login,
    map,
    report,
    resources,
    sandbox,
    serve,
    template,
    undo,
    validate,
    verify,
)
from bulkops.cli import run as run_command
from bulkops.errors import BulkopsError
from bulkops.version import VERSION

__all__ = ["app", "main", "run"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ABORTED = 2

#: how help names the value an option takes (typer writes '<str>', '<bool>' …)
_VALUE_NAMES = {"<str>": "TEXT", "<float>": "NUMBER", "<int>": "INTEGER", "<path>": "PATH",
                "<list[str]>": "TEXT"}  # fmt: skip


def _named(kind: type[TyperOption] | type[TyperArgument]) -> None:
    """Help shows a value by a plain name (PATH, TEXT), and a flag, which takes no
    value, by none."""
    original = kind.display_type_rich

    def display(param: Any, ctx: Any) -> str | None:
        if getattr(param, "is_flag", False):
            return None
        shown = original(param, ctx)
        return _VALUE_NAMES.get(shown, shown) if shown is not None else None

    setattr(kind, "display_type_rich", display)  # noqa: B010 - help text only


_named(TyperOption)
_named(TyperArgument)

app = typer.Typer(
    name="bulkops",
    help="Spreadsheets in, safe bulk operations against the Convirza V3 API out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"bulkops {VERSION}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Spreadsheets in, safe bulk operations against the Convirza V3 API out."""


app.command("resources")(resources.command)
app.command("template")(template.command)
app.command("validate")(validate.command)
app.command("run")(run_command.command)
app.command("report")(report.command)
app.command("export")(export.command)
app.command("map")(map.command)
app.command("verify")(verify.command)
app.command("undo")(undo.command)
app.command("serve")(serve.command)
app.command("login")(login.login)
app.command("logout")(login.logout)
app.add_typer(ledger.app, name="ledger")
app.add_typer(sandbox.app, name="sandbox")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    try:
        # standalone_mode=False: click returns a typer.Exit's code instead of exiting
        code = app(args=argv, prog_name="bulkops", standalone_mode=False)
    except BulkopsError as error:
        print(f"bulkops: error: {error}", file=sys.stderr)
        return EXIT_ABORTED
    except KeyboardInterrupt:
        print("bulkops: interrupted", file=sys.stderr)
        return 130
    except typer.Abort:
        print("bulkops: aborted", file=sys.stderr)
        return EXIT_ABORTED
    except typer.TyperException as error:  # usage errors: click's message and usage line
        show = getattr(error, "show", None)
        if show is not None:
            show()
        else:
            print(f"bulkops: error: {error}", file=sys.stderr)
        return EXIT_ABORTED
    except Exception as error:  # the promise is one line, never a traceback
        if os.environ.get("BULKOPS_DEBUG"):
            raise
        print(
            f"bulkops: internal error: {type(error).__name__}: {error} "
            "(this is a bug in bulkops; set BULKOPS_DEBUG=1 to see where, and report it)",
            file=sys.stderr,
        )
        return EXIT_ABORTED
    return code if isinstance(code, int) else EXIT_OK


def run() -> None:  # pragma: no cover - the console script
    sys.exit(main())
