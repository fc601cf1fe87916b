"""`bulkops undo RESULTS.xlsx`: the workbook that reverses a run, from its journal. Run
on the sandbox, it leaves the account as an export saw it before the run; what cannot be
reversed is listed; a run still going or without its journal is refused in one line."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.engine.journal import Journal
from bulkops.errors import ConfigError, UsageError
from bulkops.paths import journal_for
from bulkops.sandbox import Sandbox
from bulkops.undo import SUMMARY_SHEET
from tests.conftest import ROOT
from tests.resources.test_account import book
from tests.test_export import export
from tests.test_run import run, sandbox

ID_LABELS = ("Group ID", "User ID", "Webhook ID", "Voice Agent ID", "Tag ID", "Route ID",
             "Broadcast ID")  # fmt: skip


def _rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    return [
        {k: v for k, v in zip(header, row, strict=False) if v is not None}
        for row in ws.iter_rows(min_row=2, values_only=True)
        if any(v is not None for v in row)
    ]


def _state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every exported sheet's rows, field by field, the ids of the objects left out."""
    found = {}
    for sheet in load_workbook(path, read_only=True).sheetnames:
        if sheet == "Source":
            continue
        rows = [{k: v for k, v in r.items() if k.rstrip(" *") not in ID_LABELS}
                for r in _rows(path, sheet)]  # fmt: skip
        found[sheet] = sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)
    return found


def _edit(path: Path, out: Path, changes: dict[str, dict[int, dict[str, Any]]],
          added: dict[str, list[list[Any]]]) -> Path:  # fmt: skip
    """An export with cells changed (by sheet, object id, header label) and rows added."""
    workbook = load_workbook(path)
    for sheet, by_id in changes.items():
        ws = workbook[sheet]
        header = [c.value for c in ws[1]]
        for cells in ws.iter_rows(min_row=2):
            for label, value in by_id.get(cells[1].value, {}).items():
                cells[header.index(label)].value = value
    for sheet, rows in added.items():
        for row in rows:
            workbook[sheet].append(row)
    workbook.save(out)
    return out


def _changed_account(box: Sandbox, tmp: Path) -> tuple[Path, Any]:
    """Export the demo account, then run a workbook that updates, replaces, deletes and
    creates across six sheets (a group deleted with its route; a field set that was empty)."""
    before = export(box, tmp / "before.xlsx", every=True)
    changes = _edit(
        before.path,
        tmp / "changes.xlsx",
        {
            "Groups": {
                70042: {"Action": "delete"},
                70041: {"City": "Alpharetta", "Address": "1 Main St"},
            },
            "Routes": {
                12009: {"Action": "delete"},
                12001: {"Ring To Number *": "4045550111"},
                12002: {"Action": "replace", "Record Calls": "Yes"},
            },
            "Users": {7850: {"Action": "delete"}, 7849: {"First Name *": "Samuel"}},
            "Tags": {503: {"Action": "delete"}},
            "Voice Agents": {684: {"Action": "delete"}},
            "Webhooks": {2: {"URL *": "https://hooks.example.com/22"}},
        },
        {"Groups": [["create", None, "Undo Test", "Peachtree Dental Group"]]},
    )
    return before.path, run(changes, box, tmp / "first", yes=True)


def test_a_run_undone_leaves_the_account_as_it_was(tmp_path: Path) -> None:
    """Export, run a change across sheets, undo it, run the undo: an export after is
    equal to the one before, field by field (ids of objects created again aside)."""
    box = sandbox()
    before, first = _changed_account(box, tmp_path)
    assert first.counts() == {"succeeded": 11, "unchanged": 24}
    summary = {r[0]: r[1] for r in load_workbook(first.results_path)["Summary"].values if r[0]}
    assert summary["Undo"].startswith(f"bulkops undo {first.results_path}")
    undone = actions.undo(first.results_path)
    assert undone.path == first.results_path.with_name("results.undo.xlsx")
    assert undone.cannot == []
    assert undone.in_doubt == 0
    assert dict(undone.kinds) == {"create": 5, "update": 4, "replace": 1, "delete": 1}
    groups = _rows(undone.path, "Groups")
    # a deleted parent comes first, as a create; the update sets back only what changed
    assert groups[0]["Action"] == "create"
    assert groups[0]["External ID"] == "ext-70042"
    assert {"Action": "update", "Group ID": 70041, "City": "Roswell", "Address": "#CLEAR"} in groups
    assert {"Action": "delete", "Group ID": 80001} in groups
    routes = _rows(undone.path, "Routes")
    again = next(r for r in routes if r["Action"] == "create")
    assert again["Group ID *"] == "ref:Groups!ext-70042"  # the group created again
    assert {"Action": "update", "Route ID": 12001, "Ring To Number *": "4045550123"} in routes
    assert next(r for r in routes if r["Action"] == "replace")["Record Calls"] == "No"
    assert SUMMARY_SHEET in load_workbook(undone.path, read_only=True).sheetnames
    # a user created again has what the users list leaves out (read before the delete)
    user = next(r for r in _rows(undone.path, "Users") if r["Action"] == "create")
    assert (user["Timezone"], user["Score Calls"]) == ("America/New_York", "No")

    second = run(undone.path, box, tmp_path / "second", yes=True)
    assert second.counts() == {"succeeded": 11}
    after = export(box, tmp_path / "after.xlsx", every=True)
    assert _state(after.path) == _state(before)

    # the undo's own results undo in turn: the first run's changes again
    redo = actions.undo(second.results_path)
    third = run(redo.path, box, tmp_path / "third", yes=True)
    assert third.counts() == {"succeeded": 11}
    changed = export(box, tmp_path / "changed.xlsx", every=True)
    rerun = run(tmp_path / "changes.xlsx", box, tmp_path / "check")
    assert set(rerun.counts()) == {"unchanged"}, "the account is as the first run left it"
    assert _state(changed.path) != _state(before)


