"""Provisioned routes: the seed body, PUT resets, PATCH merges, create, checks, paging."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from bulkops.sandbox import Sandbox
from bulkops.sandbox.variants import Variants
from tests.conftest import DATA
from tests.sandbox.conftest import Login, data, error, fields

SEED: dict[str, Any] = json.loads((DATA / "seed_route_put.json").read_text())


def seed() -> dict[str, Any]:
    return copy.deepcopy(SEED)


def test_seed_body_accepted_by_put_and_returned_by_get(api: httpx.Client) -> None:
    """The vendor's example PUT body is accepted as it is, and GET returns it."""
    answer = api.put("/provisioned-routes/12345", json=SEED)
    assert data(answer) == {"provisioned_route_id": 12345, "message": "Provisioned route updated"}
    route = data(api.get("/provisioned-routes/12345"))
    assert {k: route[k] for k in SEED} == SEED
    assert route["provisioned_route_id"] == 12345
    assert route["phone_number"] == "4045550188"
    assert {"created_on", "updated_on"} <= set(route)


def test_put_resets_omitted_fields_to_defaults(api: httpx.Client) -> None:
    """A PUT without a field puts it back to its system default."""
    api.put("/provisioned-routes/12345", json=SEED)
    body = seed()
    del body["webhook_id"]
    del body["routing_configuration"]["config"]["overflowNumbers"]
    del body["sms_settings"]
    assert api.put("/provisioned-routes/12345", json=body).status_code == 200
    route = data(api.get("/provisioned-routes/12345"))
    assert route["webhook_id"] is None
    assert route["routing_configuration"]["config"]["overflowNumbers"] == []
    assert route["sms_settings"]["assigned_users"] == []
    assert route["call_value"] == 10  # what was sent stays


def test_patch_changes_only_what_is_sent(api: httpx.Client) -> None:
    """PATCH merges objects field by field and replaces lists."""
    api.put("/provisioned-routes/12345", json=SEED)
    change = {
        "routing_configuration": {
            "config": {
                "ringto": "4045550100",
                "hunt_options": {"options": [{"destination": "4045550101", "order": 1}]},
            }
        }
    }
    assert api.patch("/provisioned-routes/12345", json=change).status_code == 200  # fmt: skip
    route = data(api.get("/provisioned-routes/12345"))
    config = route["routing_configuration"]["config"]
    assert config["ringto"] == "4045550100"
    assert config["hunt_options"] == {
        "type": "round_robin",
        "options": [{"destination": "4045550101", "order": 1}],
    }
    assert config["voice_agent_id"] == 683  # untouched
    assert route["provisioned_route_name"] == "Updated Route 1"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("routing_configuration", "config", "ftc_whisper_enabled"), True,
         "routing_configuration.config.ftc_whisper_enabled"),
        (("routing_configuration", "config", "voicemail_rings_count"), 3,
         "routing_configuration.config.voicemail_rings_count"),
        (("routing_configuration", "config", "ringto"), "111111111",
         "routing_configuration.config.ringto"),
        (("routing_configuration", "config", "play_disclaimer"), "sometimes",
         "routing_configuration.config.play_disclaimer"),
        (("call_value",), "10", "call_value"),
        (("provisioned_route_statu",), "active", "provisioned_route_statu"),
        (("webhook_id",), 999, "webhook_id"),
        (("routing_configuration", "config", "voice_agent_id"), 1,
         "routing_configuration.config.voice_agent_id"),
        (("sms_settings", "assigned_users"), [84784, 5],
         "sms_settings.assigned_users[1]"),
        (("routing_configuration", "config", "message"), "nosuchprompt_1",
         "routing_configuration.config.message"),
        (("routing_configuration", "config", "overflowNumbers"),
         [{"number": "(111)-111-1110", "rings": "3", "overflow_order": 1,
           "unmaskNumber": "1111111110", "overflowNumber": "2222222220"}],
         "routing_configuration.config.overflowNumbers[0]"),
    ],
)  # fmt: skip
def test_wrong_bodies_are_400_naming_the_field(
    api: httpx.Client, path: tuple[str, ...], value: Any, field: str
) -> None:
    """Wire types, enums, 10-digit numbers, unknown keys and references are checked."""
    body = seed()
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = fields(api.put("/provisioned-routes/12345", json=body))
    assert field in problems, problems


def test_required_fields(api: httpx.Client) -> None:
    """PUT needs a name, a group and a ring-to number; POST a tracking number too."""
    problems = fields(api.put("/provisioned-routes/12345", json={"routing_configuration": {
        "config": {}}}))  # fmt: skip
    assert {"provisioned_route_name", "org_unit_id",
            "routing_configuration.config.ringto"} <= set(problems)  # fmt: skip
    body = seed()
    assert "phone_number" in fields(api.post("/provisioned-routes", json=body))


