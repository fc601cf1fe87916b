"""The variant matrix: every sample workbook (each resource's, and new-account.xlsx) under
every reading of the docs the sandbox can take (`bulkops.sandbox.variants`).

Under each variant a workbook runs green, a second run sends no write, and with answers
lost after the server committed them, no object is created twice and no number ordered
twice. This is the proof that no reading of the docs was silently assumed: a variant
the client does not cope with fails here."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.resources import RESOURCES
from bulkops.run import RunResult, Wiring
from bulkops.sandbox import Sandbox, SandboxTransport
from bulkops.sandbox.variants import CHOICES, Variants
from tests.conftest import ROOT
from tests.resources.test_account import book
from tests.test_run import TOKEN, run, sandbox

SAMPLES = ROOT / "samples"
WORKBOOKS = [*RESOURCES, "new-account"]
#: the documented reading, then each other value of each variant on its own
VARIANTS = [
    Variants(),
    *(Variants.parse([f"{name}={value}"]) for name, (values, _) in CHOICES.items()
      for value in values[1:]),
]  # fmt: skip
#: every variant at once, the least kind reading (each value the client could trip on)
HARSHEST = Variants.parse(
    ["phones=e164, page_cap=50, total=no, delete=204, patch=replace, filters=exact, "
     "ids=camel, names=short, unknown_fields=refuse"]
)  # fmt: skip
TABLES = ("groups", "users", "webhooks", "voice_agents", "tags", "media_prompts", "routes",
          "broadcasts")  # fmt: skip


def _not_ok(result: RunResult) -> list[str]:
    return [f"{o.sheet}!{o.row} {o.status.value}: {o.message}" for o in result.outcomes
            if not o.status.ok]  # fmt: skip


def _held(box: Sandbox) -> dict[str, int]:
    """How many objects of each kind the account holds, and its numbers (reserved or
    routed): a duplicate or a second order shows here."""
    counts = {table: box.store.count(table) for table in TABLES}
    counts["numbers held"] = sum(
        1 for n in box.store.records("numbers") if n["status"] in ("reserved", "provisioned")
    )
    return counts


def _box(variants: Variants, faults: str = "") -> Sandbox:
    return sandbox(faults, variants=variants)


def _label(variants: Variants) -> str:
    return "harshest" if variants == HARSHEST else str(variants)


@pytest.mark.parametrize("variants", [*VARIANTS, HARSHEST], ids=_label)
@pytest.mark.parametrize("name", WORKBOOKS)
def test_green_then_no_write(name: str, variants: Variants, tmp_path: Path) -> None:
    """The workbook runs green under this reading; run again, it sends no write."""
    box = _box(variants)
    path = SAMPLES / f"{name}.xlsx"
    first = run(path, box, tmp_path, yes=True)
    assert first.ok, _not_ok(first)
    writes = len(box.log.writes())
    again = run(path, box, tmp_path / "again", yes=True)
    assert set(again.counts()) <= {"unchanged", "skipped"}, _not_ok(again) or again.counts()
    assert box.log.writes()[writes:] == []


@pytest.mark.parametrize("name", WORKBOOKS)
def test_a_dry_run_under_the_harshest_reading_sends_nothing_and_foresees_green(
    name: str, tmp_path: Path
) -> None:
    """The dry run reads the account as the live run does: only GETs, and no row it
    foresees failing (the live run under this reading is green, above)."""
    box = _box(HARSHEST)
    planned = run(SAMPLES / f"{name}.xlsx", box, tmp_path, yes=True, dry_run=True)
    assert box.log.writes() == []
    assert {o.status.value for o in planned.outcomes} <= {"planned", "unchanged", "skipped"}, (
        _not_ok(planned)
    )


def _settled(name: str, variants: Variants, faults: str, tmp: Path) -> tuple[Sandbox, Any]:
    """A run with `faults`, then a clean run of the same workbook: the account after."""
    box = _box(variants, faults)
    path = SAMPLES / f"{name}.xlsx"
    lost = run(path, box, tmp / "lost", yes=True)
    box.faults.rules.clear()
    settled = run(path, box, tmp / "settled", yes=True)
    return box, (lost, settled)


@pytest.mark.parametrize("variants", [*VARIANTS, HARSHEST], ids=_label)
@pytest.mark.parametrize("name", WORKBOOKS)
def test_lost_answers_create_nothing_twice(name: str, variants: Variants, tmp_path: Path) -> None:
    """Every other create's answer is lost after the server committed it (the connection
    drops): each such row finds what it made (none ends unknown), and the account ends
    holding exactly what a clean run makes, under every reading."""
    clean = _box(variants)
    assert run(SAMPLES / f"{name}.xlsx", clean, tmp_path / "clean", yes=True).ok
    box, (lost, settled) = _settled(name, variants, "drop:0.5@POST", tmp_path)
    assert any(e.fault == "drop" for e in box.log.entries), "no answer was lost"
    assert lost.counts().get("unknown", 0) == 0, _not_ok(lost)
    assert _held(box) == _held(clean), (_not_ok(lost), _not_ok(settled))
    assert settled.ok, _not_ok(settled)


# -- what the matrix's samples are too small or too kind to show -------------------------

TAGS = ["Action", "Tag Name"]
ROUTE_COLUMNS = ["Action", "Route ID", "Route Name", "Group ID", "Ring To Number",
                 "Ad Source ID"]  # fmt: skip


PAGINGS = ["page_cap=50, total=no", "page_cap=100, total=yes", "page_cap=50, total=yes",
           "page_cap=100, total=no"]  # fmt: skip


@pytest.mark.parametrize("variants", PAGINGS)
def test_a_listing_longer_than_a_page_is_read_whole(variants: str, tmp_path: Path) -> None:
    """130 tags, listed 50 or 100 at a time whatever limit asks, with or without a total:
    a second run finds every one (the offset steps by what came back) and sends nothing."""
    path = book(tmp_path / "tags.xlsx", {"Tags": [TAGS, *(["create", f"Tag {n:03d}"]
                                                           for n in range(130))]})  # fmt: skip
    box = _box(Variants.parse([variants]))
    assert run(path, box, tmp_path, yes=True).ok
    writes = len(box.log.writes())
    start = len(box.log.entries)
    again = run(path, box, tmp_path / "again", yes=True)
    assert again.counts() == {"unchanged": 130}
    assert box.log.writes()[writes:] == []
    tags = [e for e in box.log.entries[start:] if e.method == "GET" and e.path == "/v3/tag"]
    cap = int(variants.split("=")[1].split(",")[0])
    assert len(tags) == -(-(130 + 1) // cap) + (variants.endswith("no") and 130 % cap == 0)


def _route(box: Sandbox, route_id: int) -> dict[str, Any]:
    route = box.store.get("routes", route_id)
    assert route is not None
    return route


@pytest.mark.parametrize("patch", ["merge", "replace"])
def test_an_update_keeps_every_other_routing_setting(patch: str, tmp_path: Path) -> None:
    """Changing Ring To sends the whole routing object completed from the route as it
    is: whether PATCH merges nested objects or replaces them, recording, whisper,
    overflow and hunt settings stay."""
    box = _box(Variants(patch=patch))
    route = _route(box, 12001)
    config = route["routing_configuration"]["config"]
    config.update(record_call=True, whisper_enabled=True, whisper_type="text",
                  whisper_message="Sales line", hunt_options={"type": "sequential", "options": [
                      {"destination": "4045550111", "order": 1}]})  # fmt: skip
    box.store.put("routes", 12001, route)
    row = ["update", 12001, "", "", "4045550999", ""]
    path = book(tmp_path / "r.xlsx", {"Routes": [ROUTE_COLUMNS, row]})
    result = run(path, box, tmp_path, yes=True)
    assert result.counts() == {"succeeded": 1}
    after = _route(box, 12001)["routing_configuration"]["config"]
    assert after == {**config, "ringto": "4045550999"}


def test_a_route_routed_otherwise_is_never_flattened(tmp_path: Path) -> None:
    """A route whose routing type the sheet cannot describe: a replace, or a change of
    its routing, fails saying why and sends nothing; a change of its name goes."""
    box = _box(Variants())
    for route_id in (12001, 12002):
        route = _route(box, route_id)
        route["routing_configuration"]["routing_type"] = "ivr"
        box.store.put("routes", route_id, route)
    path = book(tmp_path / "r.xlsx", {"Routes": [
        ROUTE_COLUMNS,
        ["replace", 12001, "Downtown Dental - Bing", 70035, "4045550999", ""],
        ["update", 12002, "", "", "4045550999", ""],
    ]})  # fmt: skip
    result = run(path, box, tmp_path, yes=True)
    assert result.counts() == {"failed": 2}
    assert all("routing type is 'ivr'" in o.message for o in result.outcomes)
    assert box.log.writes() == []
    row = ["update", 12001, "Bing IVR", "", "", ""]
    renamed = book(tmp_path / "n.xlsx", {"Routes": [ROUTE_COLUMNS, row]})
    assert run(renamed, box, tmp_path / "n", yes=True).counts() == {"succeeded": 1}
    assert _route(box, 12001)["routing_configuration"]["routing_type"] == "ivr"


def test_a_blank_ad_source_on_replace_keeps_the_current_one(tmp_path: Path) -> None:
    """A replace row with Ad Source ID blank sends the route's current ad source: a PUT
    would otherwise reset the attribution. Filled, it is sent as given."""
    box = _box(Variants())
    route = _route(box, 12001)
    route["ad_source_id"] = 3
    box.store.put("routes", 12001, route)
    row = ["replace", 12001, "Downtown Dental - Bing", 70035, "4045550999", ""]
    path = book(tmp_path / "r.xlsx", {"Routes": [ROUTE_COLUMNS, row]})
    assert run(path, box, tmp_path, yes=True).counts() == {"succeeded": 1}
    [put] = [e for e in box.log.writes() if e.method == "PUT"]
    assert put.body is not None
    assert put.body["ad_source_id"] == 3
    assert _route(box, 12001)["ad_source_id"] == 3


def test_a_group_out_of_reach_fails_its_row_not_the_run(tmp_path: Path) -> None:
    """The docs answer 401 for a group outside the caller's hierarchy: that row fails,
    saying so; the run goes on (the token is fine)."""
    box = _box(Variants())
    path = book(tmp_path / "r.xlsx", {"Routes": [
        ROUTE_COLUMNS,
        ["update", 12001, "", 90001, "", ""],
        ["update", 12002, "", "", "4045550998", ""],
    ]})  # fmt: skip
    result = run(path, box, tmp_path, yes=True)
    places = {o.row: o for o in result.outcomes}
    assert places[2].status.value == "failed"
    assert places[2].http_status == 401
    assert "outside what it may reach" in places[2].message
    assert places[3].status.value == "succeeded"


def test_a_blank_voice_agent_is_left_out_of_the_body(tmp_path: Path) -> None:
    """Voice Agent ID is an integer on the wire (never null): blank, it is not sent."""
    box = _box(Variants())
    run(SAMPLES / "routes.xlsx", box, tmp_path, yes=True)
    for entry in box.log.writes():
        if entry.method in ("POST", "PUT") and entry.body:
            config = entry.body["routing_configuration"]["config"]
            assert config.get("voice_agent_id", 1) is not None


# -- answers no reading of the docs gives ----------------------------------------------------


class Mangled(httpx.AsyncBaseTransport):
    """The sandbox, with the answers `mangle(method, path)` names replaced by its body."""

    def __init__(self, box: Sandbox, mangle: Callable[[str, str], bytes | None]) -> None:
        self.inner = SandboxTransport(box)
        self.mangle = mangle

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = self.mangle(request.method, request.url.path)
        if body is None:
            return response
        await response.aread()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def _run_mangled(box: Sandbox, path: Path, tmp: Path, mangle: Any) -> RunResult:
    wiring = Wiring(transport=Mangled(box, mangle), auth=StaticToken(TOKEN), clock=box.clock)
    return actions.run(path, settings=Settings(rate=50.0, concurrency=2),
                       out=tmp / "results.xlsx", yes=True, wiring=wiring)  # fmt: skip


def _envelope(data: Any) -> bytes:
    return json.dumps({"code": 200, "message": "Success", "data": data, "request_id": "odd-1",
                       "timestamp": "2026-11-28T00:00:00.000Z"}).encode()  # fmt: skip


def test_a_listing_of_no_known_shape_fails_rows_with_its_request_id(tmp_path: Path) -> None:
    """The tags list answers data without any list: no row is sent on a guess, the rows
    fail naming what was expected and the answer's request id."""
    box = _box(Variants())
    path = book(tmp_path / "t.xlsx", {"Tags": [TAGS, ["create", "Alpha"], ["create", "Beta"]]})
    result = _run_mangled(box, path, tmp_path, lambda method, url: (
        _envelope({"tags": "none"}) if (method, url) == ("GET", "/v3/tag") else None))  # fmt: skip
    assert box.log.writes() == []
    failed = [o for o in result.outcomes if o.status.value == "failed"]
    assert failed
    assert "holds no list (expected data.<items>" in failed[0].message
    assert failed[0].request_id == "odd-1"
    assert {o.status.value for o in result.outcomes} <= {"failed", "not_attempted"}


