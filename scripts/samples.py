"""Regenerate samples/: a valid routes workbook and the invalid samples, one problem each.

Run: .venv/bin/python scripts/samples.py
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from generate import save_if_changed  # scripts/ is on sys.path when run as a script
from openpyxl import Workbook

from bulkops.output.templates import header_labels, write_template
from bulkops.resources import get_resource

ROOT = Path(__file__).resolve().parent.parent
ROUTES = get_resource("routes")
LABELS = [label.rstrip(" *") for label in header_labels(ROUTES)]


def _row(**cells: Any) -> list[Any]:
    """A row given by column label (spaces as '_' in keyword names)."""
    row: list[Any] = [""] * len(LABELS)
    for key, value in cells.items():
        row[LABELS.index(key.replace("_", " "))] = value
    return row


def _create(name: str, group: int, tracking: str, ring_to: str, **more: Any) -> list[Any]:
    cells = {"Route_Status": "active", "Routing_Type": "simple", "Record_Calls": "Yes", **more}
    return _row(
        Action="create",
        Route_Name=name,
        Group_ID=group,
        Tracking_Number=tracking,
        Ring_To_Number=ring_to,
        **cells,
    )


def valid_rows() -> list[list[Any]]:
    """26 rows of a plausible week for an account manager: new locations, changes, removals."""
    return [
        _create(
            "Downtown Dental - Google Ads",
            70035,
            "4045550100",
            "4045550123",
            Call_Value=150,
            Repeat_Interval=30,
            Spam_Protection="Yes",
        ),
        _create(
            "Downtown Dental - Facebook",
            70035,
            "4045550101",
            "4045550123",
            Call_Value=150,
            Whisper_Enabled="Yes",
            Whisper_Type="text",
            Whisper_Message="Facebook caller",
        ),
        _create(
            "Downtown Dental - Yelp",
            70035,
            "4045550102",
            "(404) 555-0123",
            Voicemail_Enabled="Yes",
            Voicemail_Greeting="Please leave a message.",
            Voicemail_Rings=4,
        ),
        _create(
            "Midtown Dental - Google Ads",
            70036,
            "4045550103",
            "+1 404-555-0140",
            Overflow_1_Number="4045550141",
            Overflow_1_Rings=3,
            Overflow_2_Number="4045550142",
            Overflow_2_Rings=5,
        ),
        _create(
            "Midtown Dental - Billboard I-85",
            70036,
            "4045550104",
            "4045550140",
            Hunt_Type="sequential",
            Hunt_1_Destination="4045550143",
            Hunt_2_Destination="4045550144",
            Hunt_3_Destination="4045550145",
        ),
        _create(
            "Buckhead Ortho - Google Ads",
            70037,
            "6785550110",
            "6785550190",
            SMS_Forwarding="Yes",
            SMS_Users="84784; 7849",
            SMS_Notifications="Yes",
            Email_Notifications="No",
        ),
        _create(
            "Buckhead Ortho - Radio WSB",
            70037,
            "6785550111",
            "6785550190",
            FTC_Whisper_Enabled="Yes",
            FTC_Whisper_Type="file",
            FTC_Whisper_Message="qLMcUEqb_1660813454043",
            Play_Disclaimer="before",
        ),
        _create(
            "Buckhead Ortho - After Hours",
            70037,
            "6785550112",
            "6785550191",
            Voice_Agent_Enabled="Yes",
            Route_Voice_Agent_Enabled="Yes",
            Voice_Agent_ID=683,
            Voice_Agent_Rings=2,
        ),
        _create(
            "Decatur Family Care - Direct Mail",
            70038,
            "4705550120",
            "4705550199",
            Custom_Source_1_ID="1080",
            Custom_Source_1_Type="CS1",
            Custom_Source_2_ID="1081",
            Custom_Source_2_Type="CS2",
        ),
        _create(
            "Decatur Family Care - Google Ads",
            70038,
            "4705550121",
            "4705550199",
            Caller_Message_Enabled="Yes",
            Caller_Message_Type="text",
            Caller_Message="This call may be recorded.",
            Webhook_ID=1,
        ),
        _create(
            "Marietta Vision - Google Ads",
            70039,
            "7705550130",
            "7705550188",
            Hold_Message_Enabled="Yes",
            Hold_Message_Type="text",
            Hold_Message="Thanks for holding, we will be right with you.",
        ),
        _create(
            "Marietta Vision - Bing",
            70039,
            "7705550131",
            "7705550188",
            Route_Status="inactive",
            Call_Value=75.5,
        ),
        _row(Action="update", Route_ID=12001, Ring_To_Number="4045550124"),
        _row(Action="update", Route_ID=12002, Call_Value=200, Repeat_Interval=14),
        _row(
            Action="update",
            Route_Name="Smyrna Dental - Google Ads",
            Group_ID=70040,
            Route_Status="inactive",
        ),
        _row(Action="update", Route_ID=12004, Whisper_Enabled="No"),
        _row(Action="update", Route_ID=12005, Webhook_ID="#CLEAR", SMS_Users="#CLEAR"),
        _row(Action="update", Route_ID=12006, Overflow_1_Number="7705550177", Overflow_1_Rings=4),
        _row(
            Action="replace",
            Route_ID=12007,
            Route_Name="Roswell Dental - Google Ads",
            Route_Status="active",
            Group_ID=70041,
            Routing_Type="simple",
            Ring_To_Number="7705550160",
            Record_Calls="Yes",
            Spam_Protection="Yes",
            Call_Value=120,
            Repeat_Interval=30,
        ),
        _row(
            Action="replace",
            Route_ID=12008,
            Route_Name="Roswell Dental - Facebook",
            Group_ID=70041,
            Ring_To_Number="7705550160",
            Whisper_Enabled="Yes",
            Whisper_Type="text",
            Whisper_Message="Facebook lead",
        ),
        _row(Action="delete", Route_ID=12009),
        _row(Action="delete", Route_Name="Old Promo - Summer 2025", Group_ID=70035),
        _row(Action="skip", Route_ID=12010, Route_Name="Kept as is for now"),
        _create(
            "Kennesaw Pediatrics - Google Ads",
            70042,
            "7705550150",
            "7705550151",
            Click_To_Call_Enabled="Yes",
            Click_To_Call="Yes",
        ),
        # upsert: changes only what differs on an existing route, creates a missing one
        _row(
            Action="upsert",
            Route_Name="Route 1",
            Group_ID=70035,
            Tracking_Number="4045550188",
            Ring_To_Number="4045550125",
            Call_Value=25,
        ),
        _row(
            Action="upsert",
            Route_Name="Kennesaw Pediatrics - Facebook",
            Group_ID=70042,
            Tracking_Number="7705550152",
            Ring_To_Number="7705550151",
            Record_Calls="Yes",
        ),
    ]


def _base(name: str) -> dict[str, Any]:
    return {
        "Action": "create",
        "Route_Name": name,
        "Group_ID": 70035,
        "Tracking_Number": "4045550100",
        "Ring_To_Number": "4045550123",
    }


def invalid_rows() -> list[tuple[str, dict[str, Any]]]:
    """(expected code, cells): each row breaks exactly one rule ('' = a valid row that a
    later row duplicates)."""
    dup = {**_base("Duplicate Me"), "Tracking_Number": "4045550102"}
    return [
        ("invalid-action", {**_base("Bad action"), "Action": "frobnicate"}),
        ("required-value", {**_base("No ring to"), "Ring_To_Number": ""}),
        ("invalid-type", {**_base("Value as text"), "Call_Value": "lots"}),
        ("invalid-choice", {**_base("Bad status"), "Route_Status": "paused"}),
        ("invalid-phone", {**_base("Lost zero"), "Ring_To_Number": 123456789}),
        (
            "undialable-phone",
            {
                **_base("Placeholder"),
                "Ring_To_Number": "1111111111",
                "Tracking_Number": "4045550103",
            },
        ),
        ("out-of-range", {**_base("Negative value"), "Call_Value": -5}),
        ("too-long", {**_base("x" * 300)}),
        ("invalid-clear", {**_base("Clear a switch"), "Record_Calls": "#CLEAR"}),
        ("formula-without-value", {**_base("Formula"), "Group_ID": "=70000+35"}),
        ("excel-error", {**_base("Excel error"), "Call_Value": "#N/A"}),
        (
            "ignored-value",
            {**_base("Create with id"), "Route_ID": 555, "Tracking_Number": "4045550104"},
        ),
        ("missing-key", {"Action": "delete"}),
        ("list-gap", {**_base("Gap"), "Overflow_2_Number": "4045550142"}),
        ("list-item-incomplete", {**_base("Half item"), "Custom_Source_1_ID": "1080"}),
        ("whisper-without-message", {**_base("Whisper"), "Whisper_Enabled": "Yes"}),
        ("ftc-whisper-without-message", {**_base("FTC"), "FTC_Whisper_Enabled": "Yes"}),
        ("message-without-content", {**_base("Msg"), "Caller_Message_Enabled": "Yes"}),
        ("hold-message-without-content", {**_base("Hold"), "Hold_Message_Enabled": "Yes"}),
        ("voice-agent-without-id", {**_base("Agent"), "Voice_Agent_Enabled": "Yes"}),
        ("", {"Action": "update", "Route_ID": 777, "Call_Value": 1}),
        ("duplicate-id", {"Action": "delete", "Route_ID": 777}),
        ("", dup),
        ("duplicate-key", dup),
        ("duplicate-value", {**_base("Same number"), "Tracking_Number": dup["Tracking_Number"]}),
    ]


EXPECTED = "Expected Problem"


def write_valid(path: Path) -> None:
    write_template(ROUTES, path)  # keeps the notes, dropdowns and Instructions
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book[ROUTES.sheet]
    sheet.delete_rows(2)  # the template's example row
    for row in valid_rows():
        sheet.append(row)
    book.save(path)


def write_invalid(folder: Path, name: str = "routes.xlsx") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ROUTES.sheet
    sheet.append([*LABELS, EXPECTED])  # the extra column is itself the unknown-column case
    for code, cells in invalid_rows():
        sheet.append([*_row(**cells), code])
    book.save(folder / name)


def write_invalid_text(folder: Path) -> None:
    """Problems of the header and of the file, which no single row can show."""
    with (folder / "routes-bad-header.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # duplicate-column (Name twice), missing-column (no Ring To Number), blank-header (D),
        # misspelt-column (Recrod Calls)
        writer.writerow(["Action", "Route Name", "Group ID", "", "provisioned_route_name",
                         "Tracking Number", "Recrod Calls"])  # fmt: skip
        writer.writerow(["create", "Header test", "70035", "stray", "", "4045550100", "Yes"])
    with (folder / "routes-title-rows.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Acme Dental - new routes, November"])  # rows-above-header
        writer.writerow([])
        writer.writerow(LABELS[:8])
        writer.writerow(
            ["create", "", "Title test", "active", "70035", "4045550100", "simple", "4045550101"]
        )
    with (folder / "routes-no-data.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(LABELS[:8])


def write_hidden(path: Path) -> None:
    """A visible sheet with one hidden row and one merged range; hidden-row, merged-cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ROUTES.sheet
    sheet.append(LABELS[:8])
    sheet.append(["create", "", "Seen", "active", 70035, "4045550100", "simple", "4045550123"])
    sheet.append(["create", "", "Unseen", "active", 70035, "4045550101", "simple", "4045550123"])
    sheet.append(["create", "", "Merged", "active", 70035, "4045550102", "simple", "4045550123"])
    sheet.row_dimensions[3].hidden = True  # hidden-row
    sheet.merge_cells("C4:D4")  # merged-cells
    book.save(path)


