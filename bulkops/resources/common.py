"""Column builders the resources share: ids, names, references to groups, switches."""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import Column, Finder, Kind

__all__ = [
    "GROUPS_FINDER",
    "STATE_NAMES",
    "US_STATES",
    "group_column",
    "id_column",
    "switch",
    "text",
]

_STATE_CODES: Final = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR"
)
US_STATES: Final = tuple(_STATE_CODES.split(" "))

_NAMES: Final = (
    "alabama alaska arizona arkansas california colorado connecticut delaware "
    "district_of_columbia florida georgia hawaii idaho illinois indiana iowa kansas "
    "kentucky louisiana maine maryland massachusetts michigan minnesota mississippi "
    "missouri montana nebraska nevada new_hampshire new_jersey new_mexico new_york "
    "north_carolina north_dakota ohio oklahoma oregon pennsylvania rhode_island "
    "south_carolina south_dakota tennessee texas utah vermont virginia washington "
    "west_virginia wisconsin wyoming puerto_rico"
)
#: a state's name, as a State cell may hold it ('Georgia', 'new york') -> its code
STATE_NAMES: Final = dict(zip(_NAMES.split(" "), US_STATES, strict=True))


#: How a group is found by the text a cell gives: its external id, else its name path from
#: any level (Acme/West/Store 12). Declared here, where every group column is built; the
#: groups resource finds its own objects by it too.
GROUPS_FINDER: Final = Finder(
    kind="groups",
    noun="group",
    listing="/groups",
    id_field="org_unit_id",
    name_fields=("org_unit_name",),
    sheet="Groups",
    parent_field="org_unit_parent_id",
    alt_field="org_unit_ext_id",
    otherwise="give its id, its name path (Parent/Child), or ref:Groups!<key>",
)


def id_column(label: str, path: str, noun: str, example: Any, finds: str) -> Column:
    return Column(
        label,
        path,
        Kind.INTEGER,
        f"The {noun}'s id. Needed to update, replace or delete a {noun}, unless {finds} "
        "finds it. Ignored when creating.",
        example=example,
        minimum=1,
    )


def group_column(path: str, owner: str, required: frozenset[str], **kw: Any) -> Column:
    return Column(
        kw.pop("label", "Group"),
        path,
        Kind.INTEGER,
        f"The group (org unit) {owner}: its id, its name path (Acme/West/Store 12), its "
        "external id, or ref:Groups!<key> for a group this workbook creates.",
        example=kw.pop("example", 70035),
        required=required,
        minimum=1,
        ref="/groups/{}",
        refers="groups",
        finder=GROUPS_FINDER,
        **kw,
    )


def switch(label: str, path: str, description: str, **kw: Any) -> Column:
    example = kw.pop("example", "No")
    default = kw.pop("default", False)
    return Column(label, path, Kind.BOOLEAN, description, example=example, default=default, **kw)


def text(label: str, path: str, description: str, example: Any, **kw: Any) -> Column:
    kw.setdefault("clear_value", None)
    return Column(label, path, Kind.TEXT, description, example=example, **kw)
