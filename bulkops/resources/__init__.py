"""Resources bulkops can work on, by CLI name. Each module is its resource's source of truth."""

from __future__ import annotations

from bulkops.errors import UsageError
from bulkops.model.schema import Column, Kind, ListGroup, Resource, Rule, Wire
from bulkops.resources.broadcasts import BROADCASTS
from bulkops.resources.groups import GROUPS
from bulkops.resources.numbers import NUMBERS
from bulkops.resources.routes import ROUTES
from bulkops.resources.users import USERS

__all__ = [
    "RESOURCES",
    "Column",
    "Kind",
    "ListGroup",
    "Resource",
    "Rule",
    "Wire",
    "get_resource",
    "resource_for_sheet",
]

#: by CLI name, in the order a workbook's sheets run (what a row refers to runs first)
RESOURCES: dict[str, Resource] = {
    r.name: r for r in sorted((GROUPS, USERS, NUMBERS, ROUTES, BROADCASTS), key=lambda r: r.order)
}


def get_resource(name: str) -> Resource:
    """The resource called `name` (CLI name or sheet name, any case)."""
    found = resource_for_sheet(name)
    if found is None:
        known = ", ".join(RESOURCES)
        raise UsageError(f"unknown resource '{name}'; choose one of: {known}")
    return found


def resource_for_sheet(name: str) -> Resource | None:
    """The resource a sheet (or file stem) is named after, if any: 'Routes', 'routes',
    'routes-west', 'Routes (2)', 'routes_2026-11'."""
    text = name.strip().lower()
    for resource in RESOURCES.values():
        for word in (resource.name, resource.sheet.lower()):
            if text == word or (text.startswith(word) and not text[len(word)].isalnum()):
                return resource
    return None
