"""Users, groups, phone numbers, webhooks, voice agents, tags, broadcasts, media prompts,
industries and ad sources."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bulkops.sandbox import ManualClock
from bulkops.sandbox.clock import iso
from tests.sandbox.conftest import data, error, fields

USER = {"username": "new.hire@demo.bulkops.test", "first_name": "New", "last_name": "Hire",
        "ct_user_ou_id": 70035, "role": "Standard", "timezone": "America/Chicago",
        "agent_ring_to": "4045550123", "access_audio": True}  # fmt: skip


def _ids(items: list[dict[str, Any]], key: str) -> list[Any]:
    return [item[key] for item in items]


# -- users -------------------------------------------------------------------------------


def test_user_create_get_update_and_soft_delete(api: httpx.Client) -> None:
    """Create answers userId; the role is shown by name; delete keeps the user as deleted."""
    user_id = data(api.post("/users", json=USER))["userId"]
    shown = data(api.get(f"/users/{user_id}"))
    assert (shown["email"], shown["role"], shown["access_audio"]) == (
        USER["username"], "Standard User", "Yes")  # fmt: skip
    assert api.patch(f"/users/{user_id}", json={"last_name": "Hired"}).status_code == 200
    assert data(api.get(f"/users/{user_id}"))["last_name"] == "Hired"
    assert api.delete(f"/users/{user_id}").status_code == 200
    listed = data(api.get("/users/list", params={"limit": 200}))["users"]
    assert user_id not in _ids(listed, "ct_user_id")
    deleted = data(api.get("/users/list", params={"user_status": "deleted"}))["users"]
    assert _ids(deleted, "ct_user_id") == [user_id]
    error(api.delete(f"/users/{user_id}"), 404)


def test_user_rules(api: httpx.Client) -> None:
    """Unique username (409); IANA time zone, role and 10-digit ring-to checked (400)."""
    api.post("/users", json=USER)
    error(api.post("/users", json={**USER, "username": USER["username"].upper()}), 409)
    bad = fields(api.post("/users", json={**USER, "username": "x@y.z", "timezone": "Mars/Base",
                                          "role": "Boss", "agent_ring_to": "12345"}))  # fmt: skip
    assert {"timezone", "role", "agent_ring_to"} <= set(bad)
    assert "role" in fields(api.post("/users", json={
        k: v for k, v in USER.items() if k != "role"} | {"username": "a@b.cd"}))  # fmt: skip
    error(api.post("/users", json={**USER, "username": "c@d.ef", "ct_user_ou_id": 90001}), 401)


def test_user_list_filters_sort_and_paging(api: httpx.Client) -> None:
    """name, email, role_id, org_unit_id (with sub-groups), sort_by and paging."""
    by_role = data(api.get("/users/list", params={"role_id": 3}))["users"]
    assert _ids(by_role, "ct_user_id") == [7850]
    by_name = data(api.get("/users/list", params={"name": "sam st"}))["users"]
    assert _ids(by_name, "ct_user_id") == [7849]
    by_mail = data(api.get("/users/list", params={"email": "FRONTDESK"}))["users"]
    assert _ids(by_mail, "ct_user_id") == [7851]
    subtree = data(api.get("/users/list", params={"org_unit_id": 70001}))["users"]
    assert set(_ids(subtree, "ct_user_id")) == {7849, 7851}
    ordered = data(api.get("/users/list", params={"sort_by": "email", "sort_order": "asc"}))
    emails = _ids(ordered["users"], "email")
    assert emails == sorted(emails)
    assert ordered["total"] == 4  # the other account's admin is not visible
    one = data(api.get("/users/list", params={"limit": 1, "offset": 1}))
    assert (len(one["users"]), one["total"]) == (1, 4)
    error(api.get("/users/list", params={"sort_by": "age"}), 400)
    error(api.get("/users/list", params={"limit": 0}), 400)


# -- groups ------------------------------------------------------------------------------


def test_group_create_children_tree_and_org_list(api: httpx.Client) -> None:
    """A new group appears among its parent's children, in the tree and in the org list."""
    body = {"org_unit_name": "Alpharetta Dental", "org_unit_parent_id": 70002,
            "org_unit_ext_id": "alpha-1", "industry_id": 1, "state": "GA"}  # fmt: skip
    new = data(api.post("/groups", json=body))["orgUnitId"]
    shown = data(api.get(f"/groups/{new}"))
    assert (shown["top_ou_id"], shown["industry_name"]) == (70000, "Dental")
    children = data(api.get("/groups/list", params={"org_unit_id": 70002}))
    assert new in _ids(children["groups"], "org_unit_id")
    tree = data(api.get("/groups/tree"))["groups"]
    assert tree[0] == {"org_unit_id": 70000, "text": "Peachtree Dental Group", "code": "1",
                       "group_level": 1}  # fmt: skip
    assert max(node["group_level"] for node in tree) == 3
    org = data(api.get("/groups/org-list/", params={"org_unit_id": 70002}))["orgUnits"]
    assert org[0] == 70002
    assert new in org
    assert 70035 not in org


