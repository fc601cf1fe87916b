"""Migrations: the demo account exported, brought into the empty target account in two
waves through the id ledger, then compared with the source through it (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.errors import UsageError
from bulkops.labels import SOURCE_SHEET
from bulkops.ledger import NUMBERS, ORDERING, Ledger, Pair
from bulkops.model.outcome import Status
from bulkops.run import RunResult, Wiring
from bulkops.sandbox import Sandbox, SandboxTransport
from tests.test_export import export
from tests.test_run import TOKEN, sandbox

TARGET = "target-token"
#: the ledger a migration of the demo account (top group 70000) into the target account
#: (95000) keeps beside its workbooks by default
LEDGER = "migration-70000-to-95000.ledger"
FIRST = ("Groups", "Users")
SECOND = ("Webhooks", "Voice Agents", "Tags", "Routes", "Broadcasts")


def _box() -> Sandbox:
    box = sandbox()
    box.grant(TARGET, 99501)  # admin@target.bulkops.test: the empty account
    return box


def _wiring(box: Sandbox, token: str = TARGET) -> Wiring:
    return Wiring(transport=SandboxTransport(box), auth=StaticToken(token), clock=box.clock)


def _migrate(box: Sandbox, path: Path, **kw: Any) -> RunResult:
    kw.setdefault("yes", True)  # (against a live account, buying numbers asks first)
    return actions.run(path, settings=Settings(rate=50.0, concurrency=4),
                       out=path.with_name(f"{path.stem}-results.xlsx"), wiring=_wiring(box),
                       **kw)  # fmt: skip


def _wave(export_path: Path, sheets: tuple[str, ...], out: Path) -> Path:
    book = load_workbook(export_path)
    for sheet in list(book.worksheets):
        if sheet.title not in (*sheets, SOURCE_SHEET):
            book.remove(sheet)
    book.save(out)
    return out


def _rows(path: Path) -> dict[str, dict[Any, dict[str, Any]]]:
    """Each sheet's rows by their id (the second column), as label -> value."""
    book = load_workbook(path)
    found: dict[str, dict[Any, dict[str, Any]]] = {}
    for sheet in book.worksheets:
        if sheet.title == SOURCE_SHEET:
            continue
        header = [c.value for c in sheet[1]]
        rows = found[sheet.title] = {}
        for values in sheet.iter_rows(min_row=2, values_only=True):
            if values[1] is not None:
                rows[values[1]] = dict(zip(header, values, strict=True))
    return found


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo account exported and migrated in two waves, each run once."""
    tmp = tmp_path_factory.mktemp("migration")
    box = _box()
    export(box, tmp / "demo.xlsx", every=True)
    first = _wave(tmp / "demo.xlsx", FIRST, tmp / "wave1.xlsx")
    second = _wave(tmp / "demo.xlsx", SECOND, tmp / "wave2.xlsx")
    before = len(box.log.writes())
    dry = _migrate(box, first, dry_run=True)
    sent_by_dry_run = len(box.log.writes()) - before
    runs, sent = [], []
    for wave in (first, second):
        since = len(box.log.entries)
        runs.append(_migrate(box, wave))
        sent.append(len(box.log.entries) - since)
    written = len(box.log.writes())
    again = [_migrate(box, first), _migrate(box, second)]
    actions.export([], tmp / "target.xlsx", every=True, settings=Settings(rate=50.0),
                   wiring=_wiring(box))  # fmt: skip
    return {"tmp": tmp, "box": box, "dry": dry, "dry_writes": sent_by_dry_run, "runs": runs,
            "sent": sent,
            "again": again, "rewrites": len(box.log.writes()) - written}  # fmt: skip


def test_two_waves_bring_every_object_over(migrated: dict[str, Any]) -> None:
    """Every row of both waves succeeded; the dry run before them sent nothing, planned
    every row, and wrote no ledger."""
    dry = migrated["dry"]
    assert migrated["dry_writes"] == 0
    assert {o.status for o in dry.outcomes} == {Status.PLANNED}
    for result in migrated["runs"]:
        assert result.outcomes
        failed = [(o.sheet, o.row, o.message) for o in result.outcomes if not o.status.ok]
        assert failed == []
        assert {o.status for o in result.outcomes} == {Status.SUCCEEDED}
    assert migrated["runs"][1].ledger == migrated["tmp"] / LEDGER
    # every request counted once, reads back included (the preflight aside)
    assert [r.requests + 1 for r in migrated["runs"]] == migrated["sent"]
    summary = load_workbook(migrated["runs"][1].results_path)["Summary"]
    lines = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert str(migrated["tmp"] / LEDGER) in lines["Migration ledger"]


def test_the_target_holds_the_source_through_the_ledger(migrated: dict[str, Any]) -> None:
    """Exported again from the target, every source object is there under the id the
    ledger maps it to, every field equal but the server's (ids, tracking numbers, SMS users'
    ids, which the ledger maps too)."""
    tmp = migrated["tmp"]
    source, target = _rows(tmp / "demo.xlsx"), _rows(tmp / "target.xlsx")
    ledger = Ledger.read(tmp / LEDGER)
    kinds = {"Groups": "groups", "Users": "users", "Webhooks": "webhooks",
             "Voice Agents": "voice-agents", "Tags": "tags", "Routes": "routes"}  # fmt: skip
    compared = 0
    for sheet, rows in source.items():
        mapped_ids = set()
        for ident, row in rows.items():
            mapped = ledger.target(kinds[sheet], ident)
            assert mapped is not None, (sheet, ident)
            mapped_ids.add(int(mapped))
            there = target[sheet][int(mapped)]
            for label, value in row.items():
                if label.endswith(" ID") and label in (f"{sheet[:-1]} ID", "Route ID"):
                    continue
                if label == "Tracking Number *":
                    new = ledger.target(NUMBERS, value)
                    assert new is not None
                    assert new != value
                    assert new[:3] == value[:3]
                    assert there[label] == new
                elif label == "SMS Users" and value:
                    ids = [ledger.target("users", i.strip()) for i in value.split(";")]
                    assert there[label] == "; ".join(str(i) for i in ids)
                else:
                    assert there[label] == value, (sheet, ident, label)
                compared += 1
        # the target's own objects aside (its admin), it holds what the source held
        assert set(target.get(sheet, {})) - mapped_ids <= {99501}, sheet
    assert compared > 300
    assert len({e.target for e in ledger.entries()}) == len(ledger.entries())


def test_both_waves_run_again_write_nothing(migrated: dict[str, Any]) -> None:
    assert migrated["rewrites"] == 0
    for result in migrated["again"]:
        assert {o.status for o in result.outcomes} == {Status.UNCHANGED}


def test_the_ledger_lists_its_pair_and_its_mappings(
    migrated: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = migrated["tmp"]
    assert main(["ledger", "show", str(tmp / LEDGER)]) == 0
    shown = capsys.readouterr().out
    assert "Peachtree Dental Group" in shown
    assert "Target Dental Partners" in shown
    assert "routes 12001 -> " in shown
    assert "numbers 4045550190 -> 404" in shown
    out = tmp / "ledger.xlsx"
    assert main(["ledger", "export", str(tmp / LEDGER), "-o", str(out)]) == 0
    rows = list(load_workbook(out)["Ledger"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Kind", "Source ID", "Target ID")
    assert len(rows) - 1 == len(Ledger.read(tmp / LEDGER).entries())


def test_a_ledger_of_another_pair_is_refused(tmp_path: Path) -> None:
    box = _box()
    export(box, tmp_path / "demo.xlsx", "tags")
    other = Ledger.open(tmp_path / "other.ledger", Pair("x #1", "X", "y #2", "Y"), wave="w")
    other.close()
    with pytest.raises(UsageError, match="maps X to Y, not Peachtree Dental Group"):
        _migrate(box, tmp_path / "demo.xlsx", ledger=tmp_path / "other.ledger")
    assert box.log.writes() == []


def test_a_ledger_for_a_workbook_without_its_source_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids without a Source sheet could be any account's: --ledger is refused, exit 2."""
    path = tmp_path / "tags.xlsx"
    box = _box()
    export(box, path, "tags")
    book = load_workbook(path)
    book.remove(book[SOURCE_SHEET])
    book.save(path)
    code = main(["run", str(path), "--sandbox", "--ledger", str(tmp_path / "l.ledger")])
    err = capsys.readouterr().err
    assert code == 2
    assert "has no 'Source' sheet" in err
    assert "Traceback" not in err
    assert not (tmp_path / "l.ledger").exists()


