"""The sandbox's default reading is the documented one, and each variant answers the way
its name says (`bulkops.sandbox.variants`)."""

from __future__ import annotations

import httpx
import pytest

from bulkops.sandbox import ManualClock, Sandbox
from bulkops.sandbox.variants import CHOICES, Variants, phone_form
from tests.sandbox.conftest import data, error, login

#: the user record as convirza-v3.md 10.2 shows it, field for field
DOCUMENTED_USER = {
    "first_name", "last_name", "email", "user_ext_id", "ct_user_id", "status",
    "agent_ring_to", "agent_id", "group", "group_org_unit_id", "group_external_id",
    "account", "account_org_unit_id", "account_external_id", "parent_group",
    "parent_group_org_unit_id", "parent_group_external_id", "role", "access_audio",
    "group_access", "report_access", "assign_scorecard", "user_created",
}  # fmt: skip
#: the group record as convirza-v3.md 10.3 shows it (list child groups)
DOCUMENTED_GROUP = {
    "org_unit_id", "org_unit_ext_id", "org_unit_name", "org_unit_parent_id", "top_ou_id",
    "org_unit_status", "billing_id", "address", "city", "state", "zip", "phone_number",
    "industry_id", "industry_name", "org_unit_created", "org_unit_modified",
}  # fmt: skip
TAG = {"tag_name": "Spring Promo"}


def api(**variants: str) -> httpx.Client:
    box = Sandbox(clock=ManualClock(), variants=Variants(**variants))
    return login(box)


def test_users_are_listed_with_exactly_the_documented_fields() -> None:
    """No username, role_id or ct_user_ou_id: the login is `email`, the role display
    text, the group `group_org_unit_id`."""
    users = data(api().get("/users/list"))["users"]
    assert users
    for user in users:
        assert set(user) == DOCUMENTED_USER
        assert user["role"] in ("Admin User", "Standard User", "Read Only User")
        assert user["access_audio"] in ("Yes", "No")


def test_groups_are_listed_with_exactly_the_documented_fields() -> None:
    """Both lists (children, and every group) show the documented record; the time zone,
    which it lacks, is on GET of one group."""
    client = api()
    children = data(client.get("/groups/list"))["groups"]
    every = data(client.get("/groups"))["groups"]
    assert children
    assert every
    for group in (*children, *every):
        assert set(group) == DOCUMENTED_GROUP
    one = data(client.get(f"/groups/{every[0]['org_unit_id']}"))
    assert set(one) == DOCUMENTED_GROUP | {"timezone"}


def test_by_default_only_a_group_name_among_siblings_is_unique() -> None:
    """The one uniqueness rule the docs state: a second tag, webhook or route of the
    same name is made; a second group of the same name under the same parent is 409."""
    client = api()
    assert client.post("/tag", json=TAG).status_code == 200
    assert client.post("/tag", json=TAG).status_code == 200
    group = {"org_unit_name": "Twin", "org_unit_parent_id": 70000}
    assert client.post("/groups", json=group).status_code == 200
    error(client.post("/groups", json=group), 409)
    error(api(unique="names").post("/tag", json={"tag_name": "Billing"}), 409)


def test_unknown_fields_are_dropped_or_refused() -> None:
    client = api()
    made = data(client.post("/tag", json={**TAG, "colour": "red"}))
    assert "colour" not in data(client.get(f"/tag/{made['tag_id']}"))
    refused = error(api(unknown_fields="refuse").post("/tag", json={**TAG, "colour": "red"}), 400)
    assert refused["errors"] == [{"field": "colour", "message": "is not a known field"}]


@pytest.mark.parametrize(
    ("form", "written"),
    [("10", "4045550190"), ("e164", "+14045550190"), ("dashed", "+1-404-555-0190"),
     ("11", "14045550190")],
)  # fmt: skip
def test_phone_numbers_are_written_in_the_variant_form(form: str, written: str) -> None:
    route = data(api(phones=form).get("/provisioned-routes/12001"))
    assert route["phone_number"] == written
    numbers = data(api(phones=form).get("/phone-numbers/provisioned"))["numbers"]
    assert written in [n["phone_number"] for n in numbers]
    assert phone_form({"recipients": ["4045550101"], "name": "4045550101"}, form) == {
        "recipients": [written[:-4] + "0101"], "name": "4045550101"}  # fmt: skip


