"""Reading back what a run wrote: verified, or drifted with the fields that differ; one
listing per resource, a GET only where the listing does not show a field."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.run import Wiring, verifies
from bulkops.sandbox import SandboxTransport
from bulkops.sandbox.variants import Variants
from tests.resources.test_account import book
from tests.test_run import SAMPLE as ROUTES_SAMPLE
from tests.test_run import TOKEN, run, sandbox
from tests.test_variants import TAGS, _envelope, _run_mangled


def test_written_objects_read_back_verified(tmp_path: Path) -> None:
    """Creates, an update and a delete, read back after the run: all verified, with one
    listing of the tags (no GET per row), in a Verified column and the Summary."""
    box = sandbox()
    path = book(tmp_path / "t.xlsx", {"Tags": [
        [*TAGS, "Tag ID"], ["create", "Alpha", ""], ["create", "Beta", ""],
        ["update", "Renamed", 502], ["delete", "", 503]]})  # fmt: skip
    result = run(path, box, tmp_path)
    assert [o.verified for o in sorted(result.outcomes, key=lambda o: o.row)] == [
        "verified"] * 4  # fmt: skip
    after = [e for e in box.log.entries if e.method == "GET" and e.path.startswith("/v3/tag")]
    assert [e.path for e in after[-1:]] == ["/v3/tag"]
    sheet = load_workbook(result.results_path)["Tags"]
    header = [c.value for c in sheet[1]]
    assert [r[header.index("Result: Verified")] for r in sheet.iter_rows(min_row=2,
            values_only=True)] == ["verified"] * 4  # fmt: skip
    summary = {r[0]: r[1] for r in load_workbook(result.results_path)["Summary"].iter_rows(
        values_only=True)}  # fmt: skip
    assert summary["Read back: verified"] == 4


def test_an_object_that_is_not_what_was_sent_is_drifted(tmp_path: Path) -> None:
    """The API answers a create with another object's id: reading back finds that object
    with another name, and the row says drifted and which field."""
    box = sandbox()
    path = book(tmp_path / "t.xlsx", {"Tags": [TAGS, ["create", "Alpha"]]})
    result = _run_mangled(box, path, tmp_path, lambda method, url: (
        _envelope({"tag_id": 501}) if method == "POST" else None))  # fmt: skip
    [outcome] = result.outcomes
    assert outcome.status.value == "succeeded"
    assert outcome.verified == "drifted: Tag Name"


def test_fields_the_listing_does_not_show_are_read_from_the_object(tmp_path: Path) -> None:
    """A user's time zone is not in the users list: the user is read itself, once."""
    box = sandbox(variants=Variants())
    header = ["Action", "Username", "First Name", "Last Name", "Group", "Role", "Timezone"]
    row = ["create", "zed@example.com", "Zed", "Z", 70035, "Standard", "America/Chicago"]
    path = book(tmp_path / "u.xlsx", {"Users": [header, row]})
    result = run(path, box, tmp_path)
    [outcome] = result.outcomes
    assert outcome.verified == "verified"
    reads = [e for e in box.log.entries if e.method == "GET" and e.path == "/v3/users/90001"]
    assert len(reads) == 1


def test_no_verify_and_the_default_threshold(tmp_path: Path) -> None:
    box = sandbox()
    path = book(tmp_path / "t.xlsx", {"Tags": [TAGS, ["create", "Alpha"]]})
    result = run(path, box, tmp_path, verify=False)
    assert [o.verified for o in result.outcomes] == [""]
    header = [c.value for c in load_workbook(result.results_path)["Tags"][1]]
    assert "Result: Verified" not in header
    assert verifies(None, 9_999)
    assert not verifies(None, 10_000)
    assert verifies(True, 50_000)
    assert not verifies(False, 10)


def test_a_results_workbook_is_read_back_later(tmp_path: Path) -> None:
    """`bulkops verify RESULTS.xlsx`: every row of the run, read back with GETs only:
    verified; once someone changed a route, that row says drifted and which field."""
    box = sandbox()
    done = run(ROUTES_SAMPLE, box, tmp_path / "run", yes=True)
    assert done.ok
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    writes = len(box.log.writes())
    first = actions.verify(done.results_path, settings=Settings(rate=50.0), wiring=wiring,
                           out=tmp_path / "v1.xlsx")  # fmt: skip
    read = {o.row: o.verified for o in first.outcomes if o.verified}
    assert read
    assert set(read.values()) == {"verified"}
    route = box.store.get("routes", 12001)
    assert route is not None
    route["routing_configuration"]["config"]["ringto"] = "4045550777"
    box.store.put("routes", 12001, route)
    again = actions.verify(done.results_path, settings=Settings(rate=50.0), wiring=wiring,
                           out=tmp_path / "v2.xlsx")  # fmt: skip
    drifted = [o for o in again.outcomes if o.verified.startswith("drifted")]
    assert [o.verified for o in drifted] == ["drifted: Ring To Number"]
    assert box.log.writes()[writes:] == []
    header = [c.value for c in load_workbook(again.results_path)["Routes"][1]]
    assert "Result: Verified" in header


def test_reading_back_costs_the_listing_alone(tmp_path: Path) -> None:
    """450 tags created: reading them back takes the pages of one listing (3 of 200), no
    GET per row."""
    box = sandbox()
    path = book(tmp_path / "t.xlsx", {"Tags": [TAGS, *(["create", f"T{n}"] for n in range(450))]})
    result = run(path, box, tmp_path)
    assert {o.verified for o in result.outcomes} == {"verified"}
    last_write = max(i for i, e in enumerate(box.log.entries) if e.method == "POST")
    after = box.log.entries[last_write + 1 :]
    assert [(e.method, e.path) for e in after] == [("GET", "/v3/tag")] * 3
