"""Samples of the resources beyond routes, and the new-account workbook that provisions one
customer in one run (groups, users, numbers, routes, a draft broadcast).

Called by scripts/samples.py; rows are given by column label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from bulkops.output.templates import header_labels, write_templates
from bulkops.resources import get_resource

Rows = list[dict[str, Any]]
EXPECTED = "Expected Problem"


def _labels(name: str) -> list[str]:
    return [label.rstrip(" *") for label in header_labels(get_resource(name))]


def _line(name: str, cells: dict[str, Any]) -> list[Any]:
    labels = _labels(name)
    row: list[Any] = [""] * len(labels)
    for key, value in cells.items():
        row[labels.index(key)] = value
    return row


def write_book(path: Path, sheets: dict[str, Rows]) -> None:
    """A workbook laid out as `bulkops template` writes it (notes, dropdowns,
    Instructions), holding `sheets` (resource name -> rows)."""
    resources = [get_resource(name) for name in sheets]
    write_templates(resources, path)
    book = load_workbook(path)
    for name, rows in sheets.items():
        sheet = book[get_resource(name).sheet]
        sheet.delete_rows(2)  # the template's example row
        for cells in rows:
            sheet.append(_line(name, cells))
    book.save(path)


def write_invalid(path: Path, name: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """One row per problem code, the code in an extra column (itself an unknown column)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = get_resource(name).sheet
    sheet.append([*_labels(name), EXPECTED])
    for code, cells in rows:
        sheet.append([*_line(name, cells), code])
    book.save(path)


# -- the new customer: Sunrise Smiles, three offices each side of town -----------------

_TOP = "Peachtree Dental Group"  # the demo account's top group


def _group(
    name: str, parent: str, ext: str, city: str, zip_code: str, **more: Any
) -> dict[str, Any]:
    return {
        "Action": "create",
        "Group Name": name,
        "Parent Group": parent,
        "External ID": ext,
        "City": city,
        "State": "GA",
        "ZIP": zip_code,
        "Industry": "Dental",
        **more,
    }


NEW_GROUPS: Rows = [
    _group(
        "Sunrise Smiles",
        _TOP,
        "sunrise",
        "Atlanta",
        "30309",
        Address="1200 Peachtree St NE",
        Timezone="America/New_York",
        **{"Phone Number": "4045550300"},
    ),
    _group("Sunrise Smiles - West", "ref:Groups!sunrise", "sunrise-west", "Marietta", "30060"),
    _group("Sunrise Smiles - East", "ref:Groups!sunrise", "sunrise-east", "Decatur", "30030"),
    _group("Midtown Office", "ref:Groups!sunrise", "sunrise-midtown", "Atlanta", "30309"),
    _group("Marietta Office", "ref:Groups!sunrise-west", "sunrise-marietta", "Marietta", "30060"),
    # a parent given by its name path, as an account manager would type it
    _group(
        "Smyrna Office", "Sunrise Smiles/Sunrise Smiles - West", "sunrise-smyrna", "Smyrna", "30080"
    ),
    _group("Decatur Office", "ref:Groups!sunrise-east", "sunrise-decatur", "Decatur", "30030"),
    _group("Tucker Office", "ref:Groups!sunrise-east", "sunrise-tucker", "Tucker", "30084"),
]


def _user(email: str, first: str, last: str, group: str, role: str, **more: Any) -> dict[str, Any]:
    return {
        "Action": "create",
        "Username": f"{email}@sunrisesmiles.example",
        "First Name": first,
        "Last Name": last,
        "Group": group,
        "Role": role,
        "Timezone": "America/New_York",
        **more,
    }


_OFFICES = ("midtown", "marietta", "smyrna", "decatur", "tucker")
_DESK = {
    "midtown": ("Ana", "Reyes", "4045550311"),
    "marietta": ("Ben", "Carter", "7705550312"),
    "smyrna": ("Chloe", "Nguyen", "7705550313"),
    "decatur": ("Dev", "Patel", "4705550314"),
    "tucker": ("Ella", "Brooks", "6785550315"),
}

