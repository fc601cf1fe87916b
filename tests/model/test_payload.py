"""Rows -> JSON bodies with the exact wire types of the vendor's example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bulkops.io.tables import open_workbook
from bulkops.model.payload import build_body
from bulkops.model.refs import Named
from bulkops.resources import get_resource
from bulkops.validation import RowRecord, validate_sheet
from tests.conftest import DATA, MakeFile, as_given, wire_differences

ROUTES = get_resource("routes")

#: The seed's PUT body written the way an account manager fills the sheet: Yes/No, plain
#: numbers, a ';' list, one overflow number. tests/data/seed_route_put.json is the JSON of
#: the vendor's page (shared/seeds/000_9b0a89eea059bc75.txt).
SEED_ROW: dict[str, Any] = {
    "Action": "replace",
    "Route ID": 12345,
    "Route Name": "Updated Route 1",
    "Route Status": "Active",
    "Call Value": 10,
    "Repeat Interval": 30,
    "Group ID": 70035,
    "Webhook ID": 1,
    "SMS Forwarding": "Yes",
    "Spam Protection": "TRUE",
    "SMS Users": "84784; 7849",
    "SMS Notifications": "yes",
    "Email Notifications": "Y",
    "Unclaimed SMS": 1,
    "Custom Source 1 ID": 1080,
    "Custom Source 1 Type": "CS1",
    "Routing Type": "simple",
    "Ring To Number": 1111111111,
    "Simultaneous Ring": "No",
    "Click To Call Enabled": "No",
    "Caller ID Shown": "phone_number",
    "Voice Prompt": "Thank you for calling. Please wait while we connect your call.",
    "Whisper Enabled": "Yes",
    "Whisper Type": "file",
    "Whisper Message": "Whisper message 1",
    "FTC Whisper Enabled": "Yes",
    "FTC Whisper Type": "file",
    "FTC Whisper Message": "qLMcUEqb_1660813454043",
    "Caller Message Enabled": "Yes",
    "Caller Message Type": "file",
    "Caller Message": "fBiYF5MG_1674141425479",
    "Voicemail Enabled": "No",
    "Voicemail Greeting": "Please leave a message after the beep.",
    "Voice Agent Enabled": "Yes",
    "Outbound Dynamic Number": "No",
    "Click To Call": "Yes",
    "Play Disclaimer": "before",
    "Hold Message Enabled": "No",
    "Record Calls": "Yes",
    "Overflow 1 Number": "(111) 111-1110",
    "Overflow 1 Rings": 3,
    "Route Voice Agent Enabled": "Yes",
    "Voice Agent Rings": 3,
    "Voice Agent ID": 683,
    "Voicemail Rings": 3,
    "Hunt Type": "Round Robin",
    "Hunt 1 Destination": "1234567890",
    "Hunt 2 Destination": "0987654321",
}


def records(path: Path) -> list[RowRecord]:
    book = open_workbook(path)
    validation = validate_sheet(ROUTES, book.sheet(book.sheet_names[0]))
    return list(validation.records())


def one(make: MakeFile, cells: dict[str, Any]) -> RowRecord:
    """The row's record, its prompt names resolved as the run's look-up would: the seed
    gives prompts by id, and an id finds itself."""
    [record] = records(make([list(cells), list(cells.values())]))
    record.values = as_given(record.values)
    return record


def test_a_message_of_type_file_names_a_prompt_to_look_up(xlsx: MakeFile) -> None:
    """With Caller Message Type 'file' the message is a prompt to look up (by id or name);
    with 'text' it is the text itself; a ref: to a prompt needs the type 'file'."""
    [named] = records(xlsx([["Action", "Route ID", "Caller Message Type", "Caller Message"],
                            ["update", 12001, "file", "Welcome message"]]))  # fmt: skip
    message = ROUTES.by_path["routing_configuration.config.message"]
    assert named.values[message] == Named("prompts", "Welcome message")
    [spoken] = records(xlsx([["Action", "Route ID", "Caller Message Type", "Caller Message"],
                             ["update", 12001, "text", "Welcome message"]]))  # fmt: skip
    assert spoken.values[message] == "Welcome message"
    [wrong] = records(xlsx([["Action", "Route ID", "Caller Message Type", "Caller Message"],
                            ["update", 12001, "text", "ref:Prompts!hello"]]))  # fmt: skip
    assert [p.code for p in wrong.problems] == ["invalid-reference"]
    assert "Caller Message Type is not 'file'" in wrong.problems[0].message


def test_replace_row_from_the_seed_values_builds_the_seed_body(xlsx: MakeFile) -> None:
    """A replace row with the vendor example's values produces exactly its JSON body."""
    record = one(xlsx, SEED_ROW)
    assert [p.code for p in record.problems if p.is_error] == []
    expected = json.loads((DATA / "seed_route_put.json").read_text())
    body = build_body(ROUTES, "replace", record.values)
    assert wire_differences(body, expected) == []  # every leaf, and its JSON type
    assert record.resource_id == 12345


def test_seed_row_from_csv_builds_the_same_body(csvfile: MakeFile) -> None:
    """The same row typed into a CSV (all text) builds the same body."""
    record = one(csvfile, {k: str(v) for k, v in SEED_ROW.items()})
    expected = json.loads((DATA / "seed_route_put.json").read_text())
    assert wire_differences(build_body(ROUTES, "replace", record.values), expected) == []