def test_group_rules(api: httpx.Client) -> None:
    """Sibling names unique (409); parent must exist (400) and be in scope (401); the
    'parent_org_unit_id' spelling is accepted."""
    error(api.post("/groups", json={"org_unit_name": "midtown DENTAL",
                                    "org_unit_parent_id": 70001}), 409)  # fmt: skip
    assert "org_unit_parent_id" in fields(
        api.post("/groups", json={"org_unit_name": "X", "org_unit_parent_id": 1})
    )
    error(api.post("/groups", json={"org_unit_name": "X", "org_unit_parent_id": 90000}), 401)
    made = api.post("/groups", json={"org_unit_name": "Y", "parent_org_unit_id": 70001})
    assert data(made)["orgUnitId"]
    assert "org_unit_parent_id" in fields(api.post("/groups", json={"org_unit_name": "Z"}))


def test_group_delete_rules(api: httpx.Client) -> None:
    """The top group cannot be deleted (401), nor one with children (409); a leaf can."""
    error(api.delete("/groups/70000"), 403)
    error(api.delete("/groups/70001"), 409)
    assert api.delete("/groups/70042").status_code == 200
    error(api.get("/groups/70042"), 404)


def test_groups_outside_the_hierarchy(api: httpx.Client) -> None:
    """Another account's groups are invisible (404) and refused as a scope (401)."""
    error(api.get("/groups/90001"), 404)
    error(api.get("/groups/org-list", params={"org_unit_id": 90000}), 401)
    error(api.get("/groups/list", params={"org_unit_id": 90000}), 401)


# -- phone numbers -----------------------------------------------------------------------


def test_number_search_order_release(api: httpx.Client) -> None:
    """Search the inventory, order a number (409 the second time), release it."""
    found = data(api.get("/phone-numbers/available", params={"area_code": "512", "limit": 3}))
    assert [n["phone_number"] for n in found["numbers"]] == [
        "5125550100", "5125550101", "5125550102"]  # fmt: skip
    assert all(n["state"] == "TX" for n in found["numbers"])
    contains = data(api.get("/phone-numbers/available", params={"contains": "0177"}))
    assert all("0177" in n["phone_number"] for n in contains["numbers"])
    tollfree = data(api.get("/phone-numbers/available", params={"number_type": "tollfree"}))
    assert tollfree["numbers"][0]["number_type"] == "tollfree"
    ordered = data(api.post("/phone-numbers", json={"phone_number": "5125550100",
                                                    "org_unit_id": 70035}))  # fmt: skip
    assert ordered["phone_number_id"]
    error(api.post("/phone-numbers", json={"phone_number": "5125550100", "org_unit_id": 70035}),
          409)  # fmt: skip
    error(api.post("/phone-numbers", json={"phone_number": "5125559999", "org_unit_id": 70035}),
          404)  # fmt: skip
    assert "phone_number" in fields(
        api.post("/phone-numbers", json={"phone_number": "51", "org_unit_id": 70035})
    )
    assert api.delete("/phone-numbers/reserved/5125550100").status_code == 200
    error(api.delete("/phone-numbers/reserved/5125550100"), 404)
    error(api.delete("/phone-numbers/reserved/4045550190"), 409)  # it has a route
    error(api.get("/phone-numbers/available", params={"number_type": "mobile"}), 400)


