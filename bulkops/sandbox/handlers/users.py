"""Users (convirza-v3.md section 10.2): list with filters, sort and paging; soft delete."""

from __future__ import annotations

from typing import Any

from bulkops.sandbox.context import ROLE_NAMES, ApiError, Context, Route, route
from bulkops.sandbox.handlers.crud import Collection, page
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
    group = context.store.get("groups", user["ct_user_ou_id"]) or {}
    parent = context.store.get("groups", group.get("org_unit_parent_id")) or {}
    return {
        "ct_user_id": user["ct_user_id"],
        "username": user["username"],
        "email": user["username"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "user_ext_id": user.get("user_ext_id"),
        "status": user["user_status"],
        "user_status": user["user_status"],
        "role_id": user["role_id"],
        "role": _ROLE_TEXT[user["role_id"]],
        "ct_user_ou_id": user["ct_user_ou_id"],
        "group": group.get("org_unit_name"),
        "group_org_unit_id": group.get("org_unit_id"),
        "group_external_id": group.get("org_unit_ext_id"),
        "parent_group": parent.get("org_unit_name"),
        "parent_group_org_unit_id": parent.get("org_unit_id"),
        "timezone": user.get("timezone"),
        "agent_ring_to": user.get("agent_ring_to"),
        "agent_code": user.get("agent_code"),
        "agent_id": f"AGT-{user['ct_user_id']:03d}",
        "score_call": user.get("score_call", False),
        "access_audio": "Yes" if user.get("access_audio") else "No",
        "user_created": user.get("created_on"),
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
    shown=_shown,
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
    if query.get("name"):
        wanted = query["name"].lower()
        users = [u for u in users if wanted in f"{u['first_name']} {u['last_name']}".lower()]
    if query.get("email"):
        users = [u for u in users if query["email"].lower() in u["username"].lower()]
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