@pytest.mark.parametrize("cap", [50, 100, 200])
@pytest.mark.parametrize("total", ["yes", "no"])
def test_pages_hold_at_most_the_cap_and_a_total_as_the_variant_says(cap: int, total: str) -> None:
    client = api(page_cap=str(cap), total=total)
    demo = len(data(client.get("/tag"))["tags"])
    for n in range(120):
        client.post("/tag", json={"tag_name": f"t{n}"})
    page = data(client.get("/tag", params={"limit": 200}))
    assert len(page["tags"]) == min(cap, 120 + demo)
    assert ("total" in page) is (total == "yes")


def test_a_delete_may_answer_204_without_a_body() -> None:
    client = api(delete="204")
    made = data(client.post("/tag", json=TAG))
    answer = client.delete(f"/tag/{made['tag_id']}")
    assert (answer.status_code, answer.content) == (204, b"")
    error(client.get(f"/tag/{made['tag_id']}"), 404)


@pytest.mark.parametrize(
    ("filters", "wanted", "found"),
    [("substring", "promo", 1), ("exact", "spring promo", 0), ("exact", "Spring Promo", 1),
     ("icase", "spring promo", 1), ("icase", "promo", 0), ("ignored", "nothing like it", -1)],
)  # fmt: skip
def test_list_filters_match_as_the_variant_says(filters: str, wanted: str, found: int) -> None:
    """-1: every tag (the filter is ignored)."""
    client = api(filters=filters)
    client.post("/tag", json=TAG)
    every = len(data(client.get("/tag"))["tags"])
    listed = data(client.get("/tag", params={"tag_name": wanted}))["tags"]
    assert len(listed) == (every if found < 0 else found)


@pytest.mark.parametrize(
    ("ids", "route_key", "user_key"),
    [("documented", "provisioned_route_id", "userId"), ("snake", "provisioned_route_id",
     "user_id"), ("camel", "provisionedRouteId", "userId")],
)  # fmt: skip
def test_a_new_id_comes_under_the_variant_spelling(ids: str, route_key: str, user_key: str) -> None:
    client = api(ids=ids)
    user = {"username": "n@example.com", "first_name": "N", "last_name": "M",
            "ct_user_ou_id": 70000, "role": "Standard"}  # fmt: skip
    assert user_key in data(client.post("/users", json=user))
    route = data(client.get("/provisioned-routes/12001"))
    del route["provisioned_route_id"]
    body = {**route, "provisioned_route_name": "Another"}
    assert route_key in data(client.patch("/provisioned-routes/12001", json=body))


@pytest.mark.parametrize(("names", "key"), [("short", "name"), ("hidden", "title")])
def test_listings_may_name_objects_otherwise(names: str, key: str) -> None:
    client = api(names=names)
    webhook = data(client.get("/webhooks"))["webhooks"][0]
    assert ("name" in webhook) is (names == "short")
    broadcasts = client.get("/broadcast")
    for item in data(broadcasts)["broadcasts"]:
        assert key in item
        assert "broadcast_name" not in item


def test_a_patch_may_replace_nested_objects_whole() -> None:
    """merge: a nested object sent in part keeps its other keys; replace: they go back to
    their defaults."""
    change = {"routing_configuration": {"config": {"record_call": True}}}
    for patch, ringto in (("merge", "4045550123"), ("replace", None)):
        client = api(patch=patch)
        assert client.patch("/provisioned-routes/12001", json=change).status_code == 200
        config = data(client.get("/provisioned-routes/12001"))["routing_configuration"]["config"]
        assert config["record_call"] is True
        assert config.get("ringto") == ringto


def test_a_target_out_of_the_callers_reach_is_401() -> None:
    error(api().get("/groups/list", params={"org_unit_id": 90000}), 401)


def test_variant_settings_are_parsed_strictly() -> None:
    assert Variants.parse(["phones=E164", "page-cap=50,total=no"]) == Variants(
        phones="e164", page_cap="50", total="no")  # fmt: skip
    assert str(Variants.parse(["delete=204"])) == "delete=204"
    assert str(Variants()) == "as documented"
    with pytest.raises(ValueError, match="phones must be one of 10, e164, dashed, 11"):
        Variants.parse(["phones=intl"])
    with pytest.raises(ValueError, match="unknown variant 'colour'"):
        Variants.parse(["colour=red"])
    assert all(values[0] == getattr(Variants(), name) for name, (values, _) in CHOICES.items())