# -- webhooks, voice agents, tags ----------------------------------------------------------------


def test_webhooks_crud_and_rules(api: httpx.Client) -> None:
    """https only, name unique in its group, PUT resets, delete."""
    body = {"webhook_name": "Zapier", "webhook_url": "https://hooks.zapier.com/x",
            "org_unit_id": 70035, "static_fields": [{"key": "k", "value": "v"}]}  # fmt: skip
    hook = data(api.post("/webhooks", json=body))["webhook_id"]
    assert data(api.get(f"/webhooks/{hook}"))["method"] == "POST"
    error(api.post("/webhooks", json=body), 409)
    assert "webhook_url" in fields(
        api.post("/webhooks", json={**body, "webhook_name": "B", "webhook_url": "http://x"})
    )
    api.put(f"/webhooks/{hook}", json={k: v for k, v in body.items() if k != "static_fields"})
    assert data(api.get(f"/webhooks/{hook}"))["static_fields"] == []
    assert api.delete(f"/webhooks/{hook}").status_code == 200
    error(api.get(f"/webhooks/{hook}"), 404)


def test_voice_agents_and_tags(api: httpx.Client) -> None:
    """Voice agents check their language tag and transfer number; tags are unique."""
    body = {"agent_name": "Night desk", "org_unit_id": 70035, "language": "en-US",
            "transfer_number": "4045550123"}  # fmt: skip
    agent = data(api.post("/ai-voice-agents", json=body))["voice_agent_id"]
    assert data(api.get(f"/ai-voice-agents/{agent}"))["agent_name"] == "Night desk"
    bad = fields(
        api.post(
            "/ai-voice-agents",
            json={**body, "agent_name": "B", "language": "english!", "transfer_number": 5},
        )
    )
    assert {"language", "transfer_number"} <= set(bad)
    tag = data(api.post("/tag", json={"tag_name": "VIP"}))["tag_id"]
    error(api.post("/tag", json={"tag_name": "vip"}), 409)
    assert api.patch(f"/tag/{tag}", json={"tag_name": "Very VIP"}).status_code == 200
    names = _ids(data(api.get("/tag"))["tags"], "tag_name")
    assert "Very VIP" in names


def test_reference_lists(api: httpx.Client) -> None:
    """Industries and ad sources list with ids and names."""
    industries = data(api.get("/industry"))["industries"]
    assert {"industry_id": 1, "industry_name": "Dental"} in industries
    sources = data(api.get("/ad-source"))["ad_sources"]
    assert {"ad_source_id": 1, "ad_source_name": "Google Ads"} in sources


# -- broadcasts --------------------------------------------------------------------------


def test_broadcast_rules(api: httpx.Client, clock: ManualClock) -> None:
    """From an SMS-enabled number of the account, to 10-digit numbers, in the future."""
    body = {"broadcast_name": "Flu shots", "org_unit_id": 70035, "from_number": "4045550100",
            "message": "Flu shots are in!", "recipients": ["4045550111", "4045550112"]}  # fmt: skip
    made = data(api.post("/broadcast", json=body))["broadcast_id"]
    assert data(api.get(f"/broadcast/{made}"))["status"] == "draft"
    assert data(api.get(f"/sms-broadcasts/{made}"))["broadcast_name"] == "Flu shots"
    error(api.post("/broadcast", json=body), 409)
    past = iso(clock.now() - 60)
    bad = fields(api.post("/broadcast", json={**body, "broadcast_name": "B",
        "from_number": "8005550100", "recipients": ["123"], "scheduled_at": past,
        "message": "x" * 1601}))  # fmt: skip
    assert {"from_number", "recipients[0]", "message"} <= set(bad)
    late = fields(
        api.post(
            "/broadcast",
            json={**body, "broadcast_name": "C", "scheduled_at": past, "status": "scheduled"},
        )
    )
    assert late == {"scheduled_at": "must be in the future"}
    later = iso(clock.now() + 3600)
    ok = api.post("/broadcast", json={**body, "broadcast_name": "D", "scheduled_at": later,
                                      "status": "scheduled"})  # fmt: skip
    assert ok.status_code == 200
    assert "from_number" in fields(
        api.post("/broadcast", json={**body, "broadcast_name": "E", "from_number": "8005550100"})
    )


