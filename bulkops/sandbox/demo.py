"""The seeded demo account: a dental group with three levels of groups, users of every role,
webhooks, voice agents, media prompts, tags, industries, ad sources, a number inventory
and a few routes. It holds every object the vendor's example body refers to (org unit
70035, webhook 1, voice agent 683, users 84784 and 7849, media prompts
qLMcUEqb_1660813454043 and fBiYF5MG_1674141425479) and those the samples use."""

from __future__ import annotations

import copy
from typing import Any, Final

from bulkops.sandbox.clock import iso
from bulkops.sandbox.passwords import hash_password
from bulkops.sandbox.specs import ROUTE_DEFAULTS
from bulkops.sandbox.store import Store

__all__ = ["DEMO_ADMIN", "DEMO_PASSWORD", "DEMO_USERS", "reserve_numbers", "seed_demo"]

DEMO_PASSWORD: Final = "demo-password"
DEMO_ADMIN: Final = "admin@demo.bulkops.test"
#: (id, email, first, last, role_id, group)
DEMO_USERS: Final = (
    (84784, DEMO_ADMIN, "Dana", "Admin", 1, 70000),
    (7849, "standard@demo.bulkops.test", "Sam", "Standard", 2, 70001),
    (7850, "readonly@demo.bulkops.test", "Riley", "Readonly", 3, 70000),
    (7851, "frontdesk@demo.bulkops.test", "Frankie", "Desk", 2, 70035),
    (99001, "admin@other.bulkops.test", "Olive", "Other", 1, 90000),
    # an empty account (its top group and its admin, nothing else): where migrations land
    (99501, "admin@target.bulkops.test", "Tara", "Target", 1, 95000),
)
_GROUPS: Final = (
    # id, name, parent, city
    (70000, "Peachtree Dental Group", None, "Atlanta"),
    (70001, "Atlanta Metro", 70000, "Atlanta"),
    (70002, "North Georgia", 70000, "Marietta"),
    (70035, "Downtown Dental", 70001, "Atlanta"),
    (70036, "Midtown Dental", 70001, "Atlanta"),
    (70037, "Buckhead Ortho", 70001, "Atlanta"),
    (70038, "Decatur Family Care", 70001, "Decatur"),
    (70039, "Marietta Vision", 70002, "Marietta"),
    (70040, "Smyrna Dental", 70002, "Smyrna"),
    (70041, "Roswell Dental", 70002, "Roswell"),
    (70042, "Kennesaw Pediatrics", 70002, "Kennesaw"),
    (90000, "Other Customer Inc", None, "Chicago"),
    (90001, "Other Customer West", 90000, "Denver"),
    (95000, "Target Dental Partners", None, "Austin"),
)
_AREAS: Final = (
    ("404", "GA", "Atlanta"), ("470", "GA", "Atlanta"), ("678", "GA", "Atlanta"),
    ("770", "GA", "Marietta"), ("212", "NY", "New York"), ("312", "IL", "Chicago"),
    ("415", "CA", "San Francisco"), ("512", "TX", "Austin"),
)  # fmt: skip
_TOLL_FREE: Final = ("800", "888", "877")
#: numbers the account already ordered (the samples create routes on these)
_RESERVED: Final = ("40455501", "67855501", "47055501", "77055501", "77055501")
_EXISTING_ROUTES: Final = (
    # id, name, group, tracking number, ring to
    (12001, "Downtown Dental - Bing", 70035, "4045550190", "4045550123"),
    (12002, "Midtown Dental - Yelp", 70036, "4045550191", "4045550140"),
    (12003, "Smyrna Dental - Google Ads", 70040, "7705550192", "7705550170"),
    (12004, "Buckhead Ortho - Facebook", 70037, "6785550193", "6785550190"),
    (12005, "Decatur Family Care - Yelp", 70038, "4705550194", "4705550199"),
    (12006, "Marietta Vision - Facebook", 70039, "7705550195", "7705550188"),
    (12007, "Roswell Dental - Google", 70041, "7705550196", "7705550160"),
    (12008, "Roswell Dental - Facebook", 70041, "7705550197", "7705550160"),
    (12009, "Kennesaw Pediatrics - Radio", 70042, "7705550198", "7705550151"),
    (12010, "Kept as is for now", 70035, "4045550199", "4045550123"),
    (12011, "Old Promo - Summer 2025", 70035, "4045550189", "4045550123"),
    (12345, "Route 1", 70035, "4045550188", "1111111111"),
)


def _number(digits: str, kind: str, state: str, city: str) -> dict[str, Any]:
    return {"phone_number": digits, "number_type": kind, "state": state, "city": city,
            "status": "available", "org_unit_id": None, "phone_number_id": None,
            "sms_enabled": kind == "local"}  # fmt: skip


