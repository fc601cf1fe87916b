"""Every body bulkops builds satisfies the strict wire model of the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bulkops.io.tables import open_workbook
from bulkops.model.payload import build_body
from bulkops.model.schema import Column, Kind
from bulkops.resources import get_resource
from bulkops.resources.routes import RouteBody
from bulkops.validation import validate_sheet
from tests.conftest import DATA, ROOT, as_given, wire_differences, write_csv

ROUTES = get_resource("routes")


def bodies(path: Path) -> list[tuple[str, dict[str, Any]]]:
    book = open_workbook(path)
    built = []
    for name in book.sheet_names:
        if name == "Instructions":
            continue
        for record in validate_sheet(ROUTES, book.sheet(name)).records():
            if record.valid and record.action not in ("skip", "delete"):
                body = build_body(ROUTES, record.action, as_given(record.values))
                built.append((record.action, body))
    return built


def test_seed_body_is_valid_on_the_wire() -> None:
    """The vendor's own example validates, so the model is no stricter than the contract."""
    body = json.loads((DATA / "seed_route_put.json").read_text())
    dumped = RouteBody.model_validate(body).model_dump(exclude_unset=True)
    assert wire_differences(dumped, body) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("routing_configuration", "config", "ftc_whisper_enabled"), True),
        (("routing_configuration", "config", "voicemail_rings_count"), 3),
        (("routing_configuration", "config", "whisper_enabled"), "1"),
        (("routing_configuration", "config", "ringto"), "111111111"),
        (("sms_settings", "assigned_users"), ["84784"]),
        (("provisioned_route_statu",), "active"),
        (("routing_configuration", "config", "voice_agent_id"), None),
        (("routing_configuration", "config", "voice_agent_id"), "683"),
        (("ad_source_id",), None),
        (("call_value",), True),
        (("org_unit_id",), "70035"),
    ],
)
def test_wrong_wire_types_are_refused(path: tuple[str, ...], value: object) -> None:
    """A boolean where the wire wants '1', a number where it wants '3', a typo'd key…"""
    body = json.loads((DATA / "seed_route_put.json").read_text())
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError):
        RouteBody.model_validate(body)


def test_every_sample_and_template_body_is_valid_on_the_wire() -> None:
    """Each create, update and replace row of the samples and templates builds a valid body."""
    built = [
        *bodies(ROOT / "samples" / "routes.xlsx"),
        *bodies(ROOT / "templates" / "routes.xlsx"),
        *bodies(ROOT / "templates" / "routes.csv"),
    ]
    assert {action for action, _ in built} == {"create", "update", "replace", "upsert"}
    for _, body in built:
        RouteBody.model_validate(body)


def _cell(column: Column) -> st.SearchStrategy[str]:
    """Text a person could type in the column that validation accepts."""
    digits = st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True)
    low = int(column.minimum or 0)
    high = int(column.maximum or 100_000)
    strategies: dict[Kind, st.SearchStrategy[str]] = {
        Kind.TEXT: st.text(
            st.characters(codec="utf-8", exclude_categories=("C", "Z")), min_size=1, max_size=30
        ).filter(lambda t: t.upper() != "#CLEAR"),
        Kind.INTEGER: st.integers(low, high).map(str),
        Kind.NUMBER: st.integers(low, high).map(str),
        Kind.BOOLEAN: st.sampled_from(["Yes", "No", "TRUE", "false", "y", "0"]),
        Kind.PHONE: digits.map(lambda d: f"({d[:3]}) {d[3:6]}-{d[6:]}"),
        Kind.CHOICE: st.sampled_from([c for c in column.choices if c] or [""]),
        Kind.ID_LIST: st.lists(st.integers(1, 10**6), min_size=1, max_size=4).map(
            lambda ids: "; ".join(map(str, ids))
        ),
        Kind.DIGITS: st.integers(0, 10**6).map(str),
    }
    return strategies[column.kind]


_LISTED = {c for c in ROUTES.columns if ROUTES.group_of(c) is not None}
_SCALARS = [c for c in ROUTES.columns if c not in _LISTED and not c.create_only]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), action=st.sampled_from(["update", "replace", "create"]))
def test_random_valid_rows_build_valid_bodies(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, action: str
) -> None:
    """Any row validation accepts, with any subset of fields and list items, builds a body
    the strict wire model accepts."""
    chosen = data.draw(st.lists(st.sampled_from(_SCALARS), unique=True, max_size=25))
    cells = {c.label: data.draw(_cell(c)) for c in chosen}
    cells.update(
        {"Route Name": "R", "Group ID": "5", "Ring To Number": "4045550100",
         "Tracking Number": "4045550101", "Route ID": "9"}
    )  # fmt: skip
    for group in ROUTES.groups:
        for position in range(1, data.draw(st.integers(0, group.maximum)) + 1):
            for column in ROUTES.group_columns(group, position):
                cells[column.label] = data.draw(_cell(column))
    cells["Action"] = action
    path = write_csv(
        tmp_path_factory.mktemp("rows") / "routes.csv", [list(cells), list(cells.values())]
    )
    book = open_workbook(path)
    [record] = validate_sheet(ROUTES, book.sheet("routes")).records()
    errors = [p for p in record.problems if p.is_error]
    if errors:  # a rule row (e.g. whisper on without message): not this test's business
        assert all(p.code.endswith(("-without-message", "-without-content", "-without-id"))
                   for p in errors), errors  # fmt: skip
        return
    RouteBody.model_validate(build_body(ROUTES, action, as_given(record.values)))


def _stand_in(column: Column, value: Any) -> Any:
    """A reference as the value it resolves to: a number, or an id."""
    from bulkops.model.refs import Named, Ref

    if not isinstance(value, Ref | Named):
        return value
    return "4045550100" if column.kind is Kind.PHONE else 80001
