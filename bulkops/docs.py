"""Reference pages derived from the code (problem codes, each resource's columns), so the
docs cannot drift: `python scripts/generate.py` writes them, a test fails when stale."""

from __future__ import annotations

from bulkops.model.problems import CODES
from bulkops.model.schema import Resource
from bulkops.output.templates import describe_default

__all__ = ["columns_markdown", "problems_markdown"]


def problems_markdown() -> str:
    lines = [
        "# Problem codes",
        "",
        "Every problem `bulkops validate` reports has one of these stable codes (they never",
        "change meaning; new ones are added). *Scope* says where it points: a cell, a row, the",
        "header row or the whole file. Generated from `bulkops/validation/problems.py`.",
        "",
        "| code | severity | scope | meaning |",
        "|---|---|---|---|",
    ]
    for code, (severity, scope, meaning) in CODES.items():
        lines.append(f"| `{code}` | {severity.value} | {scope} | {meaning} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _finders(resource: Resource) -> str:
    if resource.finds:
        return resource.finds
    key = " within ".join(resource.by_path[p].label for p in resource.key_paths)
    other = ", ".join(resource.by_path[p].label for p in resource.alt_keys)
    if not other:
        return key
    return f"{other}, else {key}" if resource.alt_first else f"{key}, else {other}"


def _position(resource: Resource) -> str:
    from bulkops.resources import RESOURCES

    order = [r.name for r in RESOURCES.values()]
    index = order.index(resource.name)
    before = ", ".join(order[:index]) or "nothing"
    return f"after {before}" if index else "first"


def columns_markdown(resource: Resource) -> str:
    lines = [
        f"# {resource.title} (`{resource.name}`)",
        "",
        resource.description,
        "",
        f"Sheet name: `{resource.sheet}`. Actions: {', '.join(resource.actions)} "
        f"(a blank Action means {resource.default_action}). Rows find their object by "
        f"{_finders(resource)}. In a workbook with several sheets this one runs "
        f"{_position(resource)}.",
        "",
        *(f"- {note}" for note in resource.notes),
        "",
        "| column | API path | type | needed to | allowed | blank on create/replace "
        "| description |",
        "|---|---|---|---|---|---|---|",
    ]
    for column in resource.all_columns:
        needed = ", ".join(a for a in resource.actions if a in column.required)
        allowed = ", ".join(c or "(blank)" for c in column.choices)
        # a resource with its own executor sends no create/replace body: no default
        plain = (
            column is not resource.id_column
            and not column.create_only
            and resource.executor is None
        )
        default = describe_default(column) if plain and not column.required else ""
        lines.append(
            f"| {column.label} | `{column.path}` | {column.type_name} | {needed} | {allowed} "
            f"| {_cell(default)} | {_cell(column.description)} |"
        )
    return "\n".join(lines) + "\n"
