"""The routes sheet's numbered column groups: custom sources, overflow numbers and hunt
destinations, each a list of objects in the body."""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import MISSING, Column, Kind, ListGroup, Wire
from bulkops.resources.routes.fields import CONFIG
from bulkops.validation.cells import display_phone

__all__ = ["GROUPS", "HUNT_MAX", "LIST_COLUMNS", "OVERFLOW_MAX", "SOURCE_MAX"]

#: How many numbered column groups the sheet offers for each list of objects.
OVERFLOW_MAX: Final = 5
HUNT_MAX: Final = 10
SOURCE_MAX: Final = 5

_OVERFLOW = f"{CONFIG}.overflowNumbers"
_HUNT = f"{CONFIG}.hunt_options.options"
_SOURCES = "customSourceList"


def _overflow_number(_leaf: str, digits: Any) -> dict[str, Any]:
    # One number typed by the user: the API wants its display form and the bare digits twice.
    return {"number": display_phone(digits), "unmaskNumber": digits, "overflowNumber": digits}


def _source_columns(position: int) -> tuple[Column, ...]:
    first = position == 1
    return (
        Column(
            f"Custom Source {position} ID",
            f"{_SOURCES}[{position}].custom_source_id",
            Kind.DIGITS,
            f"Custom source {position}: the source's id (digits). Write #CLEAR in Custom "
            "Source 1 ID to remove every custom source.",
            example="1080" if first else "",
            clear_value=[] if first else MISSING,
        ),
        Column(
            f"Custom Source {position} Type",
            f"{_SOURCES}[{position}].custom_source_type",
            Kind.CHOICE,
            f"Custom source {position}: which custom source slot (CS1-CS5) it fills.",
            example="CS1" if first else "",
            choices=tuple(f"CS{n}" for n in range(1, 6)),
        ),
    )


def _overflow_columns(position: int) -> tuple[Column, ...]:
    first = position == 1
    return (
        Column(
            f"Overflow {position} Number",
            f"{_OVERFLOW}[{position}].number",
            Kind.PHONE,
            f"Overflow number {position}: tried, in order, when the Ring To Number does not "
            "answer. Write #CLEAR in Overflow 1 Number to remove every overflow number.",
            example="4045550110" if first else "",
            clear_value=[] if first else MISSING,
            emit=_overflow_number,
        ),
        Column(
            f"Overflow {position} Rings",
            f"{_OVERFLOW}[{position}].rings",
            Kind.INTEGER,
            f"Rings before overflow number {position} gives up (blank: 3).",
            example=3 if first else "",
            wire=Wire.STRING,
            minimum=1,
            maximum=20,
        ),
    )


def _hunt_column(position: int) -> Column:
    return Column(
        f"Hunt {position} Destination",
        f"{_HUNT}[{position}].destination",
        Kind.PHONE,
        f"Hunt destination {position}: a 10-digit number, rung in the Hunt Type's order. "
        "Write #CLEAR in Hunt 1 Destination to remove every destination.",
        example={1: "4045550111", 2: "4045550112"}.get(position, ""),
        clear_value=[] if position == 1 else MISSING,
    )


SOURCE_COLUMNS: Final = tuple(c for n in range(1, SOURCE_MAX + 1) for c in _source_columns(n))
OVERFLOW_COLUMNS: Final = tuple(c for n in range(1, OVERFLOW_MAX + 1) for c in _overflow_columns(n))
HUNT_COLUMNS: Final = (
    Column(
        "Hunt Type",
        f"{CONFIG}.hunt_options.type",
        Kind.CHOICE,
        "The order hunt destinations are rung in.",
        example="round_robin",
        choices=("round_robin", "sequential"),
        default="round_robin",
    ),
    *(_hunt_column(n) for n in range(1, HUNT_MAX + 1)),
)
LIST_COLUMNS: Final = (*SOURCE_COLUMNS, *OVERFLOW_COLUMNS, *HUNT_COLUMNS)

GROUPS: Final = (
    ListGroup(
        _SOURCES,
        SOURCE_MAX,
        needs=("custom_source_id", "custom_source_type"),
        label="Custom sources",
    ),
    ListGroup(
        _OVERFLOW,
        OVERFLOW_MAX,
        needs=("number",),
        order_field="overflow_order",
        defaults={"rings": "3"},
        label="Overflow numbers",
    ),
    ListGroup(
        _HUNT, HUNT_MAX, needs=("destination",), order_field="order", label="Hunt destinations"
    ),
)