NEW_USERS: Rows = [
    _user(
        "maria.lopez",
        "Maria",
        "Lopez",
        "ref:Groups!sunrise",
        "Admin",
        **{"External ID": "emp-1001"},
    ),
    _user(
        "james.west",
        "James",
        "Okafor",
        "ref:Groups!sunrise-west",
        "Standard",
        **{"External ID": "emp-1002"},
    ),
    _user(
        "priya.east",
        "Priya",
        "Shah",
        "ref:Groups!sunrise-east",
        "Standard",
        **{"External ID": "emp-1003"},
    ),
    *(
        _user(
            f"frontdesk.{office}",
            first,
            last,
            f"ref:Groups!sunrise-{office}",
            "Standard",
            **{
                "Agent Ring To": ring,
                "Agent Code": 2000 + n,
                "Score Calls": "Yes",
                "Access Audio": "Yes",
            },
        )
        for n, (office, (first, last, ring)) in enumerate(_DESK.items(), start=1)
    ),
    _user("hygiene.midtown", "Hana", "Kim", "ref:Groups!sunrise-midtown", "Standard"),
    _user("hygiene.decatur", "Omar", "Haddad", "ref:Groups!sunrise-decatur", "Standard"),
    _user("hygiene.marietta", "Sofia", "Rossi", "ref:Groups!sunrise-marietta", "Standard"),
    _user("books", "Grace", "Miller", "ref:Groups!sunrise", "ReadOnly", **{"Access Audio": "No"}),
]

_AREA = {"midtown": "404", "marietta": "770", "smyrna": "770", "decatur": "470", "tucker": "678"}

NEW_NUMBERS: Rows = [
    *(
        {
            "Action": "order",
            "Group": f"ref:Groups!sunrise-{office}",
            "Area Code": area,
            "Reference": f"{office}-main",
        }
        for office, area in _AREA.items()
    ),
    {
        "Action": "order",
        "Phone Number": "4045550250",
        "Group": "ref:Groups!sunrise",
        "Reference": "sunrise-text",
    },
    {
        "Action": "order",
        "Group": "ref:Groups!sunrise",
        "Area Code": "404",
        "Contains": "27",
        "Quantity": 2,
    },
]

NEW_WEBHOOKS: Rows = [
    {
        "Action": "create",
        "Webhook Name": "Sunrise call log",
        "Group": "ref:Groups!sunrise",
        "URL": "https://hooks.sunrisesmiles.example/calls",
        "Type": "post_call",
        "Static Field 1 Key": "practice",
        "Static Field 1 Value": "sunrise",
    },
]

NEW_VOICE_AGENTS: Rows = [
    {
        "Action": "create",
        "Agent Name": "Sunrise after-hours",
        "Group": "ref:Groups!sunrise",
        "Language": "en-US",
        "Greeting": "Thanks for calling Sunrise Smiles! Our offices are closed right now.",
        "Instructions": "Take the caller's name and number and offer the next free visit.",
        "Transfer Number": "4045550300",
    },
]

NEW_PROMPTS: Rows = [
    {
        "Action": "create",
        "Prompt Name": "Sunrise greeting",
        "Group": "ref:Groups!sunrise",
        "Audio File": "audio/welcome.wav",
    },
]

NEW_ROUTES: Rows = [
    *(
        {
            "Action": "create",
            "Route Name": f"{office.title()} Office - Google Ads",
            "Route Status": "active",
            "Group ID": f"ref:Groups!sunrise-{office}",
            "Tracking Number": f"ref:Numbers!{office}-main",
            "Ring To Number": ring,
            "Record Calls": "Yes",
            "Whisper Enabled": "Yes",
            "Whisper Type": "text",
            "Whisper Message": "Google Ads caller",
            "Assigned Agent ID": f"ref:Users!frontdesk.{office}@sunrisesmiles.example",
            "Webhook ID": "ref:Webhooks!Sunrise call log",
            "Caller Message Enabled": "Yes",
            "Caller Message Type": "file",
            "Caller Message": "ref:Prompts!Sunrise greeting",
            "Voice Agent ID": "ref:Voice Agents!Sunrise after-hours",
        }
        for office, (_, _, ring) in _DESK.items()
    ),
    {
        "Action": "create",
        "Route Name": "Sunrise Smiles - Text Line",
        "Route Status": "active",
        "Group ID": "ref:Groups!sunrise",
        "Tracking Number": "ref:Numbers!sunrise-text",
        "Ring To Number": "4045550300",
        "Record Calls": "Yes",
        "SMS Forwarding": "Yes",
    },
]

