"""`bulkops resources [RESOURCE] [--json]`: the column catalogue."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from bulkops import actions

__all__ = ["command", "render"]


def render(entries: list[dict[str, Any]], detailed: bool) -> str:
    lines: list[str] = []
    for entry in entries:
        lines.append(f"{entry['resource']}  (sheet '{entry['sheet']}'): {entry['title']}")
        lines.append(
            f"  actions: {', '.join(entry['actions'])}  (blank Action = {entry['default_action']})"
        )
        key = " + ".join(entry["natural_key_columns"])
        if entry["alternate_keys"]:
            other = ", ".join(entry["alternate_keys"])
            key = (
                f"{other}, else {key}" if entry["alternate_keys_first"] else f"{key}, else {other}"
            )
        if entry["finds"]:
            key = entry["finds"]
        lines.append(f"  natural key: {key}  ({' + '.join(entry['natural_key'])})")
        if entry["irreversible"]:
            lines.append(f"  cannot be undone (asks first): {', '.join(entry['irreversible'])}")
        if not detailed:
            lines.append(f"  {len(entry['columns'])} columns; 'bulkops resources "
                         f"{entry['resource']}' lists them")  # fmt: skip
            continue
        width = max(len(c["label"]) for c in entry["columns"])
        lines.append("")
        for column in entry["columns"]:
            needed = f" [needed to {', '.join(column['required'])}]" if column["required"] else ""
            values = (
                f" one of: {', '.join(v or '(blank)' for v in column['enum'])}"
                if (column["enum"])
                else ""
            )
            refers = f" [{column['refers_to']}: id, name or ref:]" if column["refers_to"] else ""
            lines.append(
                f"  {column['label']:<{width}}  {column['type']:<8} "
                f"{column['path'] or ''}{needed}{refers}{values}"
            )
    return "\n".join(lines)


def command(
    resource: Annotated[str | None, typer.Argument(help="A resource, e.g. routes.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List resources, their actions and columns (label, API path, type, allowed values)."""
    entries = actions.catalogue(resource)
    if as_json:
        document: Any = entries[0] if resource else entries
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        typer.echo(render(entries, detailed=resource is not None))
