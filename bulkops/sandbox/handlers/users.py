"""Users (convirza-v3.md section 10.2): list with filters, sort and paging; soft delete."""

from __future__ import annotations

from typing import Any

from bulkops.sandbox.context import ROLE_NAMES, ApiError, Context, Route, route
from bulkops.sandbox.handlers.crud import Collection, filtered, page
from bulkops.sandbox.specs import USER

__all__ = ["USERS", "USER_ROUTES"]

_ROLE_IDS = {name: number for number, name in ROLE_NAMES.items()}
_ROLE_TEXT = {1: "Admin User", 2: "Standard User", 3: "Read Only User"}


def _role(context: Context, body: dict[str, Any], method: str) -> list[dict[str, str]]:
    role, role_id = body.get("role"), body.get("role_id")
    if role in _ROLE_IDS and role_id is not None and _ROLE_IDS[role] != role_id:
        return [{"field": "role", "message": "role and role_id disagree"}]
    if method == "POST" and role is None and role_id is None:
        return [{"field": "role", "message": "is required (Admin, Standard or ReadOnly)"}]
    return []


def _complete(context: Context, record: dict[str, Any], old: dict[str, Any] | None) -> None:
    if "role" in record:
        record["role_id"] = _ROLE_IDS[record.pop("role")]
    record.setdefault("role_id", 2)
    record.setdefault("user_status", "active")
    if old is not None and old.get("user_status") == "deleted":
        raise ApiError(404, f"no user with id {old['ct_user_id']}")


def _shown(context: Context, user: dict[str, Any]) -> dict[str, Any]:
    """A user as the list shows one: exactly the documented record (convirza-v3.md
    10.2). No username (the login is `email`), no role_id (the role is display text),
    no ct_user_ou_id (the group is `group_org_unit_id`)."""
    group = context.store.get("groups", user["ct_user_ou_id"]) or {}
    parent = context.store.get("groups", group.get("org_unit_parent_id")) or {}
    top = context.store.get("groups", group.get("top_ou_id")) or group
    return {
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user["username"],
        "user_ext_id": user.get("user_ext_id"),
        "ct_user_id": user["ct_user_id"],
        "status": user["user_status"],
        "agent_ring_to": user.get("agent_ring_to"),
        "agent_id": f"AGT-{user['ct_user_id']:03d}",
        "group": group.get("org_unit_name"),
        "group_org_unit_id": group.get("org_unit_id"),
        "group_external_id": group.get("org_unit_ext_id"),
        "account": top.get("org_unit_name"),
        "account_org_unit_id": top.get("org_unit_id"),
        "account_external_id": top.get("org_unit_ext_id"),
        "parent_group": parent.get("org_unit_name"),
        "parent_group_org_unit_id": parent.get("org_unit_id"),
        "parent_group_external_id": parent.get("org_unit_ext_id"),
        "role": _ROLE_TEXT[user["role_id"]],
        "access_audio": "Yes" if user.get("access_audio") else "No",
        "group_access": 3,
        "report_access": 5,
        "assign_scorecard": False,
        "user_created": user.get("created_on"),
    }


def _profile(context: Context, user: dict[str, Any]) -> dict[str, Any]:
    """A user as GET /users/{id} shows one (the "full profile", its page unseen): the
    listed record plus the settings a create sets that the list leaves out."""
    return {
        **_shown(context, user),
        "timezone": user.get("timezone"),
        "agent_code": user.get("agent_code"),
        "score_call": user.get("score_call", False),
    }


USERS = Collection(
    table="users",
    base="/users",
    id_key="ct_user_id",
    list_key="users",
    spec=USER,
    answer_key="userId",
    noun="user",
    natural_key=lambda r: (str(r.get("username", "")).casefold(),),
    key_text="username",
    id_start=90001,
    admin_only=True,
    scope_field="ct_user_ou_id",
    check_more=_role,
    before_store=_complete,
    shown=_profile,
)


def _list_users(context: Context) -> tuple[int, Any]:
    query = context.request.query
    users = USERS.visible(context)
    if query.get("org_unit_id"):
        root = context.query_int("org_unit_id", 0, 1)
        context.require_scope(root)
        tree = context.sandbox.subtree(root)
        users = [u for u in users if u["ct_user_ou_id"] in tree]
    status = query.get("user_status")
    if status:
        if status not in ("active", "inactive", "deleted"):
            raise ApiError(400, "user_status must be active, inactive or deleted")
        users = [u for u in users if u["user_status"] == status]
    else:
        users = [u for u in users if u["user_status"] != "deleted"]
    if query.get("role_id"):
        role_id = context.query_int("role_id", 0, 1, 3)
        users = [u for u in users if u["role_id"] == role_id]
    users = filtered(context, users, "name", lambda u: f"{u['first_name']} {u['last_name']}")
    users = filtered(context, users, "email", lambda u: u["username"])
    sort_by = query.get("sort_by", "created_on")
    order = query.get("sort_order", "desc")
    if sort_by not in ("created_on", "name", "email") or order not in ("asc", "desc"):
        raise ApiError(400, "sort_by must be created_on, name or email; sort_order asc or desc")
    keys = {
        "created_on": lambda u: (u.get("created_on", ""), u["ct_user_id"]),
        "name": lambda u: (f"{u['first_name']} {u['last_name']}".lower(), u["ct_user_id"]),
        "email": lambda u: (u["username"].lower(), u["ct_user_id"]),
    }
    users.sort(key=keys[sort_by], reverse=order == "desc")
    return 200, page(context, [_shown(context, u) for u in users], "users")


def _delete_user(context: Context) -> tuple[int, Any]:
    """Soft delete: the user stays, with user_status 'deleted'."""
    context.require_write(admin_only=True)
    user = USERS.find(context)
    if user["user_status"] == "deleted":
        raise ApiError(404, f"no user with id {user['ct_user_id']}")
    user["user_status"] = "deleted"
    user["updated_on"] = context.now
    context.store.put("users", user["ct_user_id"], user)
    context.committed = True
    return 200, {"userId": user["ct_user_id"], "message": "User deleted"}


USER_ROUTES: list[Route] = [
    # the docs list users at /users/list; the migration table says GET /users: serve both
    route("GET", "/v3/users/list", _list_users),
    route("GET", "/v3/users", _list_users),
    route("DELETE", "/v3/users/{id}", _delete_user),
    *(r for r in USERS.routes() if r.method in ("POST", "PUT", "PATCH")
      or ((r.method == "GET" and "{" in r.pattern.pattern) or "(?P<id>" in r.pattern.pattern)),
]  # fmt: skip