NEW_BROADCASTS: Rows = [
    {
        "Action": "create",
        "Broadcast Name": "Grand opening",
        "Group": "ref:Groups!sunrise",
        "From Number": "ref:Numbers!sunrise-text",
        "Message": "Sunrise Smiles opens 5 offices across Atlanta on Monday! Book a free "
        "first visit: reply YES and we will call you. Reply STOP to opt out.",
        "Recipients": "new-account-recipients.csv",
        "Status": "draft",
    },
]


def write_new_account(path: Path) -> None:
    write_book(
        path,
        {
            "groups": NEW_GROUPS,
            "users": NEW_USERS,
            "webhooks": NEW_WEBHOOKS,
            "voice-agents": NEW_VOICE_AGENTS,
            "prompts": NEW_PROMPTS,
            "numbers": NEW_NUMBERS,
            "routes": NEW_ROUTES,
            "broadcasts": NEW_BROADCASTS,
        },
    )


def write_recipients(path: Path) -> None:
    lines = ["phone"] + [f"404555{n:04d}" for n in range(401, 441)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- one sample per resource, each green on the demo account alone ----------------------

GROUPS: Rows = [
    {
        "Action": "create",
        "Group Name": "Alpharetta Dental",
        "Parent Group": "North Georgia",
        "External ID": "store-031",
        "City": "Alpharetta",
        "State": "GA",
        "ZIP": "30009",
        "Industry": "Dental",
        "Timezone": "America/New_York",
    },
    {
        "Action": "create",
        "Group Name": "Alpharetta Ortho",
        "Parent Group": "Peachtree Dental Group/North Georgia/Alpharetta Dental",
        "External ID": "store-032",
        "City": "Alpharetta",
        "State": "GA",
    },
    {
        "Action": "create",
        "Group Name": "Savannah Dental",
        "Parent Group": 70000,
        "External ID": "store-040",
        "City": "Savannah",
        "State": "GA",
        "Industry": "dental",
        "Phone Number": "(912) 555-0140",
    },
    {"Action": "update", "Group ID": 70036, "Address": "950 W Peachtree St NW", "ZIP": "30309"},
    {
        "Action": "upsert",
        "Group Name": "Buckhead Ortho",
        "Parent Group": "Atlanta Metro",
        "City": "Atlanta",
        "Industry": "Healthcare",
    },
    {"Action": "delete", "Group ID": 70042},
    {"Action": "skip", "Group Name": "Athens Dental (opens in spring)", "Parent Group": 70000},
]

USERS: Rows = [
    {
        "Action": "create",
        "Username": "nina.frost@peachtreedental.example",
        "First Name": "Nina",
        "Last Name": "Frost",
        "Group": "Downtown Dental",
        "Role": "Standard",
        "Timezone": "America/New_York",
        "Agent Ring To": "4045550161",
        "Agent Code": 3101,
    },
    {
        "Action": "create",
        "Username": "leo.marsh@peachtreedental.example",
        "First Name": "Leo",
        "Last Name": "Marsh",
        "Group": "Atlanta Metro/Midtown Dental",
        "Role": "read only",
        "External ID": "emp-2002",
    },
    {
        "Action": "create",
        "Username": "ivy.chen@peachtreedental.example",
        "First Name": "Ivy",
        "Last Name": "Chen",
        "Group": 70002,
        "Role": "Admin",
        "Score Calls": "Yes",
        "Access Audio": "Yes",
    },
    {"Action": "update", "User ID": 7849, "Timezone": "America/Chicago", "Agent Code": 1042},
    {
        "Action": "upsert",
        "Username": "readonly@demo.bulkops.test",
        "First Name": "Riley",
        "Last Name": "Readonly",
        "Group": 70000,
        "Role": "ReadOnly",
        "Access Audio": "No",
    },
    {"Action": "delete", "Username": "frontdesk@demo.bulkops.test"},
]

NUMBERS: Rows = [
    {
        "Action": "order",
        "Phone Number": "4045550255",
        "Group": "Downtown Dental",
        "Reference": "downtown-spring",
    },
    {"Action": "order", "Group": "Midtown Dental", "Area Code": "404", "Quantity": 3},
    {"Action": "order", "Group": "North Georgia", "State": "GA", "Contains": "28"},
    {"Action": "order", "Group": 70000, "Number Type": "tollfree", "Area Code": "888"},
    {"Action": "release", "Phone Number": "7705550150"},
]

BROADCASTS: Rows = [
    {
        "Action": "create",
        "Broadcast Name": "December recall",
        "Group": "Downtown Dental",
        "From Number": "4045550120",
        "Message": "Hi from Downtown Dental! It's time for your 6-month cleaning. Reply YES to "
        "book, STOP to opt out.",
        "Recipients": "4045550401; 4045550402; (404) 555-0403",
    },
    {
        "Action": "create",
        "Broadcast Name": "Holiday hours",
        "Group": 70035,
        "From Number": "4045550120",
        "Message": "Downtown Dental is closed Dec 24-26. Happy holidays! 🎄",
        "Recipients": "new-account-recipients.csv",
        "Status": "draft",
    },
]


WEBHOOKS: Rows = [
    {
        "Action": "create",
        "Webhook Name": "Missed-call alerts",
        "Group": "Downtown Dental",
        "URL": "https://hooks.example.com/missed",
        "Type": "post_call",
        "Static Field 1 Key": "source",
        "Static Field 1 Value": "bulkops",
    },
    {
        "Action": "create",
        "Webhook Name": "Caller lookup",
        "Group": 70035,
        "URL": "https://crm.example.com/lookup",
        "Method": "GET",
        "Type": "pre_call",
    },
    {
        "Action": "update",
        "Webhook Name": "Lead alerts",
        "Group": 70001,
        "URL": "https://hooks.example.com/leads-v2",
    },
    {"Action": "skip", "Webhook Name": "Not yet", "Group": 70035, "URL": "https://x.example"},
]

VOICE_AGENTS: Rows = [
    {
        "Action": "create",
        "Agent Name": "Weekend receptionist",
        "Group": "Downtown Dental",
        "Voice": "alloy",
        "Language": "en-US",
        "Greeting": "Thanks for calling Downtown Dental! We are closed for the weekend.",
        "Instructions": "Take a message and offer the first appointment on Monday.",
        "Transfer Number": "4045550123",
    },
    {
        "Action": "create",
        "Agent Name": "Línea en español",
        "Group": 70035,
        "Voice": "nova",
        "Language": "es-MX",
        "Greeting": "Gracias por llamar a Downtown Dental.",
    },
    {
        "Action": "update",
        "Agent Name": "Appointment booker",
        "Group": 70000,
        "Greeting": "Thanks for calling! I can book your visit.",
    },
]

TAGS: Rows = [
    {"Action": "create", "Tag Name": "Insurance question"},
    {"Action": "create", "Tag Name": "Referral", "Group": 70035},
    {"Action": "update", "Tag ID": 502, "Tag Name": "Urgent"},
    {"Action": "update", "Tag Name": "Billing", "Group": "Downtown Dental"},
    {"Action": "delete", "Tag Name": "New patient"},
]

PROMPTS: Rows = [
    {
        "Action": "create",
        "Prompt Name": "Sunrise welcome",
        "Group": 70035,
        "Audio File": "audio/welcome.wav",
    },
    {
        "Action": "create",
        "Prompt Name": "After-hours greeting",
        "Audio File": "audio/after-hours.wav",
    },
    {"Action": "delete", "Prompt Name": "Welcome message"},
    {"Action": "skip", "Prompt Name": "Hold music", "Audio File": "audio/hold.wav"},
]


def _tone(seconds: float, hertz: int) -> bytes:
    """A short sine tone as 8 kHz 16-bit mono PCM frames."""
    import math
    import struct

    rate = 8000
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hertz * n / rate)))
        for n in range(int(rate * seconds))
    )