def test_deletes_go_later_sheets_first(tmp_path: Path) -> None:
    """A workbook deleting a group and its routes: the routes' DELETEs go before the
    group's (it holds them), though the Groups sheet runs first."""
    box = sandbox()
    path = book(tmp_path / "d.xlsx", {
        "Groups": [["Action", "Group ID"], ["delete", 70041]],
        "Routes": [["Action", "Route ID"], ["delete", 12007], ["delete", 12008]],
    })  # fmt: skip
    result = run(path, box, tmp_path, yes=True)
    assert result.counts() == {"succeeded": 3}
    deletes = [e.path for e in box.log.matching("DELETE")]
    assert deletes.index("/v3/groups/70041") == 2, deletes


def test_what_cannot_be_undone_is_listed(tmp_path: Path) -> None:
    """Numbers ordered or released cannot be undone: listed with what to do by hand, and
    no row for them."""
    box = sandbox()
    first = run(ROOT / "samples" / "numbers.xlsx", box, tmp_path, yes=True)
    done = [o for o in first.outcomes if o.status.value == "succeeded"]
    ordered = [o for o in done if o.action == "order"]
    released = [o for o in done if o.action == "release"]
    assert ordered
    assert released
    undone = actions.undo(first.results_path)
    assert undone.total == 0
    assert len(undone.cannot) == len(done)
    said = "\n".join(undone.cannot)
    assert said.count("an order cannot be undone: release the number") == len(ordered)
    assert said.count("a released number may be taken by anyone") == len(released)
    summary = _rows(undone.path, SUMMARY_SHEET)
    listed = [r["Value"] for r in summary if r["Item"] == "Cannot be undone"]
    assert listed == undone.cannot


def test_a_run_interrupted_mid_write_is_undone_as_far_as_it_can_tell(tmp_path: Path) -> None:
    """Rows in doubt: an update whose answer never came is set back (harmless if it never
    landed); a create whose answer never came is listed to check by hand."""
    results = tmp_path / "r.results.xlsx"
    results.write_bytes(b"")
    journal = Journal.open(journal_for(results), input_sha256="x", base_url="http://x",
                           resume=False, new_run=False)  # fmt: skip
    journal.intent("Groups", 2, "update", "PATCH", "/v3/groups/70041", ("roswell dental", None),
                   b"{}", resource="groups", before={"city": "Roswell"})  # fmt: skip
    journal.intent("Groups", 3, "create", "POST", "/v3/groups", ("new one", 70000), b"{}",
                   resource="groups")  # fmt: skip
    journal.finish(False)
    journal.close()
    undone = actions.undo(results)
    assert undone.in_doubt == 2
    assert _rows(undone.path, "Groups") == [{"Action": "update", "Group ID": 70041,
                                             "City": "Roswell"}]  # fmt: skip
    assert undone.cannot == [
        "sheet 'Groups' row 3: the interrupted run may have created the group 'new one': look "
        "for it and delete it if it is there"
    ]


def test_a_journal_from_before_undo_says_what_it_lacks(tmp_path: Path) -> None:
    results = tmp_path / "old.results.xlsx"
    results.write_bytes(b"")
    db = sqlite3.connect(journal_for(results))
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE lock (one INTEGER PRIMARY KEY, lock_id TEXT, pid INTEGER, host TEXT, "
        "started REAL);"
        "CREATE TABLE rows (sheet TEXT, row INTEGER, action TEXT, method TEXT, path TEXT, "
        "natural_key TEXT, payload_sha TEXT, intent_at REAL, status TEXT, http_status INTEGER, "
        "request_id TEXT, resource_id TEXT, message TEXT, attempts INTEGER, duration_ms INTEGER,"
        " reconciled INTEGER, outcome_at REAL, PRIMARY KEY (sheet, row));"
        "INSERT INTO rows (sheet, row, action, method, path, natural_key, intent_at, status, "
        "resource_id) VALUES ('Routes', 2, 'update', 'PATCH', '/v3/call-routes/12001', "
        "'[\"x\", null]', 1.0, 'succeeded', '12001'),"
        "('Routes', 3, 'create', 'POST', '/v3/call-routes', '[\"y\", null]', 2.0, "
        "'succeeded', '20001');"
    )
    db.commit()
    db.close()
    undone = actions.undo(results)
    assert _rows(undone.path, "Routes") == [{"Action": "delete", "Route ID": 20001}]
    assert len(undone.cannot) == 1
    assert "older than undo" in undone.cannot[0]


