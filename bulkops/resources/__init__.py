"""Resources bulkops can work on, by CLI name. Each module of this package that declares a
`RESOURCE` is one resource's whole source of truth, and this registry finds it: adding a
resource is adding its module (see "Adding a resource" in the README)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Final

from bulkops.errors import UsageError
from bulkops.model.schema import Column, Kind, ListGroup, Resource, Rule, Wire

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


def _declared() -> list[Resource]:
    """Every `RESOURCE` of this package's modules."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "RESOURCE", None)
        if isinstance(declared, Resource):
            found.append(declared)
    return found


#: by CLI name, in the order a workbook's sheets run (what a row refers to runs first)
RESOURCES: Final[dict[str, Resource]] = {
    r.name: r for r in sorted(_declared(), key=lambda r: (r.order, r.name))
}


def get_resource(name: str) -> Resource:
    """The resource called `name` (CLI name or sheet name, any case, singular too:
    'route', 'Voice Agent')."""
    found = resource_for_sheet(name)
    if found is None and name.strip() and not name.strip().lower().endswith("s"):
        found = resource_for_sheet(name.strip() + "s")
    if found is None:
        known = ", ".join(RESOURCES)
        raise UsageError(f"unknown resource '{name}'; choose one of: {known}")
    return found


def _words(resource: Resource) -> tuple[str, ...]:
    """How a sheet or file may be named after `resource`: its CLI name or its sheet name,
    with spaces, '_' or '-' between the words ('voice-agents', 'Voice Agents',
    'voice_agents')."""
    words = {resource.name, resource.sheet.lower()}
    for word in list(words):
        for separator in (" ", "_", "-"):
            words.add(word.replace(" ", separator).replace("-", separator))
    return tuple(sorted(words, key=len, reverse=True))


def resource_for_sheet(name: str) -> Resource | None:
    """The resource a sheet (or file stem) is named after, if any: 'Routes', 'routes',
    'routes-west', 'Routes (2)', 'routes_2026-11'."""
    text = name.strip().lower()
    for resource in RESOURCES.values():
        for word in _words(resource):
            if text == word or (text.startswith(word) and not text[len(word)].isalnum()):
                return resource
    return None