def seed_demo(store: Store, now: float) -> None:
    """Fill an empty store with the demo account."""
    stamp = iso(now)
    for group_id, name, parent, city in _GROUPS:
        top = group_id if parent is None else (70000 if group_id < 90000 else 90000)
        store.put("groups", group_id, {
            "org_unit_id": group_id, "org_unit_name": name, "org_unit_parent_id": parent,
            "org_unit_ext_id": f"ext-{group_id}", "org_unit_status": "active",
            "top_ou_id": top, "billing_id": top, "address": None, "city": city,
            "state": {90000: "IL", 95000: "TX"}.get(top, "GA"), "zip": None, "phone_number": None,
            "industry_id": 1, "industry_name": "Dental", "timezone": "America/New_York",
            "created_on": stamp, "updated_on": stamp})  # fmt: skip
    for user_id, email, first, last, role, group in DEMO_USERS:
        salt = f"salt-{user_id}"
        store.put("users", user_id, {
            "ct_user_id": user_id, "username": email, "first_name": first, "last_name": last,
            "role_id": role, "ct_user_ou_id": group, "user_status": "active",
            "user_ext_id": f"emp-{user_id}", "timezone": "America/New_York",
            "agent_ring_to": None, "agent_code": None, "score_call": False,
            "access_audio": True, "password_salt": salt,
            "password_hash": hash_password(DEMO_PASSWORD, salt),
            "created_on": stamp, "updated_on": stamp})  # fmt: skip
    for key, names in (
        ("industries", [(i, n) for i, n in enumerate(
            ("Dental", "Healthcare", "Automotive", "Legal", "Home Services", "Real Estate"), 1)]),
        ("ad_sources", [(i, n) for i, n in enumerate(
            ("Google Ads", "Facebook", "Bing", "Yelp", "Direct Mail", "Radio", "Billboard"), 1)]),
    ):  # fmt: skip
        noun = "industry" if key == "industries" else "ad_source"
        for reference, name in names:
            store.put(key, reference, {f"{noun}_id": reference, f"{noun}_name": name})
    for webhook_id, name, group in ((1, "CRM post-call", 70000), (2, "Lead alerts", 70001)):
        store.put("webhooks", webhook_id, {
            "webhook_id": webhook_id, "webhook_name": name, "org_unit_id": group,
            "webhook_url": f"https://hooks.example.com/{webhook_id}", "method": "POST",
            "webhook_type": "post_call", "status": "active", "static_fields": [],
            "created_on": stamp, "updated_on": stamp})  # fmt: skip
    for agent_id, name in ((683, "After-hours receptionist"), (684, "Appointment booker")):
        store.put("voice_agents", agent_id, {
            "voice_agent_id": agent_id, "agent_name": name, "org_unit_id": 70000,
            "voice": "alloy", "language": "en-US", "greeting": "Thanks for calling!",
            "instructions": "Book appointments.", "transfer_number": "4045550123",
            "status": "active", "created_on": stamp, "updated_on": stamp})  # fmt: skip
    for prompt_id, name in (("qLMcUEqb_1660813454043", "FTC recording notice"),
                            ("fBiYF5MG_1674141425479", "Welcome message")):  # fmt: skip
        store.put("media_prompts", prompt_id, {
            "prompt_id": prompt_id, "prompt_name": name, "org_unit_id": 70000,
            "file_name": f"{name.lower().replace(' ', '-')}.wav", "size": 48_000,
            "created_on": stamp})  # fmt: skip
    for tag_id, name in ((501, "New patient"), (502, "Emergency"), (503, "Billing")):
        store.put("tags", tag_id, {"tag_id": tag_id, "tag_name": name, "org_unit_id": 70000,
                                   "created_on": stamp, "updated_on": stamp})  # fmt: skip
    for area, state, city in _AREAS:
        for line in range(100, 300):
            digits = f"{area}555{line:04d}"
            store.put("numbers", digits, _number(digits, "local", state, city))
    for area in _TOLL_FREE:
        for line in range(100, 150):
            digits = f"{area}555{line:04d}"
            store.put("numbers", digits, _number(digits, "tollfree", "", ""))
    next_number = 4001
    for prefix in dict.fromkeys(_RESERVED):
        for suffix in range(100):
            ordered = f"{prefix}{suffix:02d}"
            found = store.get("numbers", ordered)
            if found is not None:
                found.update(status="reserved", org_unit_id=70000, phone_number_id=next_number)
                next_number += 1
                store.put("numbers", ordered, found)
    store.counters["numbers"] = next_number
    for route_id, name, group, tracking, ring_to in _EXISTING_ROUTES:
        route = copy.deepcopy(ROUTE_DEFAULTS)
        route.update(provisioned_route_id=route_id, provisioned_route_name=name,
                     org_unit_id=group, phone_number=tracking,
                     created_on=stamp, updated_on=stamp)  # fmt: skip
        route["routing_configuration"]["config"]["ringto"] = ring_to
        if route_id == 12004:  # a route with a whisper, for the samples to switch off
            route["routing_configuration"]["config"].update(
                whisper_enabled=True, whisper_type="text", whisper_message="Ortho line"
            )
        if route_id == 12005:  # a webhook and SMS users, for the samples to clear
            route["webhook_id"] = 1
            route["sms_settings"]["assigned_users"] = [84784, 7849]
        store.put("routes", route_id, route)
        used = store.get("numbers", tracking)
        if used is not None:
            used["status"] = "provisioned"
            store.put("numbers", tracking, used)
    for table, start in (("routes", 20000), ("groups", 80000), ("users", 90000),
                         ("webhooks", 100), ("voice_agents", 700), ("tags", 600)):  # fmt: skip
        store.counters[table] = start


def reserve_numbers(store: Store, numbers: list[str], org_unit_id: int = 70000) -> None:
    """Give the account more ordered (reserved) numbers, e.g. one per row of a large
    rehearsal: each can then be a new route's tracking number."""
    first = store.counters.get("numbers", 4000) + 1
    for offset, digits in enumerate(numbers):
        store.put(
            "numbers",
            digits,
            {
                **_number(digits, "local", "GA", "Atlanta"),
                "status": "reserved",
                "org_unit_id": org_unit_id,
                "phone_number_id": first + offset,
            },
        )
    store.counters["numbers"] = first + len(numbers)
