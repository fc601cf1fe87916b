"""Phone numbers (CLI name `numbers`): order an exact number, order N numbers found by a
search (area code, state, digits it contains), or release a number the account reserved.

The requests are CONTRACT.md section 3's assumed shapes, kept here once:
search `GET /phone-numbers/available`, order `POST /phone-numbers {phone_number,
org_unit_id}`, release `DELETE /phone-numbers/reserved/{phone_number}`, and the account's
numbers at `GET /phone-numbers/assigned` and `/phone-numbers/provisioned`.

Ordering spends money: it is irreversible, a run holding an order asks first, and an order
whose answer was lost is looked up among the account's numbers, never sent again. The
results show which numbers a row obtained (Resource ID), and `ref:Numbers!<Reference>`
gives another sheet the number a row ordered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from bulkops.model.schema import Column, Kind, Resource
from bulkops.resources.common import STATE_NAMES, US_STATES, group_column, text
from bulkops.resources.numbers.orders import MAX_QUANTITY, OrderBody, execute, owned_numbers

if TYPE_CHECKING:
    from bulkops.model.record import RowRecord

__all__ = ["NUMBERS", "RESOURCE"]


def _area_code(value: Any) -> tuple[str, str] | None:
    if len(value) == 3 and value[0] in "23456789":
        return None
    return ("invalid-type", f"'{value}' is not an area code: 3 digits, not starting with 0 or 1")


def _contains(value: Any) -> tuple[str, str] | None:
    if 1 <= len(value) <= 7:
        return None
    return ("invalid-type", f"'{value}' is not 1 to 7 digits (the number's last 7 digits)")


_ORDER = frozenset({"order"})

_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "Phone Number",
        "phone_number",
        Kind.PHONE,
        "The exact number to order or release (10 digits). Leave blank to order numbers "
        "found by Area Code, State or Contains.",
        example="",
        required=frozenset({"release"}),
    ),
    group_column("org_unit_id", "the numbers are ordered for", _ORDER),
    Column(
        "Quantity",
        "quantity",
        Kind.INTEGER,
        f"How many numbers like these the group should hold (1 to {MAX_QUANTITY}); blank: "
        "1. A run orders only what the group lacks, so running the sheet again orders "
        "nothing.",
        example=1,
        minimum=1,
        maximum=MAX_QUANTITY,
    ),
    Column(
        "Area Code",
        "area_code",
        Kind.DIGITS,
        "Order numbers in this area code (3 digits).",
        example="404",
        check=_area_code,
    ),
    Column(
        "State",
        "state",
        Kind.CHOICE,
        "Order numbers of this state (two-letter code).",
        example="GA",
        choices=US_STATES,
        choice_aliases=STATE_NAMES,
    ),
    Column(
        "Contains",
        "contains",
        Kind.DIGITS,
        "Order numbers whose last 7 digits contain these digits (a vanity pattern).",
        example="555",
        check=_contains,
    ),
    Column(
        "Number Type",
        "number_type",
        Kind.CHOICE,
        "local or tollfree; blank: local.",
        example="local",
        choices=("local", "tollfree"),
        choice_aliases={"toll_free": "tollfree"},
    ),
    text(
        "Reference",
        "reference",
        "Your name for the number this row orders, so other sheets can use it before it "
        "is known: ref:Numbers!<Reference>. Not sent to the API.",
        "sunrise-main",
        max_length=100,
    ),
)


_SEARCH: Final = ("quantity", "area_code", "state", "contains")


def _needs_search(record: RowRecord) -> list[tuple[str, str, str]]:
    if record.action != "order":
        return []
    given = {c.path for c in record.values}
    if "phone_number" in given:  # an exact order: a search's cells do nothing
        return [
            (
                "ignored-value",
                path,
                f"{NUMBERS.by_path[path].label} is not used when Phone Number is given (the "
                "exact number is ordered): clear one of them",
            )
            for path in _SEARCH
            if path in given
        ]
    given |= {c.path for c in NUMBERS.columns if any(p.column == c.label for p in record.problems)}
    if "phone_number" in given or given & {"area_code", "state", "contains"}:
        return []  # (a search cell filled but wrong is reported there)
    return [
        (
            "missing-search",
            "phone_number",
            "order needs a Phone Number, or an Area Code, State or Contains to search by: "
            "fill one of them",
        )
    ]


NUMBERS: Final = Resource(
    name="numbers",
    sheet="Numbers",
    title="Phone numbers",
    base_path="/phone-numbers",
    id_column=Column(
        "Number ID",
        "phone_number_id",
        Kind.INTEGER,
        "The id the API gives a number when it is ordered. Not needed: rows find numbers "
        "by Phone Number.",
        example="",
        minimum=1,
    ),
    columns=_COLUMNS,
    groups=(),
    rules=(),
    actions=("order", "release", "skip"),
    default_action="order",
    key_paths=("phone_number",),
    alt_keys=("reference",),
    body_model=OrderBody,
    keyless=frozenset({"order", "release"}),
    finds="Phone Number; a search row, by the numbers its group holds like those it "
    "describes (Reference only names the row for ref:Numbers!<Reference>)",
    irreversible=frozenset({"order"}),
    checks=(_needs_search,),
    executor=execute,
    prefetch=owned_numbers,
    order=30,
    provides="ordered",
    description="Tracking numbers: order them (exact, or by area code, state or pattern) "
    "or release them.",
    notes=(
        "A blank Action means order. Ordering spends money: a run that orders asks for "
        "confirmation first (or --yes).",
        "Order an exact number with Phone Number, or leave it blank and give Area Code, "
        "State or Contains (and Quantity) to order numbers a search finds.",
        "The results' Resource ID lists the numbers a row obtained.",
        "A row describes what the group holds: a number already the account's, or a group "
        "that already holds Quantity numbers like these, is 'unchanged'. An order whose "
        "answer was lost is looked up, never sent twice.",
        "release gives a reserved number back; a number with a route must lose its route first.",
        "Give a row a Reference to use its number in other sheets: ref:Numbers!<Reference>.",
        "On the wire: Area Code, State, Contains and Number Type are the query of GET "
        "/phone-numbers/available; an order is POST /phone-numbers {phone_number, "
        "org_unit_id}; a release is DELETE /phone-numbers/reserved/{number}.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = NUMBERS
