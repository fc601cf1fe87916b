"""Options several commands share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["AllowUnknownOption", "EncodingOption", "HiddenOption", "JsonOption", "ResourceOption"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
ResourceOption = Annotated[
    str | None,
    typer.Option(
        "--resource", help="The resource, if the sheet name does not say (only that sheet runs)."
    ),
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="A CSV file's encoding (e.g. cp1252).")
]
HiddenOption = Annotated[
    bool,
    typer.Option(
        "--include-hidden", help="Use hidden sheets, hidden rows and merged cells anyway."
    ),
]
AllowUnknownOption = Annotated[
    bool,
    typer.Option(
        "--allow-unknown-columns",
        help="Ignore a header that looks like a misspelt column (its values are dropped).",
    ),
]
