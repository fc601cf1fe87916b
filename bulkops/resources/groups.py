"""Groups (org units, CLI name `groups`): the single source of truth for the groups sheet.

The body is CONTRACT.md section 3's assumed shape (convirza-v3.md section 10.3): the
columns below and `GroupBody` state it once, so a correction is one small change here.
A group's parent is given by id, external id, name path or `ref:`; its industry by name
(looked up through `GET /industry`) or id.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Column, Finder, Kind, Resource
from bulkops.resources.common import (
    GROUPS_FINDER,
    STATE_NAMES,
    US_STATES,
    group_column,
    id_column,
    text,
)

__all__ = ["GROUPS", "INDUSTRIES_FINDER", "RESOURCE", "GroupBody"]

_NEEDED = frozenset({"create", "replace", "upsert"})


class GroupBody(BaseModel):
    """A group body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    org_unit_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    org_unit_parent_id: Annotated[int, Field(ge=1)] | None = None
    org_unit_ext_id: Annotated[str, Field(max_length=100)] | None = None
    org_unit_status: Literal["active", "inactive"] | None = None
    address: str | None = None
    city: str | None = None
    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    zip: Annotated[str, Field(pattern=r"^\d{5}(-\d{4})?$")] | None = None
    phone_number: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    industry_id: Annotated[int, Field(ge=1)] | None = None
    timezone: str | None = None


def _zip(value: Any) -> tuple[str, str] | None:
    digits = str(value).replace("-", "")
    ok = digits.isdigit() and (len(value) == 5 or (len(value) == 10 and value[5] == "-"))
    return None if ok else ("invalid-type", f"'{value}' is not a ZIP code (30303 or 30303-1234)")


#: Industries: a table the API lists whole (GET /industry), found by name.
INDUSTRIES_FINDER: Final = Finder(
    kind="industries",
    noun="industry",
    listing="/industry",
    id_field="industry_id",
    name_fields=("industry_name",),
    single_page=True,
    otherwise="give its id, or its name as GET /industry lists it",
    suggest=True,
)


_COLUMNS: Final[tuple[Column, ...]] = (
    text(
        "Group Name",
        "org_unit_name",
        "The group's name, unique among the groups under the same parent. With Parent Group "
        "it finds the group when Group ID and External ID are blank.",
        "Sunrise Smiles - Midtown",
        required=_NEEDED,
        max_length=255,
        clear_value=MISSING,
    ),
    group_column(
        "org_unit_parent_id",
        "the group sits under",
        _NEEDED,
        label="Parent Group",
        example="Peachtree Dental Group",
    ),
    text(
        "External ID",
        "org_unit_ext_id",
        "Your own id for the group (e.g. a store number). Finds the group first when "
        "filled, and ref:Groups!<External ID> refers to it from other sheets.",
        "store-012",
        max_length=100,
    ),
    Column(
        "Status",
        "org_unit_status",
        Kind.CHOICE,
        "Whether the group is in use.",
        example="active",
        choices=("active", "inactive"),
        default="active",
    ),
    text("Address", "address", "Street address.", "1200 Peachtree St NE"),
    text("City", "city", "City.", "Atlanta"),
    Column(
        "State",
        "state",
        Kind.CHOICE,
        "Two-letter state code.",
        example="GA",
        choices=US_STATES,
        choice_aliases=STATE_NAMES,
        clear_value=None,
    ),
    text("ZIP", "zip", "ZIP code: 5 digits, or ZIP+4.", "30309", check=_zip),
    Column(
        "Phone Number",
        "phone_number",
        Kind.PHONE,
        "The group's main phone number: 10 digits.",
        example="4045550123",
        clear_value=None,
    ),
    Column(
        "Industry",
        "industry_id",
        Kind.INTEGER,
        "The industry: its name as the API lists it (GET /industry, e.g. Dental) or its id.",
        example="Dental",
        minimum=1,
        clear_value=None,
        refers="industries",
        finder=INDUSTRIES_FINDER,
    ),
    Column(
        "Timezone",
        "timezone",
        Kind.TIMEZONE,
        "An IANA time zone such as America/New_York; blank: the parent's.",
        example="America/New_York",
    ),
)


def _from_api(item: dict[str, Any]) -> dict[str, Any]:
    shaped = dict(item)
    if "org_unit_parent_id" not in shaped and "parent_org_unit_id" in shaped:
        shaped["org_unit_parent_id"] = shaped["parent_org_unit_id"]
    return shaped


GROUPS: Final = Resource(
    name="groups",
    finder=GROUPS_FINDER,
    sheet="Groups",
    title="Groups (org units)",
    base_path="/groups",
    id_column=id_column("Group ID", "org_unit_id", "group", 80001, "External ID or Group Name"),
    columns=_COLUMNS,
    groups=(),
    rules=(),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("org_unit_name", "org_unit_parent_id"),
    # the one uniqueness the docs state: a name among its siblings (a copy would be 409)
    unique_on_server=True,
    alt_keys=("org_unit_ext_id",),
    alt_first=True,
    nested=True,
    unlisted=("timezone",),
    body_model=GroupBody,
    answer_key="orgUnitId",
    from_api=_from_api,
    order=10,
    description="The group tree (org units) that owns routes, users and numbers.",
    notes=(
        "A blank Action means create.",
        "Parent Group takes an id, a name path from any level (Acme/West), an external id, "
        "or ref:Groups!<key> for a group an earlier row creates: rows run after the rows "
        "they refer to.",
        "Update, replace, delete and upsert find the group by Group ID, else by External ID, "
        "else by Group Name within Parent Group.",
        "Industry takes the industry's name (checked against GET /industry) or its id.",
        "A group with groups below it cannot be deleted: delete those too, in any order "
        "(a parent refused while it has children is tried again once the sheet's other "
        "deletes went).",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = GROUPS
