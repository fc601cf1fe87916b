"""Reference pages derived from the code (problem codes, each resource's columns), so the
docs cannot drift: `python scripts/generate.py` writes them, a test fails when stale."""

from __future__ import annotations

from bulkops.model.problems import CODES
from bulkops.model.schema import Resource
from bulkops.output.templates import describe_default

__all__ = ["columns_markdown", "problems_markdown", "variants_markdown"]

#: what bulkops does so that each reading of the docs works (the sandbox's variants)
COPING: dict[str, str] = {
    "phones": "Every number read from the API is brought to its 10 digits before it is "
    "compared (`bulkops/phones.py`); bodies send 10 digits, as the seed does.",
    "page_cap": "The offset steps by what a page held, not by the limit asked; a page "
    "shorter than the longest so far ends the list when there is no total.",
    "total": "A total is used when given and never needed: without one, the list ends at "
    "an empty or short page.",
    "delete": "A DELETE, PUT or PATCH answering 2xx without data succeeded.",
    "patch": "A PATCH that touches a nested object sends that whole top-level object, "
    "completed from the object as it is, so either reading keeps the other settings.",
    "filters": "A look-up sends the name as the row typed it, and the answer is matched on "
    "the client (case aside), whatever the filter did with it.",
    "ids": "A create's new id is read under any of the spellings (`userId`, `ct_user_id`, "
    "`user_id`, `id`); a 2xx naming none is looked up, never sent again.",
    "names": "A listing's bare `name` is read as the object's name; a broadcast listed "
    "under no known name is found by its group, sender, text and time.",
    "unique": "A create is never sent twice on the hope of a 409: a lost answer is looked "
    "up, and only resources whose names the docs say are unique (groups) are re-sent "
    "when the look-up finds nothing.",
    "unknown_fields": "Every body is checked by a strict wire model before it is sent: no "
    "field goes that the contract does not name.",
}


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


def variants_markdown() -> str:
    """docs/sandbox.md: the sandbox's readings of the docs, and how bulkops copes with
    each (CONTRACT.md section 3 names the assumptions they stand for)."""
    from bulkops.sandbox.variants import CHOICES

    lines = [
        "# The sandbox's readings of the docs",
        "",
        "The vendor's docs leave several choices open. The sandbox answers as documented by",
        "default (the users list shows exactly the documented record: `email`, the role as",
        "display text, no `username`, `role_id` or `ct_user_ou_id`; a target outside the",
        "caller's hierarchy is 401; the only uniqueness 409 is a group's name among its",
        "siblings; unknown body fields are dropped). Where the docs are silent it takes each",
        "choice from a variant: `bulkops sandbox serve --variant NAME=VALUE` or",
        "`bulkops run --sandbox --variant NAME=VALUE` (repeatable, or comma-separated; also",
        "the `sandbox_variants` setting, `BULKOPS_SANDBOX_VARIANTS`).",
        "",
        "The test suite runs every sample workbook under every value (`tests/test_variants.py`):",
        "green, then a second run with no write, and with lost answers nothing made twice.",
        "Generated from `bulkops/sandbox/variants.py` and `bulkops/docs.py`.",
        "",
        "| variant | values (default first) | the choice the docs leave open | what bulkops does |",
        "|---|---|---|---|",
    ]
    for name, (values, meaning) in CHOICES.items():
        shown = ", ".join(f"`{v}`" for v in values)
        lines.append(f"| `{name}` | {shown} | {_cell(meaning)} | {_cell(COPING[name])} |")
    return "\n".join(lines) + "\n"
