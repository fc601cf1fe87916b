"""The commands that only describe: the column catalogue (`bulkops resources`) and the
blank templates (`bulkops template`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulkops.errors import OutputError, UsageError
from bulkops.labels import ACTION_LABEL
from bulkops.model.schema import MISSING, Resource
from bulkops.resources import RESOURCES, get_resource

__all__ = ["ACCOUNT_TEMPLATE", "catalogue", "template", "template_all"]


def catalogue(resource: str | None = None) -> list[dict[str, Any]]:
    """The column catalogue of one resource (or all), as `bulkops resources --json` prints."""
    chosen = [get_resource(resource)] if resource else list(RESOURCES.values())
    return [_describe(r) for r in chosen]


def _describe(resource: Resource) -> dict[str, Any]:
    from bulkops.output.templates import column_note  # openpyxl: imported when needed

    columns: list[dict[str, Any]] = [
        {
            "label": ACTION_LABEL,
            "path": None,
            "type": "choice",
            "required": [],
            "enum": list(resource.actions),
            "description": "What to do with the row; blank means " + resource.default_action,
            "example": resource.default_action,
            "default": resource.default_action,
            "refers_to": None,
        }
    ]
    for column in resource.all_columns:
        columns.append(
            {
                "label": column.label,
                "path": column.path,
                "type": column.type_name,
                "required": [a for a in resource.actions if a in column.required],
                "enum": list(column.choices) if column.choices else None,
                "description": column.description,
                "example": column.example,
                "default": None if column.default is MISSING else column.default,
                "note": column_note(resource, column),
                "refers_to": column.refers,
            }
        )
    labels = [resource.by_path[p].label for p in resource.key_paths]
    return {
        "resource": resource.name,
        "sheet": resource.sheet,
        "title": resource.title,
        "actions": list(resource.actions),
        "default_action": resource.default_action,
        "natural_key": list(resource.key_paths),
        "natural_key_columns": labels,
        "alternate_keys": [resource.by_path[p].label for p in resource.alt_keys],
        "alternate_keys_first": resource.alt_first,
        "finds": resource.finds or None,
        "irreversible": sorted(resource.irreversible)
        + (
            [
                f"{resource.by_path[resource.irreversible_if[0]].label} = "
                f"{resource.irreversible_if[1]}"
            ]
            if resource.irreversible_if
            else []
        ),
        "columns": columns,
    }


def template(
    resource: str, out: str | Path | None = None, *, as_csv: bool = False, force: bool = False
) -> Path:
    """Write the blank template of `resource`; `out` may be a file or a folder (an existing
    one, or a path ending in '/'). A file already there is kept unless `force`."""
    chosen = get_resource(resource)
    suffix = ".csv" if as_csv else ".xlsx"
    name = chosen.name + suffix
    target = Path(name) if out is None else Path(out)
    if out is not None and (target.is_dir() or str(out).endswith(("/", "\\"))):
        target = target / name
    _not_over(target, force)
    from bulkops.output.templates import write_csv_template, write_template

    try:
        if as_csv:
            return write_csv_template(chosen, target)
        return write_template(chosen, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the template ({exc.strerror})") from None


def template_all(out: str | Path | None = None, *, force: bool = False) -> Path:
    """One workbook with a template sheet per resource, in the order a run takes them."""
    target = Path(out) if out is not None else Path(ACCOUNT_TEMPLATE)
    if out is not None and (target.is_dir() or str(out).endswith(("/", "\\"))):
        target = target / ACCOUNT_TEMPLATE
    _not_over(target, force)
    from bulkops.output.templates import write_templates

    try:
        return write_templates(list(RESOURCES.values()), target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the template ({exc.strerror})") from None


def _not_over(target: Path, force: bool) -> None:
    """A template never overwrites a file (perhaps filled in) unless told to."""
    if target.exists() and not force:
        raise UsageError(
            f"{target} exists (filled in, perhaps): choose another -o, or --force to overwrite it"
        )


#: the file name `bulkops template --all` writes
ACCOUNT_TEMPLATE = "account.xlsx"
