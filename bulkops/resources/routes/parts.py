"""What the routes sheet's columns are built from: where the routing settings live in the
body, and the two column shapes the route body repeats (switches and free text)."""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import Column, Kind

__all__ = ["CONFIG", "route_text", "yes_no"]

#: Where the routing settings live in the body.
CONFIG: Final = "routing_configuration.config"


def yes_no(label: str, path: str, description: str, example: bool, **kw: Any) -> Column:
    """A switch; a replace row sends No for a blank cell unless `default` says otherwise."""
    return Column(
        label,
        path,
        Kind.BOOLEAN,
        description,
        example="Yes" if example else "No",
        default=kw.pop("default", False),
        **kw,
    )


def route_text(label: str, path: str, description: str, example: str, **kw: Any) -> Column:
    """Free text; a replace row sends '' for a blank cell, and #CLEAR empties it."""
    kw.setdefault("default", "")
    kw.setdefault("clear_value", "")
    return Column(label, path, Kind.TEXT, description, example=example, **kw)