def write_hidden_sheet(path: Path) -> None:
    """The Routes sheet hidden behind a visible notes sheet: hidden-sheet."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["The routes are on a hidden sheet."])
    sheet = book.create_sheet(ROUTES.sheet)
    sheet.append(LABELS[:8])
    sheet.append(["create", "", "Hidden", "active", 70035, "4045550100", "simple", "4045550123"])
    sheet.sheet_state = "hidden"
    book.save(path)


#: a typical call-tracking vendor's export, and the mapping that makes it routes
FOREIGN = ROOT / "samples" / "foreign" / "calltrack-export.csv"
FOREIGN_GROUP = "Peachtree Dental Group/Atlanta Metro/Downtown Dental"


def write_foreign_mapping(path: Path) -> None:
    """The mapping `bulkops map` suggests for the sample export, completed as a person
    would: the group every route goes in, and what 'Paused' is."""
    from bulkops.mapping import foreign_sheet, suggest, write_mapping

    workbook, sheet = foreign_sheet(FOREIGN)
    try:
        mapping = suggest(ROUTES, sheet)
    finally:
        workbook.close()
    for rule in mapping.rules:
        if rule.label == "Group ID":
            rule.constant, rule.note = FOREIGN_GROUP, "every route of the export goes here"
        if rule.label == "Route Status":
            rule.values, rule.note = {"Paused": "inactive"}, "the vendor's Paused"
    write_mapping(mapping, path, FOREIGN.name)


def main() -> None:
    save_if_changed(write_valid, ROOT / "samples" / "routes.xlsx")
    folder = ROOT / "samples" / "invalid"
    save_if_changed(lambda path: write_invalid(path.parent, path.name), folder / "routes.xlsx")
    write_invalid_text(folder)
    save_if_changed(write_hidden, folder / "routes-hidden.xlsx")
    save_if_changed(write_hidden_sheet, folder / "routes-hidden-sheet.xlsx")
    import samples_account as more

    more.write_audio(ROOT / "samples")
    save_if_changed(more.write_new_account, ROOT / "samples" / "new-account.xlsx")
    more.write_recipients(ROOT / "samples" / "new-account-recipients.csv")
    for name, rows in more.invalid_rows().items():
        save_if_changed(
            lambda path, n=name, r=rows: more.write_invalid(path, n, r), folder / f"{name}.xlsx"
        )
    for name, rows in more.SAMPLES.items():
        save_if_changed(
            lambda path, n=name, r=rows: more.write_book(path, {n: r}),
            ROOT / "samples" / f"{name}.xlsx",
        )
    save_if_changed(write_foreign_mapping, FOREIGN.with_name("calltrack-export.mapping.xlsx"))
    print("wrote samples/ and samples/invalid/")


if __name__ == "__main__":
    main()