def test_a_create_answered_without_an_id_is_found_never_sent_again(tmp_path: Path) -> None:
    """A 2xx to a create naming no new id: the object is looked up by its name (found:
    succeeded, with its id); when the look-up cannot tell, the row ends unknown and the
    create is not sent a second time."""
    box = _box(Variants())
    path = book(tmp_path / "t.xlsx", {"Tags": [TAGS, ["create", "Gamma"]]})
    no_id = _envelope({"message": "Tag created"})
    result = _run_mangled(box, path, tmp_path, lambda method, url: (
        no_id if method == "POST" else None))  # fmt: skip
    [outcome] = result.outcomes
    assert outcome.status.value == "succeeded"
    assert outcome.resource_id == max(t["tag_id"] for t in box.store.records("tags"))

    box = _box(Variants())
    path = book(tmp_path / "u.xlsx", {"Tags": [TAGS, ["create", "Delta"]]})
    posted: list[str] = []

    def mangle(method: str, url: str) -> bytes | None:
        if method == "POST":
            posted.append(url)
            return no_id
        listed_before = method == "GET" and url == "/v3/tag" and posted
        return _envelope({"tags": "none"}) if listed_before else None

    [outcome] = _run_mangled(box, path, tmp_path / "u", mangle).outcomes
    assert outcome.status.value == "unknown"
    assert posted == ["/v3/tag"]
