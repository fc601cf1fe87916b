"""The sandbox's accounts: the demo, another customer, and an empty one where a
migration lands, each reached with its own credentials and seeing only itself."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.run import Wiring
from bulkops.sandbox import DEMO_USERS, ManualClock, Sandbox, SandboxTransport

TARGET_ADMIN = next(u for u in DEMO_USERS if u[1] == "admin@target.bulkops.test")


def test_the_empty_account_holds_its_top_group_and_admin_only(tmp_path: Path) -> None:
    box = Sandbox(clock=ManualClock())
    box.grant("target-token", TARGET_ADMIN[0])
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken("target-token"),
                    clock=box.clock)  # fmt: skip
    result = actions.export([], tmp_path / "t.xlsx", every=True, settings=Settings(rate=50.0),
                            wiring=wiring)  # fmt: skip
    assert {k: v for k, v in result.rows.items() if v} == {"Groups": 1, "Users": 1}
    book = load_workbook(result.path)
    [group] = list(book["Groups"].iter_rows(min_row=2, values_only=True))
    assert group[1:3] == (95000, "Target Dental Partners")
    [user] = list(book["Users"].iter_rows(min_row=2, values_only=True))
    assert user[1:3] == (TARGET_ADMIN[0], "admin@target.bulkops.test")
    source = {r[0]: r[1] for r in book["Source"].iter_rows(min_row=2, values_only=True)}
    assert source["Account"] == "Target Dental Partners (org unit 95000)"