def test_the_same_account_is_no_migration(tmp_path: Path) -> None:
    """Run back into the account it came from, an export is an ordinary workbook."""
    box = _box()
    export(box, tmp_path / "demo.xlsx", "tags")
    result = actions.run(tmp_path / "demo.xlsx", settings=Settings(rate=50.0),
                         wiring=_wiring(box, "run-token"))  # fmt: skip
    assert result.ledger is None
    assert not list(tmp_path.glob("*.ledger"))
    assert {o.status for o in result.outcomes} == {Status.UNCHANGED}


def test_an_id_nobody_knows_is_a_problem_at_its_cell(tmp_path: Path) -> None:
    """The whole account in one wave, with SMS user 123456 on a route: not in the ledger,
    no row carries it, the target has no such user: that route is not sent, the message
    names the column and the id; the route whose SMS users the Users sheet brings over
    waits for them and gets their new ids."""
    box = _box()
    path = tmp_path / "demo.xlsx"
    export(box, path, every=True)
    book = load_workbook(path)
    sheet = book["Routes"]
    column = [c.value for c in sheet[1]].index("SMS Users") + 1
    sheet.cell(2, column, "123456")
    book.save(path)
    result = _migrate(box, path)
    routes = {o.row: o for o in result.outcomes if o.sheet == "Routes"}
    assert routes[2].status is Status.INVALID
    assert "SMS Users 123456" in routes[2].message
    assert "no user 123456" in routes[2].message
    others = [o for o in result.outcomes if (o.sheet, o.row) != ("Routes", 2)]
    assert {o.status for o in others} == {Status.SUCCEEDED}
    ledger = Ledger.read(tmp_path / LEDGER)
    route = box.store.get("routes", int(ledger.target("routes", 12005) or 0))
    users = [ledger.target("users", 84784), ledger.target("users", 7849)]
    assert route["sms_settings"]["assigned_users"] == [int(u or 0) for u in users]