def test_refusals_are_one_line_and_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:  # fmt: skip
    missing = tmp_path / "gone.results.xlsx"
    with pytest.raises(UsageError, match="no such file"):
        actions.undo(missing)
    dry = tmp_path / "dry.results.xlsx"
    dry.write_bytes(b"")
    assert main(["undo", str(dry)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "dry.results.journal" in err
    assert "not beside it" in err

    given = tmp_path / "input.xlsx"  # the input of a run, not its results
    given.write_bytes(b"")
    (tmp_path / "input.results.journal").write_bytes(b"")
    with pytest.raises(UsageError, match=r"input.xlsx is the input of a run; undo takes its "
                       r"results: bulkops undo .*input.results.xlsx"):  # fmt: skip
        actions.undo(given)

    running = tmp_path / "live.results.xlsx"
    running.write_bytes(b"")
    journal = Journal.open(journal_for(running), input_sha256="x", base_url="http://x",
                           resume=False, new_run=False)  # fmt: skip
    try:
        with pytest.raises(ConfigError, match="its run is still going"):
            actions.undo(running)
    finally:
        journal.close()
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"")
    with pytest.raises(UsageError, match="exists: choose another -o, or --force"):
        actions.undo(running, taken)
    assert actions.undo(running, taken, force=True).total == 0


def test_cli_prints_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box = sandbox()
    _, first = _changed_account(box, tmp_path)
    capsys.readouterr()
    assert main(["undo", str(first.results_path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["actions"] == {"create": 5, "update": 4, "replace": 1, "delete": 1}
    assert shown["cannot_undo"] == []
    out = tmp_path / "mine.xlsx"
    assert main(["undo", str(first.results_path), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == f"wrote {out}"
    assert "undo of results.xlsx: 11 rows (5 create, 4 update, 1 replace, 1 delete)" in printed.err
    assert f"bulkops run {out} --dry-run" in printed.err


def test_a_live_run_says_how_to_undo_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:  # fmt: skip
    """The command line prints the undo command after a run that wrote, not after a dry
    run; the command it prints works."""
    path = tmp_path / "groups.xlsx"
    path.write_bytes((ROOT / "samples" / "groups.xlsx").read_bytes())
    assert main(["run", str(path), "--sandbox", "--dry-run"]) == 0
    assert "to undo it" not in capsys.readouterr().err
    assert main(["run", str(path), "--sandbox", "--yes"]) == 0
    results = tmp_path / "groups.results.xlsx"
    err = capsys.readouterr().err
    assert f"to undo it: bulkops undo {results}\n" in err
    assert "  succeeded           6\n" in err
    assert "  read back: 6 verified\n" in err  # every row it wrote, read back
    assert main(["undo", str(results)]) == 0
    assert (tmp_path / "groups.undo.xlsx").exists()


def test_a_delete_row_by_id_ignores_its_other_cells(tmp_path: Path) -> None:
    """An exported row turned into a delete keeps its other cells (a group path that may
    be gone by then): neither the dry run nor the run looks them up."""
    box = sandbox()
    path = book(tmp_path / "d.xlsx", {"Groups": [
        ["Action", "Group ID", "Group Name", "Parent Group"],
        ["delete", 70042, "Kennesaw Pediatrics", "Peachtree Dental Group/Gone Away"],
    ]})  # fmt: skip
    planned = run(path, box, tmp_path, dry_run=True)
    assert planned.counts() == {"planned": 1}
    [row] = planned.outcomes  # the plan says what goes, by name
    assert row.message == "would DELETE /groups/70042: deletes the group 'Kennesaw Pediatrics'"
    assert row.changes == ("Group Name: Kennesaw Pediatrics → (deleted)",)
    assert box.log.writes() == []
    assert run(path, box, tmp_path, yes=True).counts() == {"succeeded": 1}


SAMPLES = ["groups", "users", "webhooks", "voice-agents", "tags", "prompts", "numbers",
           "routes", "broadcasts", "new-account"]  # fmt: skip


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_run_can_be_undone(name: str, tmp_path: Path) -> None:
    """Each sample, run on the sandbox, then its undo: every undo row succeeds (deletes of
    several sheets in the right order), and what it leaves out is listed, one per write."""
    samples = ROOT / "samples"
    shutil.copytree(samples / "audio", tmp_path / "audio")  # (what the prompts upload)
    for item in samples.glob(f"{name}*"):
        if item.suffix in (".xlsx", ".csv") and ".results" not in item.name:
            shutil.copy(item, tmp_path / item.name)
    box = sandbox()
    first = run(tmp_path / f"{name}.xlsx", box, tmp_path / "first", yes=True)
    undone = actions.undo(first.results_path)
    wrote = sum(o.status.value == "succeeded" for o in first.outcomes)
    assert undone.total + len(undone.cannot) == wrote
    if undone.total:  # (nothing to run: every write is listed as what cannot be undone)
        second = run(undone.path, box, tmp_path / "second", yes=True)
        assert second.counts() == {"succeeded": undone.total}
