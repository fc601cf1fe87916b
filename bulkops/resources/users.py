"""Users (CLI name `users`): the single source of truth for the users sheet.

The body is CONTRACT.md section 3's assumed shape (convirza-v3.md section 10.2), stated
once by the columns and `UserBody`. The role is a name on the sheet (Admin, Standard,
ReadOnly); delete is the API's soft delete.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Column, Finder, Kind, Resource
from bulkops.resources.common import group_column, id_column, switch, text

__all__ = ["RESOURCE", "ROLES", "USERS", "USERS_FINDER", "UserBody"]

_NEEDED = frozenset({"create", "replace", "upsert"})
_NAME: Final[dict[str, Any]] = {"required": _NEEDED, "max_length": 100, "clear_value": MISSING}
_ROLE_ALIASES: Final = {
    "read_only": "ReadOnly",
    "admin_user": "Admin",
    "standard_user": "Standard",
    "read_only_user": "ReadOnly",
}

#: role_id as the API lists users -> the role name a body sends
ROLES: Final = {1: "Admin", 2: "Standard", 3: "ReadOnly"}


class UserBody(BaseModel):
    """A user body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    username: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")] | None = None
    first_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    ct_user_ou_id: Annotated[int, Field(ge=1)] | None = None
    role: Literal["Admin", "Standard", "ReadOnly"] | None = None
    user_ext_id: Annotated[str, Field(max_length=100)] | None = None
    user_status: Literal["active", "inactive"] | None = None
    timezone: str | None = None
    agent_ring_to: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    agent_code: Annotated[int, Field(ge=0)] | None = None
    score_call: bool | None = None
    access_audio: bool | None = None


_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "Username",
        "username",
        Kind.EMAIL,
        "The user's email address, which is also their login. Finds the user when User ID "
        "is blank; ref:Users!<Username> refers to the user from other sheets.",
        example="maria.lopez@sunrisesmiles.example",
        required=_NEEDED,
        max_length=255,
    ),
    text("First Name", "first_name", "First name.", "Maria", **_NAME),
    text("Last Name", "last_name", "Last name.", "Lopez", **_NAME),
    group_column("ct_user_ou_id", "the user belongs to", _NEEDED),
    Column(
        "Role",
        "role",
        Kind.CHOICE,
        "Admin (everything), Standard (their groups' calls and settings) or ReadOnly "
        "(sees, changes nothing).",
        example="Standard",
        required=_NEEDED,
        choices=("Admin", "Standard", "ReadOnly"),
        choice_aliases=_ROLE_ALIASES,
    ),
    text(
        "External ID",
        "user_ext_id",
        "Your own id for the user (e.g. an HR number). Finds the user when neither User ID "
        "nor Username does.",
        "emp-1042",
        max_length=100,
    ),
    Column(
        "Status",
        "user_status",
        Kind.CHOICE,
        "Whether the user can log in.",
        example="active",
        choices=("active", "inactive"),
        default="active",
    ),
    Column(
        "Timezone",
        "timezone",
        Kind.TIMEZONE,
        "An IANA time zone such as America/New_York.",
        example="America/New_York",
    ),
    Column(
        "Agent Ring To",
        "agent_ring_to",
        Kind.PHONE,
        "The 10-digit number calls assigned to this user ring.",
        example="4045550142",
        clear_value=None,
    ),
    Column(
        "Agent Code",
        "agent_code",
        Kind.INTEGER,
        "The agent code callers or the IVR use to reach this user.",
        example=1042,
        minimum=0,
        clear_value=None,
    ),
    switch("Score Calls", "score_call", "Whether the user scores calls."),
    switch("Access Audio", "access_audio", "Whether the user may listen to recordings."),
)


#: the role as the users list writes it (display text) -> the role name a body sends
_ROLE_TEXT: Final = {"admin user": "Admin", "standard user": "Standard",
                     "read only user": "ReadOnly", "readonly user": "ReadOnly",
                     "admin": "Admin", "standard": "Standard", "readonly": "ReadOnly",
                     "read only": "ReadOnly"}  # fmt: skip


def _from_api(item: dict[str, Any]) -> dict[str, Any]:
    """A listed user in body shape. The documented record has `email` (the login), the
    role as display text ('Standard User'), the group as `group_org_unit_id` and
    `status`; it has no username, role_id or ct_user_ou_id, which are read when present."""
    shaped = dict(item)
    if not shaped.get("username") and isinstance(item.get("email"), str):
        shaped["username"] = item["email"]
    if shaped.get("ct_user_ou_id") is None and item.get("group_org_unit_id") is not None:
        shaped["ct_user_ou_id"] = item["group_org_unit_id"]
    role_id = item.get("role_id")
    role = item.get("role")
    if role_id in ROLES:
        shaped["role"] = ROLES[role_id]
    elif isinstance(role, str) and role.strip().casefold() in _ROLE_TEXT:
        shaped["role"] = _ROLE_TEXT[role.strip().casefold()]
    status = item.get("user_status", item.get("status"))
    if status is not None:
        shaped["user_status"] = status
    audio = item.get("access_audio")
    if isinstance(audio, str):
        shaped["access_audio"] = audio.strip().lower() in ("yes", "true", "1")
    return shaped


#: How a user is found by the text a cell gives: the username (their email), asked for
#: one at a time (GET /users/list?email=…).
USERS_FINDER: Final = Finder(
    kind="users",
    noun="user",
    listing="/users/list",
    id_field="ct_user_id",
    name_fields=("username", "email"),
    sheet="Users",
    query="email",
    otherwise="give its id, its username (email), or ref:Users!<username>",
)


USERS: Final = Resource(
    name="users",
    finder=USERS_FINDER,
    sheet="Users",
    title="Users",
    base_path="/users",
    list_path="/users/list",
    id_column=id_column("User ID", "ct_user_id", "user", 90001, "Username or External ID"),
    columns=_COLUMNS,
    groups=(),
    rules=(),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("username",),
    alt_keys=("user_ext_id",),
    name_filter_param="email",
    unlisted=("timezone", "agent_code", "score_call"),
    body_model=UserBody,
    answer_key="userId",
    from_api=_from_api,
    order=20,
    description="The people who log in and answer calls: their group, role and settings.",
    notes=(
        "A blank Action means create.",
        "Update, replace, delete and upsert find the user by User ID, else Username, else "
        "External ID.",
        "Role is a name: Admin, Standard or ReadOnly.",
        "delete deactivates the user (the API keeps them as deleted); a deleted user is no "
        "longer listed.",
        "Group takes an id, a name path (Acme/West), an external id or ref:Groups!<key>.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = USERS
