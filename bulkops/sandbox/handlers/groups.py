"""Groups (org units, convirza-v3.md section 10.3): children, tree, org-list and CRUD.
Names are unique among siblings; the parent must exist and be active; the top group
cannot be deleted."""

from __future__ import annotations

from typing import Any

from bulkops.sandbox.context import ApiError, Context, Route, route
from bulkops.sandbox.handlers.crud import Collection, filtered, page
from bulkops.sandbox.specs import GROUP

__all__ = ["GROUPS", "GROUP_ROUTES"]


def _checks(context: Context, body: dict[str, Any], method: str) -> list[dict[str, str]]:
    parent = body.get("org_unit_parent_id", body.get("parent_org_unit_id"))
    both = "org_unit_parent_id" in body and "parent_org_unit_id" in body
    if both and body["org_unit_parent_id"] != body["parent_org_unit_id"]:
        return [{"field": "org_unit_parent_id", "message": "disagrees with parent_org_unit_id"}]
    if method == "POST" and parent is None:
        return [{"field": "org_unit_parent_id", "message": "is required"}]
    if isinstance(parent, int):
        group = context.store.get("groups", parent)
        if group is None or group.get("org_unit_status") != "active":
            return [{"field": "org_unit_parent_id", "message": "must be an active group"}]
        context.require_scope(parent, "org_unit_parent_id")
    return []


def _complete(context: Context, record: dict[str, Any], old: dict[str, Any] | None) -> None:
    if "parent_org_unit_id" in record:
        record["org_unit_parent_id"] = record.pop("parent_org_unit_id")
    if old is not None and old.get("org_unit_parent_id") is None:
        record["org_unit_parent_id"] = None  # the top group stays the top group
    parent = context.store.get("groups", record.get("org_unit_parent_id"))
    record["top_ou_id"] = (parent or {}).get("top_ou_id") or record.get("org_unit_id")
    record.setdefault("org_unit_status", "active")
    if parent is not None:
        record.setdefault("timezone", parent.get("timezone"))
    moved_to = record.get("org_unit_parent_id")
    if (
        old is not None
        and moved_to is not None
        and moved_to in context.sandbox.subtree(old["org_unit_id"])
    ):
        raise ApiError(
            400,
            "a group cannot move below itself",
            [{"field": "org_unit_parent_id", "message": "is this group or one below it"}],
        )
    industry = context.store.get("industries", record.get("industry_id"))
    record["industry_name"] = industry["industry_name"] if industry else None


#: a group as the child-groups list shows one (convirza-v3.md 10.3), field for field
_LISTED = ("org_unit_id", "org_unit_ext_id", "org_unit_name", "org_unit_parent_id",
           "top_ou_id", "org_unit_status", "billing_id", "address", "city", "state", "zip",
           "phone_number", "industry_id", "industry_name")  # fmt: skip


def _listed(group: dict[str, Any]) -> dict[str, Any]:
    shown = {key: group.get(key) for key in _LISTED}
    shown["billing_id"] = group.get("billing_id") or group.get("top_ou_id")
    shown["org_unit_created"] = group.get("created_on")
    shown["org_unit_modified"] = group.get("updated_on")
    return shown


def _profile(context: Context, group: dict[str, Any]) -> dict[str, Any]:
    """GET /groups/{id} (its page unseen): the listed record and the time zone."""
    return {**_listed(group), "timezone": group.get("timezone")}


def _sibling_key(record: dict[str, Any]) -> tuple[Any, ...] | None:
    """Sibling groups have different names; a top group has no siblings (each is an
    account of its own: two accounts may well have the same name)."""
    parent = record.get("org_unit_parent_id", record.get("parent_org_unit_id"))
    if parent is None:
        return None
    return (parent, str(record.get("org_unit_name", "")).casefold())


GROUPS = Collection(
    table="groups",
    base="/groups",
    id_key="org_unit_id",
    list_key="groups",
    spec=GROUP,
    answer_key="orgUnitId",
    noun="group",
    natural_key=_sibling_key,
    always_unique=True,  # the one uniqueness rule the docs state
    key_text="name under this parent",
    id_start=80001,
    admin_only=True,
    check_more=_checks,
    before_store=_complete,
    shown=_profile,
    listed=_listed,
)


def _list_children(context: Context) -> tuple[int, Any]:
    assert context.user is not None
    parent = context.query_int("org_unit_id", int(context.user["ct_user_ou_id"]), 1)
    context.require_scope(parent)
    if context.store.get("groups", parent) is None:
        raise ApiError(404, f"no group with id {parent}")
    children = [g for g in context.store.all("groups") if g.get("org_unit_parent_id") == parent]
    children = filtered(context, children, "group_name", lambda g: g["org_unit_name"])
    status = context.request.query.get("status")
    if status:
        children = [g for g in children if g.get("org_unit_status") == status]
    children.sort(key=lambda g: g["org_unit_id"])
    return 200, page(context, [_listed(g) for g in children], "groups")


def _tree(context: Context) -> tuple[int, Any]:
    assert context.user is not None
    active_only = context.request.query.get("active", "true").lower() != "false"
    nodes: list[dict[str, Any]] = []

    def walk(group_id: int, code: str, level: int) -> None:
        group = context.store.get("groups", group_id)
        if group is None or (active_only and group.get("org_unit_status") != "active"):
            return
        nodes.append({"org_unit_id": group_id, "text": group["org_unit_name"], "code": code,
                      "group_level": level})  # fmt: skip
        children = sorted(
            g["org_unit_id"]
            for g in context.store.records("groups")
            if g.get("org_unit_parent_id") == group_id
        )
        for index, child in enumerate(children, start=1):
            walk(child, f"{code}.{index}", level + 1)

    walk(int(context.user["ct_user_ou_id"]), "1", 1)
    return 200, {"groups": nodes}


def _org_list(context: Context) -> tuple[int, Any]:
    assert context.user is not None
    root = context.query_int("org_unit_id", int(context.user["ct_user_ou_id"]), 1)
    context.require_scope(root)
    if context.store.get("groups", root) is None:
        raise ApiError(404, f"no group with id {root}")
    below = sorted(context.sandbox.subtree(root) - {root})
    return 200, {"orgUnits": [root, *below]}


def _delete_group(context: Context) -> tuple[int, Any]:
    context.require_write(admin_only=True)
    group = GROUPS.find(context)
    if group.get("org_unit_parent_id") is None:
        raise ApiError(403, "the top group of an account cannot be deleted")
    if any(g.get("org_unit_parent_id") == group["org_unit_id"]
           for g in context.store.records("groups")):  # fmt: skip
        raise ApiError(409, "the group has groups below it: move or delete them first")
    return GROUPS.delete(context)


GROUP_ROUTES: list[Route] = [
    route("GET", "/v3/groups/list", _list_children),
    route("GET", "/v3/groups/tree", _tree),
    route("GET", "/v3/groups/org-list", _org_list),
    route("DELETE", "/v3/groups/{id}", _delete_group),
    *(r for r in GROUPS.routes() if r.method != "DELETE"),
]