# -- media prompts -----------------------------------------------------------------------


def test_media_prompt_upload_list_delete(api: httpx.Client) -> None:
    """A multipart upload of an audio file answers a prompt id that routes can use."""
    files = {"file": ("hello.wav", b"RIFF....WAVEfmt ", "audio/wav")}
    made = data(api.post("/media-prompts", files=files,
                         data={"prompt_name": "Hello", "org_unit_id": "70035"}))  # fmt: skip
    prompt = made["prompt_id"]
    listed = data(api.get("/media-prompts"))["prompts"]
    assert prompt in _ids(listed, "prompt_id")
    bad = fields(api.post("/media-prompts", files={"file": ("x.exe", b"MZ", "x/y")},
                          data={"prompt_name": ""}))  # fmt: skip
    assert {"file", "prompt_name"} <= set(bad)
    error(api.post("/media-prompts", json={"prompt_name": "x"}), 415)
    route = {"routing_configuration": {"config": {"message_type": "file", "message": prompt}}}
    assert api.patch("/provisioned-routes/12001", json=route).status_code == 200
    assert api.delete(f"/media-prompts/{prompt}").status_code == 200
    error(api.delete(f"/media-prompts/{prompt}"), 404)


_COLLECTIONS = [
    ("/webhooks", "webhook_id", {"webhook_name": "W", "webhook_url": "https://w.example",
                                 "org_unit_id": 70035}, {"webhook_name": "W2"}),
    ("/ai-voice-agents", "voice_agent_id", {"agent_name": "A", "org_unit_id": 70035},
     {"greeting": "Hi"}),
    ("/tag", "tag_id", {"tag_name": "T"}, {"tag_name": "T2"}),
    ("/broadcast", "broadcast_id", {"broadcast_name": "B", "org_unit_id": 70035,
     "from_number": "4045550100", "message": "m", "recipients": ["4045550111"]},
     {"message": "m2"}),
    ("/groups", "orgUnitId", {"org_unit_name": "G", "org_unit_parent_id": 70001},
     {"city": "Athens"}),
    ("/users", "userId", USER, {"first_name": "Renamed"}),
    ("/provisioned-routes", "provisioned_route_id", None, {"call_value": 3}),
]  # fmt: skip


@pytest.mark.parametrize(("base", "answer_key", "body", "change"), _COLLECTIONS)
def test_every_collection_round_trip(
    api: httpx.Client, base: str, answer_key: str, body: dict[str, Any] | None,
    change: dict[str, Any],
) -> None:  # fmt: skip
    """create -> get -> PATCH -> PUT -> list -> delete -> 404, on every collection."""
    if body is None:  # routes: a full body on one of the account's reserved numbers
        import json

        from tests.conftest import DATA

        body = {**json.loads((DATA / "seed_route_put.json").read_text()),
                "phone_number": "4045550100", "provisioned_route_name": "RT"}  # fmt: skip
    new = data(api.post(base, json=body))[answer_key]
    item = f"{base}/{new}"
    assert api.get(item).status_code == 200
    assert api.patch(item, json=change).status_code == 200
    shown = data(api.get(item))
    for key, value in change.items():
        assert shown[key] == value
    put_body = {k: v for k, v in body.items() if k != "phone_number"}
    assert api.put(item, json=put_body).status_code == 200
    listing = api.get("/users/list" if base == "/users" else base, params={"limit": 200})
    assert listing.status_code == 200
    assert api.delete(item).status_code == 200
    gone = api.get(item)
    if base == "/users":  # soft delete: still there, marked deleted
        assert data(gone)["status"] == "deleted"
    else:
        error(gone, 404)
    error(api.get(f"{base}/999999"), 404)
    assert fields(api.post(base, json={"nonsense": 1}))["nonsense"] == "is not a known field"
