"""Which sheets of a workbook hold which resource: a sheet named after a resource (its
sheet name or its own name), or the one data sheet there is when `--resource` says which.
Sheets bulkops writes itself (Summary, Problems, Instructions, Source) are never data."""

from __future__ import annotations

from bulkops.errors import UsageError
from bulkops.io.tables import Workbook
from bulkops.model.schema import Resource
from bulkops.resources import RESOURCES, get_resource, resource_for_sheet

__all__ = ["OWN_SHEETS", "select_sheets"]

#: sheet names a refusal lists, at most (a line stays a line)
_NAMED = 10

#: Sheets bulkops writes itself (templates, reports, results, exports); never data.
OWN_SHEETS = frozenset({"instructions", "problems", "summary", "source"})


def select_sheets(workbook: Workbook, resource: str | None = None) -> list[tuple[str, Resource]]:
    """The resource sheets of a workbook: named after a resource, or the one sheet there is
    when `resource` is given. A CSV file's one sheet is named after the file."""
    forced = get_resource(resource) if resource else None
    data_sheets = [s for s in workbook.sheet_names if s.strip().lower() not in OWN_SHEETS]
    found: list[tuple[str, Resource]] = []
    for name in data_sheets:
        matched = resource_for_sheet(name)
        if matched is not None and (forced is None or matched is forced):
            found.append((name, matched))
    if found:  # in dependency order: what rows refer to runs first
        return sorted(found, key=lambda pair: pair[1].order)
    if forced is not None and len(data_sheets) == 1:
        return [(data_sheets[0], forced)]
    shown = workbook.sheet_names[:_NAMED]
    names = ", ".join(f"'{s}'" for s in shown)
    if len(workbook.sheet_names) > _NAMED:
        names += f" and {len(workbook.sheet_names) - _NAMED} more"
    known = ", ".join(r.sheet for r in RESOURCES.values())
    if forced is not None:
        raise UsageError(
            f"{workbook.path}: no sheet named '{forced.sheet}' (sheets: {names}); rename the "
            "sheet, or keep only one data sheet"
        )
    what = "file" if workbook.format == "csv" else "workbook"
    fix = (
        f"name the file after its resource (e.g. {next(iter(RESOURCES))}.csv)"
        if workbook.format == "csv"
        else f"name the sheet after its resource ({known})"
    )
    raise UsageError(
        f"{workbook.path}: cannot tell which resource this {what} holds (sheets: {names}); "
        f"{fix}, or pass --resource"
    )