def test_wire_comparison_is_strict() -> None:
    """The comparison the seed tests use tells True from 1, "3" from 3, 1.0 from 1 and
    null from an integer (== would not)."""
    assert wire_differences({"a": True}, {"a": 1}) != []
    assert wire_differences({"a": ["3"]}, {"a": [3]}) != []
    assert wire_differences({"a": 1.0}, {"a": 1}) != []
    assert wire_differences({"a": None}, {"a": 0}) != []
    assert wire_differences({"a": {"b": "1"}}, {"a": {"b": "1"}}) == []


def test_wire_types_are_the_vendors(xlsx: MakeFile) -> None:
    """Flags go as '1'/'0' strings, counts as digit strings, switches as JSON booleans."""
    body = build_body(ROUTES, "replace", one(xlsx, SEED_ROW).values)
    config = body["routing_configuration"]["config"]
    assert config["ftc_whisper_enabled"] == "1"
    assert config["message_enabled"] == "1"
    assert config["voicemail_rings_count"] == "3"
    assert config["voice_agent_rings_count"] == 3
    assert config["overflowNumbers"][0]["rings"] == "3"
    assert config["whisper_enabled"] is True
    assert body["call_value"] == 10
    assert isinstance(body["call_value"], int)


def test_replace_fills_blank_cells_with_defaults(xlsx: MakeFile) -> None:
    """A replace row with only the required cells sends every field, blanks as defaults."""
    row = {"Action": "replace", "Route ID": 9, "Route Name": "R", "Group ID": 5,
           "Ring To Number": "4045550100"}  # fmt: skip
    body = build_body(ROUTES, "replace", one(xlsx, row).values)
    config = body["routing_configuration"]["config"]
    assert body["provisioned_route_status"] == "active"
    assert body["webhook_id"] is None
    assert body["sms_settings"]["assigned_users"] == []
    assert body["customSourceList"] == []
    assert config["ftc_whisper_enabled"] == "0"
    assert config["overflowNumbers"] == []
    assert config["hunt_options"] == {"type": "round_robin", "options": []}
    assert "ad_source_id" not in body  # no documented default: the API's own applies
    assert "phone_number" not in body  # set only on create


def test_update_sends_only_filled_cells(xlsx: MakeFile) -> None:
    """An update row's body holds just what the user typed, nested where it belongs."""
    row = {"Action": "update", "Route ID": 9, "Ring To Number": "4045550100",
           "Call Value": "", "Whisper Enabled": "No"}  # fmt: skip
    body = build_body(ROUTES, "update", one(xlsx, row).values)
    assert body == {
        "routing_configuration": {"config": {"ringto": "4045550100", "whisper_enabled": False}}
    }


def test_clear_sends_the_empty_value(xlsx: MakeFile) -> None:
    """#CLEAR empties a field on purpose: null ids, empty lists, empty text."""
    row = {"Action": "update", "Route ID": 9, "Webhook ID": "#CLEAR", "SMS Users": "#clear",
           "Voice Prompt": "#CLEAR", "Overflow 1 Number": "#CLEAR"}  # fmt: skip
    record = one(xlsx, row)
    assert record.problems == []
    body = build_body(ROUTES, "update", record.values)
    assert body["webhook_id"] is None
    assert body["sms_settings"] == {"assigned_users": []}
    assert body["routing_configuration"]["config"] == {"voice_prompt": "", "overflowNumbers": []}


def test_one_overflow_number_yields_three_fields_and_positions(xlsx: MakeFile) -> None:
    """Each overflow number is sent in display and bare form, ordered by position."""
    row = {"Action": "update", "Route ID": 9, "Overflow 1 Number": "404-555-0101",
           "Overflow 2 Number": 4045550102, "Overflow 2 Rings": 5,
           "Hunt 1 Destination": "4045550103", "Hunt 2 Destination": "4045550104"}  # fmt: skip
    config = build_body(ROUTES, "update", one(xlsx, row).values)["routing_configuration"]["config"]
    assert config["overflowNumbers"] == [
        {"number": "(404)-555-0101", "unmaskNumber": "4045550101",
         "overflowNumber": "4045550101", "rings": "3", "overflow_order": 1},
        {"number": "(404)-555-0102", "unmaskNumber": "4045550102",
         "overflowNumber": "4045550102", "rings": "5", "overflow_order": 2},
    ]  # fmt: skip
    assert config["hunt_options"] == {
        "options": [{"destination": "4045550103", "order": 1},
                    {"destination": "4045550104", "order": 2}]
    }  # fmt: skip


def test_create_sends_the_whole_route_with_its_tracking_number(xlsx: MakeFile) -> None:
    """A create body is the full route (blanks as defaults) plus the tracking number."""
    row = {"Action": "create", "Route Name": "R", "Group ID": 5,
           "Tracking Number": "(404) 555-0100", "Ring To Number": "4045550101"}  # fmt: skip
    record = one(xlsx, row)
    body = build_body(ROUTES, "create", record.values)
    replace = build_body(ROUTES, "replace", record.values)
    assert body.pop("phone_number") == "4045550100"
    assert body == replace
    assert body["routing_configuration"]["config"]["ringto"] == "4045550101"
    assert body["routing_configuration"]["routing_type"] == "simple"