def test_deleting_what_the_target_never_got_sends_nothing(tmp_path: Path) -> None:
    box = _box()
    path = tmp_path / "tags.xlsx"
    export(box, path, "tags")
    book = load_workbook(path)
    book["Tags"].cell(2, 1, "delete")
    for row in (2, 3, 4):
        book["Tags"].cell(row, 4).value = None  # (their group is not in the target account)
    book.save(path)
    result = _migrate(box, path)
    deleted = result.outcomes[0]
    assert deleted.status is Status.UNCHANGED
    assert "nothing here to delete" in deleted.message
    assert [o.status for o in result.outcomes[1:]] == [Status.SUCCEEDED] * 2
    assert [(w.method, w.path) for w in box.log.writes()] == [("POST", "/v3/tag")] * 2


def test_a_number_an_interrupted_run_was_buying_is_not_bought_twice(tmp_path: Path) -> None:
    """The ledger says 4045550190 was being replaced by a number when the run died: the
    account got it, so the route takes it and no second number is bought."""
    box = _box()
    path = tmp_path / "routes.xlsx"
    export(box, path, "routes")
    book = load_workbook(path)
    for row in range(3, book["Routes"].max_row + 1):
        book["Routes"].cell(row, 1, "skip")
    book["Routes"].cell(2, 5, 95000)  # an id the target holds (no source group has it)
    book.save(path)
    bought = "4045550100"
    number = box.store.get("numbers", bought)
    box.store.put("numbers", bought, {**number, "status": "reserved", "org_unit_id": 95000})
    pair = Pair("https://platform-api.convirza.com/v3 #70000", "Peachtree Dental Group",
                "https://platform-api.convirza.com/v3 #95000", "Target")  # fmt: skip
    ledger = Ledger.open(tmp_path / LEDGER, pair, wave="w1")
    ledger.put(NUMBERS, "4045550190", bought, ORDERING)
    ledger.close()
    result = _migrate(box, path)
    assert result.outcomes[0].status is Status.SUCCEEDED
    assert box.store.get("numbers", bought)["status"] == "provisioned"
    assert not [w for w in box.log.writes() if w.path.endswith("/phone-numbers")]
    assert Ledger.read(tmp_path / LEDGER).target(NUMBERS, "4045550190") == bought


def test_a_lost_ledger_is_rebuilt_without_a_write_or_a_second_number(tmp_path: Path) -> None:
    """The ledger deleted after a migration: run again, every row finds its object by its
    natural key (unchanged), each route keeps the number it has, nothing is sent, and the
    new ledger maps what the old one did."""
    box = _box()
    path = tmp_path / "demo.xlsx"
    export(box, path, every=True)
    first = _migrate(box, path)
    assert {o.status for o in first.outcomes} == {Status.SUCCEEDED}
    before = sorted((e.kind, e.source, e.target) for e in Ledger.read(tmp_path / LEDGER).entries())
    (tmp_path / LEDGER).unlink()
    written = len(box.log.writes())
    again = _migrate(box, path)
    assert {o.status for o in again.outcomes} == {Status.UNCHANGED}
    assert box.log.writes()[written:] == []
    after = sorted((e.kind, e.source, e.target) for e in Ledger.read(tmp_path / LEDGER).entries())
    assert after == before