def write_audio(folder: Path) -> None:
    """The sample prompts' audio files, and the files the invalid prompts rows name."""
    import wave

    audio = folder / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    for name, hertz in (("welcome.wav", 440), ("after-hours.wav", 330)):
        with wave.open(str(audio / name), "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(8000)
            sound.writeframes(_tone(0.25, hertz))
    wrong = folder / "invalid" / "audio"
    wrong.mkdir(parents=True, exist_ok=True)
    (wrong / "notes.txt").write_text("not audio\n", encoding="utf-8")
    (wrong / "renamed.wav").write_text("a text file renamed .wav\n", encoding="utf-8")
    (wrong / "greeting.wav").write_bytes((audio / "welcome.wav").read_bytes())


#: samples/<resource>.xlsx of every resource but routes (scripts/samples.py has routes')
SAMPLES: dict[str, Rows] = {
    "groups": GROUPS,
    "users": USERS,
    "webhooks": WEBHOOKS,
    "voice-agents": VOICE_AGENTS,
    "tags": TAGS,
    "prompts": PROMPTS,
    "numbers": NUMBERS,
    "broadcasts": BROADCASTS,
}


# -- invalid samples: one row per problem code ------------------------------------------


def invalid_rows() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    group = {"Action": "create", "Group Name": "G", "Parent Group": 70000}
    user = {
        "Action": "create",
        "Username": "u@x.example",
        "First Name": "U",
        "Last Name": "V",
        "Group": 70035,
        "Role": "Standard",
    }
    order = {"Action": "order", "Group": 70035, "Area Code": "404"}
    text = {
        "Action": "create",
        "Broadcast Name": "B",
        "Group": 70035,
        "From Number": "4045550120",
        "Message": "Hi",
        "Recipients": "4045550401",
    }
    hook = {
        "Action": "create",
        "Webhook Name": "W",
        "Group": 70035,
        "URL": "https://hooks.example.com/w",
    }
    agent = {"Action": "create", "Agent Name": "A", "Group": 70035}
    tag = {"Action": "create", "Tag Name": "T"}
    prompt = {"Action": "create", "Prompt Name": "P", "Audio File": "audio/greeting.wav"}
    return {
        "prompts": [
            ("local-file", {**prompt, "Prompt Name": "P1", "Audio File": "audio/nope.wav"}),
            ("local-file", {**prompt, "Prompt Name": "P2", "Audio File": "../routes.xlsx"}),
            ("audio-file", {**prompt, "Prompt Name": "P3", "Audio File": "audio/notes.txt"}),
            ("audio-file", {**prompt, "Prompt Name": "P4", "Audio File": "audio/renamed.wav"}),
            ("required-value", {**prompt, "Prompt Name": "P5", "Audio File": ""}),
            ("invalid-action", {**prompt, "Prompt Name": "P6", "Action": "update"}),
            ("missing-key", {"Action": "delete", "Group": 70035}),
            ("", {**prompt, "Prompt Name": "Twice"}),
            ("duplicate-key", {**prompt, "Prompt Name": "Twice"}),
        ],
        "webhooks": [
            ("invalid-type", {**hook, "Webhook Name": "W1", "URL": "http://hooks.example.com"}),
            ("invalid-choice", {**hook, "Webhook Name": "W2", "Method": "PUT"}),
            ("required-value", {**hook, "Webhook Name": "W3", "URL": ""}),
            (
                "list-gap",
                {
                    **hook,
                    "Webhook Name": "W4",
                    "Static Field 2 Key": "a",
                    "Static Field 2 Value": "b",
                },
            ),
            ("list-item-incomplete", {**hook, "Webhook Name": "W5", "Static Field 1 Key": "a"}),
            ("invalid-reference", {**hook, "Webhook Name": "W6", "Group": "ref:Groups"}),
            ("too-long", {**hook, "Webhook Name": "W" * 256}),
            ("missing-key", {"Action": "update", "URL": "https://hooks.example.com/x"}),
            ("", {**hook, "Webhook Name": "Twice"}),
            ("duplicate-key", {**hook, "Webhook Name": "Twice"}),
        ],
        "voice-agents": [
            ("invalid-type", {**agent, "Agent Name": "A1", "Language": "english"}),
            ("invalid-phone", {**agent, "Agent Name": "A2", "Transfer Number": "12345"}),
            ("invalid-choice", {**agent, "Agent Name": "A3", "Status": "paused"}),
            ("required-value", {**agent, "Agent Name": ""}),
            ("too-long", {**agent, "Agent Name": "A4", "Voice": "v" * 101}),
            ("missing-key", {"Action": "delete", "Voice": "alloy"}),
        ],
        "tags": [
            ("required-value", {**tag, "Tag Name": "", "Group": 70035}),
            ("invalid-action", {**tag, "Tag Name": "T1", "Action": "replace"}),
            ("too-long", {**tag, "Tag Name": "T" * 101}),
            ("missing-key", {"Action": "delete", "Group": 70035}),
            ("", {**tag, "Tag Name": "Twice"}),
            ("duplicate-key", {**tag, "Tag Name": "Twice"}),
        ],
        "groups": [
            ("invalid-choice", {**group, "Group Name": "G1", "State": "Goergia"}),
            ("invalid-type", {**group, "Group Name": "G2", "ZIP": "3030"}),
            ("invalid-timezone", {**group, "Group Name": "G3", "Timezone": "Eastern"}),
            ("invalid-reference", {**group, "Group Name": "G4", "Parent Group": "ref:Groups"}),
            ("required-value", {**group, "Group Name": ""}),
            ("missing-key", {"Action": "update", "City": "Atlanta"}),
            ("", {**group, "Group Name": "Twice"}),
            ("duplicate-key", {**group, "Group Name": "Twice"}),
        ],
        "users": [
            ("invalid-email", {**user, "Username": "maria.lopez"}),
            ("invalid-choice", {**user, "Username": "a@x.example", "Role": "Manager"}),
            ("invalid-timezone", {**user, "Username": "b@x.example", "Timezone": "EST5"}),
            (
                "undialable-phone",
                {**user, "Username": "c@x.example", "Agent Ring To": "1115550100"},
            ),
            ("out-of-range", {**user, "Username": "d@x.example", "Agent Code": -1}),
            ("invalid-clear", {**user, "Username": "e@x.example", "Role": "#CLEAR"}),
            ("required-value", {**user, "Username": "f@x.example", "Last Name": ""}),
        ],
        "numbers": [
            ("missing-search", {"Action": "order", "Group": 70035}),
            ("invalid-type", {**order, "Area Code": "12"}),
            ("invalid-choice", {**order, "Number Type": "mobile"}),
            ("out-of-range", {**order, "Quantity": 500}),
            ("required-value", {"Action": "release"}),
            ("invalid-action", {**order, "Action": "rent"}),
            ("ignored-value", {**order, "Phone Number": "4045550250"}),
        ],
        "broadcasts": [
            (
                "invalid-datetime",
                {
                    **text,
                    "Broadcast Name": "B1",
                    "Scheduled At": "2027-01-05 09:00",
                    "Status": "scheduled",
                },
            ),
            (
                "past-datetime",
                {
                    **text,
                    "Broadcast Name": "B2",
                    "Scheduled At": "2020-01-05 09:00 America/New_York",
                    "Status": "scheduled",
                },
            ),
            ("scheduled-without-time", {**text, "Broadcast Name": "B3", "Status": "scheduled"}),
            ("recipients-file", {**text, "Broadcast Name": "B4", "Recipients": "nobody.csv"}),
            ("too-long", {**text, "Broadcast Name": "B5", "Message": "x" * 1601}),
            ("invalid-phone", {**text, "Broadcast Name": "B6", "Recipients": "4045550401; 12"}),
        ],
    }