def test_create_claims_a_reserved_tracking_number(api: httpx.Client) -> None:
    """A create on a reserved number succeeds once; the number is then provisioned."""
    body = {**seed(), "provisioned_route_name": "New", "phone_number": "4045550100"}
    created = data(api.post("/provisioned-routes", json=body))
    route_id = created["provisioned_route_id"]
    assert data(api.get(f"/provisioned-routes/{route_id}"))["phone_number"] == "4045550100"
    provisioned = data(api.get("/phone-numbers/provisioned", params={"limit": 200}))
    assert "4045550100" in [n["phone_number"] for n in provisioned["numbers"]]
    again = {**body, "provisioned_route_name": "Another"}
    error(api.post("/provisioned-routes", json=again), 409)
    stranger = {**body, "provisioned_route_name": "Third", "phone_number": "2125550100"}
    assert "phone_number" in fields(api.post("/provisioned-routes", json=stranger))


def test_names_are_unique_within_a_group(api: httpx.Client, box: Sandbox) -> None:
    """A second route with the same name in the same group is 409 (create or rename)."""
    body = {**seed(), "provisioned_route_name": "Downtown Dental - Bing",
            "phone_number": "4045550101"}  # fmt: skip
    error(api.post("/provisioned-routes", json=body), 409)
    error(api.patch("/provisioned-routes/12345",
                    json={"provisioned_route_name": "downtown dental - BING"}), 409)  # fmt: skip
    box.variants = Variants()  # as documented: nothing says route names are unique
    assert api.post("/provisioned-routes", json=body).status_code == 200


def test_org_units_outside_the_hierarchy_are_401(api: httpx.Client, as_user: Login) -> None:
    """Another account's group is 401 (the docs' answer for an out-of-scope target);
    another account's route is 404."""
    body = seed()
    body["org_unit_id"] = 90001
    error(api.put("/provisioned-routes/12345", json=body), 401)
    other = as_user("admin@other.bulkops.test")
    error(other.get("/provisioned-routes/12345"), 404)
    assert data(other.get("/provisioned-routes"))["total"] == 0


def test_list_paging_and_name_filter(api: httpx.Client) -> None:
    """limit/offset/total paging (max 200) and a partial name filter."""
    first = data(api.get("/provisioned-routes", params={"limit": 5}))
    assert len(first["provisioned_routes"]) == 5
    total = first["total"]
    rest = data(api.get("/provisioned-routes", params={"limit": 200, "offset": 5}))
    assert len(rest["provisioned_routes"]) == total - 5
    error(api.get("/provisioned-routes", params={"limit": 201}), 400)
    error(api.get("/provisioned-routes", params={"offset": -1}), 400)
    found = data(api.get("/provisioned-routes", params={"provisioned_route_name": "roswell"}))
    assert {r["provisioned_route_id"] for r in found["provisioned_routes"]} == {12007, 12008}


def test_delete_frees_the_tracking_number(api: httpx.Client) -> None:
    """A deleted route is gone (404) and its number is reserved again."""
    assert api.delete("/provisioned-routes/12009").status_code == 200
    error(api.get("/provisioned-routes/12009"), 404)
    error(api.delete("/provisioned-routes/12009"), 404)
    assigned = [
        n["phone_number"]
        for offset in (0, 200, 400)
        for n in data(api.get("/phone-numbers/assigned", params={"limit": 200,
                                                                  "offset": offset}))["numbers"]
    ]  # fmt: skip
    assert "7705550198" in assigned


def test_tracking_number_cannot_change(api: httpx.Client) -> None:
    """PUT or PATCH with another phone_number is 400."""
    problems = fields(api.patch("/provisioned-routes/12001", json={"phone_number": "4045550102"}))
    assert "phone_number" in problems


def test_enabled_messages_need_content(api: httpx.Client) -> None:
    """ftc_whisper_enabled '1' with an empty message, or a voice agent on without id: 400."""
    body = seed()
    body["routing_configuration"]["config"]["ftc_whisper_message"] = ""
    assert "routing_configuration.config.ftc_whisper_message" in fields(
        api.put("/provisioned-routes/12345", json=body)
    )
    body = seed()
    del body["routing_configuration"]["config"]["voice_agent_id"]
    assert "routing_configuration.config.voice_agent_id" in fields(
        api.put("/provisioned-routes/12345", json=body)
    )