def test_lost_answers_buy_each_number_once_and_create_each_object_once(tmp_path: Path) -> None:
    """A fifth of the writes commit and lose their answer: each order is found among the
    account's numbers, each object by its natural key; every row succeeds, one number per
    route, one object per row."""
    box = sandbox("drop:0.2@POST, lost-500:0.1@POST")
    box.grant(TARGET, 99501)
    path = tmp_path / "demo.xlsx"
    export(box, path, every=True)
    result = _migrate(box, path)
    assert {o.status for o in result.outcomes} == {Status.SUCCEEDED}
    assert any(o.reconciled for o in result.outcomes)
    orders = box.log.commits_by(lambda e: e.body["phone_number"] if "phone-numbers" in e.path
                                else None)  # fmt: skip
    orders.pop(None, None)
    assert len(orders) == 12
    assert max(orders.values()) == 1
    bought = [n for n in box.store.records("numbers") if n.get("org_unit_id") is not None
              and n["org_unit_id"] >= 80000]  # fmt: skip
    assert len(bought) == 12
    ledger = Ledger.read(tmp_path / LEDGER)
    assert sorted(ledger.sources_of(NUMBERS)) == sorted(n["phone_number"] for n in bought)


def test_undo_of_a_migration_lists_each_number_it_bought(tmp_path: Path) -> None:
    """The numbers a migration bought are not rows of its workbook: undo names each, from
    the ledger the journal names, to release by hand; a later run that bought none (the
    routes keep their numbers) lists none."""
    box = _box()
    path = tmp_path / "demo.xlsx"
    export(box, path, every=True)
    first = _migrate(box, path)
    assert {o.status for o in first.outcomes} == {Status.SUCCEEDED}
    undone = actions.undo(tmp_path / "demo-results.xlsx")
    ledger = Ledger.read(tmp_path / LEDGER)
    bought = ledger.sources_of(NUMBERS)
    ledger.close()
    assert len(bought) == 12
    listed = [line for line in undone.cannot if line.startswith("number ")]
    assert sorted(listed) == sorted(
        f"number {new} was bought for the source's {old} (migration ledger {LEDGER}); an "
        "order cannot be undone: release the number with a release row if it is not wanted"
        for new, old in bought.items()
    )
    (tmp_path / LEDGER).unlink()  # a later wave finds each route with its number: buys none
    again = _migrate(box, path, new_run=True)
    assert {o.status for o in again.outcomes} == {Status.UNCHANGED}
    rebuilt = Ledger.read(tmp_path / LEDGER)
    assert rebuilt.bought(path.name, 0) == []
    assert len(rebuilt.sources_of(NUMBERS)) == 12
    rebuilt.close()


def test_an_export_to_csv_files_migrates_file_by_file(tmp_path: Path) -> None:
    """`export --csv`: each CSV of the folder runs into the other account as a wave, its
    source read from the source.csv beside it, through one ledger in the folder; a CSV
    run again writes nothing. A CSV with no source.csv beside it is refused a ledger."""
    box = _box()
    folder = tmp_path / "demo"
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN),
                    clock=box.clock)  # fmt: skip
    actions.export([], folder, every=True, as_csv=True, settings=Settings(rate=50.0),
                   wiring=wiring)  # fmt: skip
    names = sorted(p.name for p in folder.iterdir())
    assert "source.csv" in names
    waves = [folder / f"{n}.csv" for n in ("groups", "users", "webhooks", "voice-agents", "tags",
                                           "routes") if f"{n}.csv" in names]  # fmt: skip
    assert len(waves) == 6
    for wave in waves:
        result = _migrate(box, wave)
        assert {o.status for o in result.outcomes} == {Status.SUCCEEDED}, wave.name
    ledger = Ledger.read(folder / LEDGER)
    kinds = {e.kind for e in ledger.entries()}
    ledger.close()
    assert {"groups", "users", "routes", NUMBERS} <= kinds
    written = len(box.log.writes())
    again = _migrate(box, folder / "routes.csv")
    assert {o.status for o in again.outcomes} == {Status.UNCHANGED}
    assert box.log.writes()[written:] == []
    (folder / "source.csv").unlink()
    with pytest.raises(UsageError, match=r"routes.csv: --ledger .* no source.csv beside it"):
        _migrate(box, folder / "routes.csv", ledger=folder / LEDGER)


def test_a_csv_run_before_the_groups_it_names_says_to_run_them_first(tmp_path: Path) -> None:
    box = _box()
    folder = tmp_path / "demo"
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    actions.export([], folder, every=True, as_csv=True, settings=Settings(rate=50.0),
                   wiring=wiring)  # fmt: skip
    result = _migrate(box, folder / "routes.csv")
    failed = [o for o in result.outcomes if o.status is Status.FAILED]
    assert failed
    for outcome in failed:
        assert outcome.message.startswith("Group ID: no group '")
        assert outcome.message.endswith("(a migration: run the export's groups first, then this)")
