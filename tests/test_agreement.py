"""The two readings of the contract agree: every body bulkops builds from the samples is
accepted by the sandbox (an independent implementation), and wrong ones are refused."""

from __future__ import annotations

import httpx

from bulkops.io.tables import open_workbook
from bulkops.model.payload import build_body
from bulkops.resources import get_resource
from bulkops.sandbox import SANDBOX_URL, Sandbox, SandboxTransport
from bulkops.validation import validate_sheet
from tests.conftest import ROOT, as_given

ROUTES = get_resource("routes")


def test_every_sample_row_is_accepted_by_the_sandbox() -> None:
    """Each row of samples/routes.xlsx, sent as bulkops builds it, succeeds on the demo
    account: creates on its reserved numbers, updates and deletes by id or by name."""
    box = Sandbox()
    box.grant("t", 84784)
    client = httpx.Client(transport=SandboxTransport(box), base_url=f"{SANDBOX_URL}/v3",
                          headers={"Authorization": "Bearer t"})  # fmt: skip
    book = open_workbook(ROOT / "samples" / "routes.xlsx")
    done = 0
    for record in validate_sheet(ROUTES, book.sheet("Routes")).records():
        assert record.valid, record.problems
        if record.action == "skip":
            continue
        route_id = record.resource_id
        action = record.action
        if action == "upsert":  # the sample's upserts: one changes Route 1, one creates
            name = record.key[0] if record.key else ""
            found = client.get("/provisioned-routes", params={"provisioned_route_name": name})
            action = "update" if found.json()["data"]["provisioned_routes"] else "create"
        if route_id is None and action != "create":
            name = record.key[0] if record.key else ""
            found = client.get("/provisioned-routes", params={"provisioned_route_name": name})
            matches = [r for r in found.json()["data"]["provisioned_routes"]
                       if r["provisioned_route_name"].casefold() == name]  # fmt: skip
            assert len(matches) == 1, (record.row, name)
            route_id = matches[0]["provisioned_route_id"]
        method, path = {
            "create": ("POST", "/provisioned-routes"),
            "update": ("PATCH", f"/provisioned-routes/{route_id}"),
            "replace": ("PUT", f"/provisioned-routes/{route_id}"),
            "delete": ("DELETE", f"/provisioned-routes/{route_id}"),
        }[action]
        body = None if action == "delete" else build_body(ROUTES, action, as_given(record.values))
        if record.action == "upsert" and action == "update":
            body.pop("phone_number", None)  # set only when a route is created
        answer = client.request(method, path, json=body)
        assert answer.status_code == 200, (record.row, record.action, answer.text)
        done += 1
    assert done >= 20
    assert len(box.log.committed_writes()) == done
