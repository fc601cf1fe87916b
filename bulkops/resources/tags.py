"""Tags (CLI name `tags`): the single source of truth for the tags sheet.

The body is CONTRACT.md section 3's assumed shape (`/tag`), stated once by the columns
below and `TagBody`. A tag is found by its name, which is unique in the account.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Resource
from bulkops.resources.common import group_column, id_column, text

__all__ = ["RESOURCE", "TAGS", "TagBody"]


class TagBody(BaseModel):
    """A tag body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    tag_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    org_unit_id: Annotated[int, Field(ge=1)] | None = None


TAGS: Final = Resource(
    name="tags",
    sheet="Tags",
    title="Tags",
    base_path="/tag",
    id_column=id_column("Tag ID", "tag_id", "tag", 501, "Tag Name"),
    columns=(
        text(
            "Tag Name",
            "tag_name",
            "The tag as calls are labelled with it; finds the tag when Tag ID is blank.",
            "New patient",
            required=frozenset({"create"}),
            max_length=100,
            clear_value=MISSING,
        ),
        group_column(
            "org_unit_id",
            "the tag belongs to (blank: the whole account)",
            frozenset(),
            example="",
            clear_value=None,
        ),
    ),
    groups=(),
    rules=(),
    actions=("create", "update", "delete", "skip"),
    default_action="create",
    key_paths=("tag_name",),
    body_model=TagBody,
    order=26,
    description="Labels for calls (New patient, Emergency …).",
    notes=(
        "A blank Action means create.",
        "Update and delete find the tag by Tag ID, else by Tag Name.",
        "To rename a tag, give its Tag ID and the new Tag Name.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = TAGS
