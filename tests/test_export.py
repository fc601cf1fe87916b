"""`bulkops export`: the account as a workbook in template form that runs back unchanged,
and sends exactly the edited field when one cell is edited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from openpyxl import load_workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.engine.preview import fingerprint
from bulkops.errors import UsageError
from bulkops.exporting import SOURCE_SHEET, exportable, unique_texts
from bulkops.model.schema import Kind
from bulkops.output.templates import header_labels
from bulkops.resources import RESOURCES, get_resource
from bulkops.resources.common import GROUPS_FINDER
from bulkops.resources.export import flattened
from bulkops.run import Wiring
from bulkops.sandbox import Sandbox, SandboxTransport
from tests.conftest import ROOT
from tests.test_run import TOKEN, run, sandbox

SAMPLES = ROOT / "samples"
EXPORTABLE = [name for name, r in RESOURCES.items() if exportable(r) is None]


def export(box: Sandbox, out: Path, *names: str, every: bool = False) -> Any:
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    return actions.export(list(names), out, every=every, settings=Settings(rate=50.0),
                          wiring=wiring)  # fmt: skip


def _writes(box: Sandbox, since: int) -> list[Any]:
    return box.log.writes()[since:]


def test_the_demo_account_exports_whole_and_runs_back_unchanged(tmp_path: Path) -> None:
    """--all: one sheet per resource that can be updated, in dependency order, the
    template's header, a Source sheet; run back as it is, every row is unchanged and
    nothing is written."""
    box = sandbox()
    result = export(box, tmp_path / "account.xlsx", every=True)
    assert result.requests == len(box.log.entries)  # every request it sent, once
    book = load_workbook(result.path)
    sheets = [get_resource(n).sheet for n in EXPORTABLE]
    assert book.sheetnames == [*sheets, SOURCE_SHEET]
    for name in EXPORTABLE:
        resource = get_resource(name)
        header = [c.value for c in book[resource.sheet][1]]
        assert header == header_labels(resource)
    source = {row[0]: row[1] for row in book[SOURCE_SHEET].iter_rows(min_row=2, values_only=True)}
    assert source["Account"] == "Peachtree Dental Group (org unit 70000)"
    assert source["bulkops version"]
    assert "numbers" in "".join(k for k in source if k.startswith("Not exported"))
    assert not any(isinstance(v, str) and v.startswith("=") for v in source.values())
    assert result.total == sum(result.rows.values()) >= 30
    before = len(box.log.writes())
    again = run(result.path, box, tmp_path / "again")
    assert again.counts() == {"unchanged": result.total}
    assert _writes(box, before) == []


def test_references_are_written_as_they_would_be_typed(tmp_path: Path) -> None:
    """A route's group as its name path, a user's group too; the round trip resolves
    them to the same objects."""
    box = sandbox()
    result = export(box, tmp_path / "e.xlsx", "routes", "users")
    book = load_workbook(result.path)
    routes = list(book["Routes"].iter_rows(values_only=True))
    header = routes[0]
    group_at = header.index("Group ID *")
    first = dict(zip(header, routes[1], strict=False))
    assert first["Route ID"] == 12001
    assert routes[1][group_at] == "Peachtree Dental Group/Atlanta Metro/Downtown Dental"
    assert first["Tracking Number *"] == "4045550190"
    users = list(book["Users"].iter_rows(values_only=True))
    assert "Peachtree Dental Group" in {row[users[0].index("Group *")] for row in users[1:]}


@pytest.mark.parametrize("name", EXPORTABLE)
def test_each_resource_round_trips_and_one_edit_sends_one_field(name: str, tmp_path: Path) -> None:
    """After the sample ran: the export runs back with no write; one text cell edited,
    exactly one PATCH goes, carrying that field alone."""
    resource = get_resource(name)
    box = sandbox()
    assert run(SAMPLES / f"{name}.xlsx", box, tmp_path / "sample", yes=True).ok
    result = export(box, tmp_path / "e.xlsx", name)
    before = len(box.log.writes())
    assert run(result.path, box, tmp_path / "again").counts() == {
        "unchanged": result.rows[resource.sheet]}  # fmt: skip
    assert _writes(box, before) == []
    column = next(c for c in resource.columns if c.kind is Kind.TEXT and "." not in c.path)
    book = load_workbook(result.path)
    sheet = book[resource.sheet]
    header = [c.value for c in sheet[1]]
    at = header.index(next(h for h in header if str(h).rstrip(" *") == column.label)) + 1
    cell = sheet.cell(row=2, column=at)
    cell.value = f"{cell.value or ''} edited".strip()
    book.save(tmp_path / "edited.xlsx")
    edited = run(tmp_path / "edited.xlsx", box, tmp_path / "edited")
    assert edited.counts() == {"succeeded": 1, "unchanged": result.rows[resource.sheet] - 1}
    [write] = _writes(box, before)
    assert write.method == "PATCH"
    assert write.body == {column.path: cell.value}


def test_bad_exports_are_refused_in_one_line(tmp_path: Path, capsys: Any) -> None:
    box = sandbox()
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"")
    with pytest.raises(UsageError, match="exists: choose another -o, or --force"):
        export(box, taken, "routes")
    with pytest.raises(UsageError, match="numbers cannot be exported as update rows"):
        export(box, tmp_path / "n.xlsx", "numbers")
    with pytest.raises(UsageError, match=r"written as \.xlsx"):
        export(box, tmp_path / "n.csv", "routes")
    with pytest.raises(UsageError, match="name what to export"):
        export(box, tmp_path / "n.xlsx")
    assert main(["export", "routes", "--sandbox", "-o", str(taken)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["export", "routes", "--sandbox", "-o", str(taken), "--force"]) == 0
    assert load_workbook(taken).sheetnames == ["Routes", SOURCE_SHEET]


def test_a_name_that_finds_another_object_too_is_written_as_the_id() -> None:
    """Only texts that find exactly their object are used: a path that is also the end of
    a deeper group's path, or another group's external id, gives way to the id."""
    groups = [
        {"org_unit_id": 1, "org_unit_name": "Acme", "org_unit_parent_id": None},
        {"org_unit_id": 2, "org_unit_name": "West", "org_unit_parent_id": 1},
        {"org_unit_id": 3, "org_unit_name": "Acme", "org_unit_parent_id": 2},
        {"org_unit_id": 4, "org_unit_name": "West", "org_unit_parent_id": 3},
        {"org_unit_id": 5, "org_unit_name": "East", "org_unit_parent_id": 1,
         "org_unit_ext_id": "Acme/North"},
        {"org_unit_id": 6, "org_unit_name": "North", "org_unit_parent_id": 1},
        {"org_unit_id": 7, "org_unit_name": "a/b", "org_unit_parent_id": 1},
    ]  # fmt: skip
    texts = unique_texts(GROUPS_FINDER, groups)
    assert texts[4] == "Acme/West/Acme/West"
    assert 2 not in texts  # 'Acme/West' also ends the path of group 4
    assert texts[3] == "Acme/West/Acme"
    assert texts[5] == "Acme/East"
    assert 6 not in texts  # 'Acme/North' is group 5's external id
    assert 7 not in texts  # a name holding '/' cannot be a path


def test_a_group_exports_its_subtree_and_what_belongs_to_it(tmp_path: Path) -> None:
    """--group: that group, the groups below it, and the objects whose group is one of
    them; named by path, id or external id; a group that is not there is one line."""
    box = sandbox()
    by_path = export_group(box, tmp_path / "p.xlsx", "Peachtree Dental Group/North Georgia")
    by_id = export_group(box, tmp_path / "i.xlsx", "70002")
    book = load_workbook(by_path.path)
    groups = {row[1] for row in book["Groups"].iter_rows(min_row=2, values_only=True)}
    assert groups == {70002, 70039, 70040, 70041, 70042}
    owners = {row[4] for row in book["Routes"].iter_rows(min_row=2, values_only=True)}
    assert owners
    assert all(str(o).startswith("Peachtree Dental Group/North Georgia") for o in owners)
    assert by_id.rows == by_path.rows
    source = {r[0]: r[1] for r in book[SOURCE_SHEET].iter_rows(min_row=2, values_only=True)}
    assert source["Group"] == "North Georgia (org unit 70002) and the 4 groups below it"
    before = len(box.log.writes())
    assert set(run(by_path.path, box, tmp_path / "again").counts()) == {"unchanged"}
    assert _writes(box, before) == []
    with pytest.raises(
        UsageError, match="--group Nowhere: no group 'Nowhere' in the account: give its id"
    ):
        export_group(box, tmp_path / "n.xlsx", "Nowhere")


def export_group(box: Sandbox, out: Path, group: str) -> Any:
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    return actions.export([], out, every=True, group=group, settings=Settings(rate=50.0),
                          wiring=wiring)  # fmt: skip


@pytest.mark.parametrize("name", EXPORTABLE)
def test_the_flat_walk_gives_what_each_column_reads(name: str, tmp_path: Path) -> None:
    """`flattened` (one walk per object) gives every column the value `Column.value_in` gives."""
    resource = get_resource(name)
    box = sandbox()
    run(SAMPLES / f"{name}.xlsx", box, tmp_path, yes=True)
    for record in box.store.records(TABLES[name]):
        shaped = resource.shaped(record)
        flat = flattened(shaped)
        for column in resource.all_columns:
            assert flat.get(column.path) == column.value_in(shaped), column.path


TABLES = {"groups": "groups", "users": "users", "webhooks": "webhooks",
          "voice-agents": "voice_agents", "tags": "tags", "routes": "routes",
          "broadcasts": "broadcasts"}  # fmt: skip


def test_the_dry_run_of_an_edited_export_says_each_change_old_to_new(tmp_path: Path) -> None:
    """Ring To and Record Calls edited on one route: the dry run plans one PATCH (it
    carries the whole routing object) and lists exactly those two fields, old → new, in
    its message and its Changes column; every other row is unchanged."""
    box = sandbox()
    result = export(box, tmp_path / "e.xlsx", "routes")
    book = load_workbook(result.path)
    sheet = book["Routes"]
    header = [str(c.value).rstrip(" *") for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Ring To Number") + 1).value = "4045550999"
    sheet.cell(row=2, column=header.index("Record Calls") + 1).value = "Yes"
    book.save(tmp_path / "edited.xlsx")
    planned = run(tmp_path / "edited.xlsx", box, tmp_path / "plan", dry_run=True)
    assert planned.counts() == {"planned": 1, "unchanged": result.rows["Routes"] - 1}
    [row] = [o for o in planned.outcomes if o.status.value == "planned"]
    assert row.changes == ("Ring To Number: 4045550123 → 4045550999", "Record Calls: No → Yes")
    assert row.request is not None
    assert set(row.request[2]["routing_configuration"]["config"]) > {"ringto", "record_call"}
    plan = load_workbook(planned.results_path)["Routes"]
    columns = [c.value for c in plan[1]]
    cell = plan.cell(row=2, column=columns.index("Result: Changes") + 1).value
    assert cell == "Ring To Number: 4045550123 → 4045550999\nRecord Calls: No → Yes"
    attempts = plan.cell(row=2, column=columns.index("Result: Attempts") + 1).value
    assert attempts is None  # a row only planned made no attempt of its own
    seen = plan.cell(row=2, column=columns.index("Result: State Seen") + 1).value
    assert seen == fingerprint(get_resource("routes"), box.store.get("routes", 12001) or {})
    summary = {r[0]: r[1] for r in load_workbook(planned.results_path)["Summary"].iter_rows(
        values_only=True)}  # fmt: skip
    assert summary["Plan: update"] == 1
    assert summary["Plan: unchanged"] == result.rows["Routes"] - 1


def test_a_csv_export_is_a_folder_whose_files_run_back_unchanged(tmp_path: Path) -> None:
    """--csv: one file per resource, named as `bulkops run` finds its resource, and a
    source.csv; each file run back sends nothing. A file name is refused for --csv."""
    box = sandbox()
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    folder = tmp_path / "account"
    result = actions.export(["routes", "voice-agents"], folder, as_csv=True,
                            settings=Settings(rate=50.0), wiring=wiring)  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == [
        "routes.csv", "source.csv", "voice-agents.csv"]  # fmt: skip
    header = (folder / "routes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:3] == ["Action", "Route ID", "Route Name *"]
    before = len(box.log.writes())
    for name in ("routes.csv", "voice-agents.csv"):
        again = run(folder / name, box, tmp_path / name)
        assert again.counts() == {"unchanged": result.rows[get_resource(name[:-4]).sheet]}
    assert _writes(box, before) == []
    with pytest.raises(UsageError, match="--csv writes a folder"):
        actions.export(["routes"], tmp_path / "x.csv", as_csv=True, settings=Settings(),
                       wiring=wiring)  # fmt: skip
    with pytest.raises(UsageError, match="is not empty"):
        actions.export(["routes"], folder, as_csv=True, settings=Settings(), wiring=wiring)


class _Overlap(SandboxTransport):
    """The sandbox, with each answer a few event-loop turns late: how many pages of
    routes were asked at once shows (no real time passes)."""

    def __init__(self, box: Sandbox) -> None:
        super().__init__(box)
        self.flying = self.most = 0

    async def handle_async_request(self, request: Any) -> Any:
        if not request.url.path.endswith("/provisioned-routes"):
            return await super().handle_async_request(request)
        self.flying += 1
        self.most = max(self.most, self.flying)
        try:
            for _ in range(5):
                await anyio.lowlevel.checkpoint()
            return await super().handle_async_request(request)
        finally:
            self.flying -= 1


def _many_routes(box: Sandbox, count: int) -> set[int]:
    model = box.store.get("routes", 12001)
    with box.store.transaction():
        for index in range(count):
            ident = 30_000 + index
            box.store.put("routes", ident, {**model, "provisioned_route_id": ident,
                          "provisioned_route_name": f"Paged {index}",
                          "phone_number": f"{2000000000 + index:010d}"})  # fmt: skip
    return {r["provisioned_route_id"] for r in box.store.records("routes")}


@pytest.mark.parametrize(("page_cap", "total"),
                         [("200", "yes"), ("100", "yes"), ("50", "no"), ("200", "no")])  # fmt: skip
def test_pages_are_asked_ahead_when_the_list_says_where_it_ends(
    page_cap: str, total: str, tmp_path: Path
) -> None:
    """With a total and pages as asked, the next pages go at once (several in flight),
    each exactly once; a server that caps pages lower or gives no total is read one page
    after the other. Either way every route is exported once."""
    from bulkops.sandbox.variants import Variants

    box = sandbox(variants=Variants(page_cap=page_cap, total=total))
    ids = _many_routes(box, 1_150)
    transport = _Overlap(box)
    wiring = Wiring(transport=transport, auth=StaticToken(TOKEN), clock=box.clock)
    result = actions.export(["routes"], tmp_path / "r.xlsx", settings=Settings(rate=1000.0),
                            wiring=wiring)  # fmt: skip
    exported = [row[1] for row in load_workbook(result.path)["Routes"].iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert sorted(exported) == sorted(ids)
    pages = [e for e in box.log.entries if e.path == "/v3/provisioned-routes"]
    offsets = [int(e.query.split("offset=")[1].split("&")[0]) for e in pages]
    assert len(offsets) == len(set(offsets)), "no page asked twice"
    if (page_cap, total) == ("200", "yes"):
        assert len(pages) == -(-len(ids) // 200)  # and none past the end
        assert transport.most > 1
    else:
        assert transport.most == 1  # one page after the other


class _ShortPage(SandboxTransport):
    """The sandbox, answering the page at offset 400 with only its first 150 routes."""

    async def handle_async_request(self, request: Any) -> Any:
        answer = await super().handle_async_request(request)
        if request.url.path.endswith("/provisioned-routes") and \
                request.url.params.get("offset") == "400":  # fmt: skip
            document = json.loads(answer.content)
            document["data"]["provisioned_routes"] = document["data"]["provisioned_routes"][:150]
            return httpx.Response(answer.status_code, headers={"content-type": "application/json"},
                                  content=json.dumps(document).encode())  # fmt: skip
        return answer


def test_a_page_shorter_than_planned_reads_on_from_where_it_ended(tmp_path: Path) -> None:
    """Pages asked ahead at the offsets a full page implies are dropped when one comes
    back short before the end: the rest is read from where that page ended, nothing lost
    nor written twice."""
    box = sandbox()
    ids = _many_routes(box, 1_150)
    wiring = Wiring(transport=_ShortPage(box), auth=StaticToken(TOKEN), clock=box.clock)
    result = actions.export(["routes"], tmp_path / "r.xlsx", settings=Settings(rate=1000.0),
                            wiring=wiring)  # fmt: skip
    exported = [row[1] for row in load_workbook(result.path)["Routes"].iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert sorted(exported) == sorted(ids)
    offsets = [e.query for e in box.log.entries if e.path == "/v3/provisioned-routes"]
    assert any("offset=550" in q for q in offsets)  # read on from the short page's end
