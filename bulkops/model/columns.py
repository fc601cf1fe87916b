"""A resource's columns: each a spreadsheet column bound to one API path, with everything
the template, validation, payload builder and docs derive from it; the actions a row can
name; list groups and cross-field rules. (`bulkops.model.schema.Resource` holds them.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Final

__all__ = [
    "ACTIONS",
    "ACTION_ALIASES",
    "MISSING",
    "Column",
    "Finder",
    "Kind",
    "ListGroup",
    "Rule",
    "Wire",
    "header_key",
    "parse_path",
]

#: Every action a row can name; a resource offers a subset.
ACTIONS: Final = ("create", "update", "replace", "upsert", "delete", "order", "release", "skip")

#: Friendly spellings of actions, after lower-casing.
ACTION_ALIASES: Final = {
    "add": "create",
    "new": "create",
    "insert": "create",
    "edit": "update",
    "patch": "update",
    "modify": "update",
    "put": "replace",
    "remove": "delete",
    "ignore": "skip",
    "buy": "order",
    "purchase": "order",
}


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: A column default meaning "leave out of a full body" (the API's own default applies).
MISSING: Final = _Missing()


class Kind(StrEnum):
    """What a cell holds, as the user sees it."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    PHONE = "phone"
    CHOICE = "choice"
    ID_LIST = "id list"
    DIGITS = "digits"
    DATETIME = "date-time"
    EMAIL = "email"
    TIMEZONE = "time zone"
    PHONE_LIST = "phone list"
    #: the name of a file beside the workbook (read from its folder, never outside it)
    FILE = "file"


class Wire(StrEnum):
    """How a typed value is written into the JSON body."""

    NATIVE = "native"  # as is: str, int, float, bool, list
    STRING = "string"  # a count sent as a string of digits: 3 -> "3"
    FLAG = "flag"  # a boolean sent as "1" / "0"


_PATH_PART = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def parse_path(path: str) -> tuple[tuple[str, int | None], ...]:
    """'a.b[2].c' -> (('a', None), ('b', 2), ('c', None)); positions stay 1-based."""
    parts = []
    for piece in path.split("."):
        match = _PATH_PART.match(piece)
        if match is None:
            raise ValueError(f"bad column path {path!r}")
        name, index = match.groups()
        parts.append((name, int(index) if index else None))
    return tuple(parts)


def header_key(text: str) -> str:
    """Header matching ignores case, spaces, '_' and '-' (and a '*' marking required)."""
    return re.sub(r"[\s_\-*]", "", text).lower()


@dataclass(frozen=True)
class Finder:
    """How an object of a kind is found by the text a cell gives (a group's name path, a
    user's username, an industry's name) in what the account lists: declared once by the
    resource (or look-up table) it finds, and named by every column that accepts it."""

    #: the kind of object, as columns' `refers` name it ('groups')
    kind: str
    #: one object, as messages name it ('group')
    noun: str
    #: the listing that holds them
    listing: str
    #: the listed field that holds an object's id
    id_field: str
    #: listed fields any of which may equal the text, case aside
    name_fields: tuple[str, ...]
    #: the sheet that creates them in a workbook (`ref:Groups!…` names it)
    sheet: str = ""
    #: names form paths ('Acme/West'): the field holding the parent's id
    parent_field: str | None = None
    #: an external id, tried before the names
    alt_field: str | None = None
    #: ask the listing for one text at a time, by this filter (not the whole list once)
    query: str | None = None
    #: the listing is one answer (a table of a few dozen), not pages
    single_page: bool = False
    #: the other ways to give such an object, said when a text finds none
    otherwise: str = "give its id"
    #: suggest the closest name when a text finds none
    suggest: bool = False


@dataclass(frozen=True, eq=False)  # identity: columns are dict keys on the hot path
class Column:
    """One spreadsheet column bound to one API path.

    `required` names the actions that need the cell filled. `default` is what a `replace`
    row sends for a blank cell (`MISSING`: leave it out). `emit` turns the typed value into
    the key/values written at the path's parent (one phone number -> three fields).
    """

    label: str
    path: str
    kind: Kind
    description: str
    example: Any = None
    required: frozenset[str] = frozenset()
    choices: tuple[str, ...] = ()
    choice_aliases: Mapping[str, str] = field(default_factory=dict)
    default: Any = MISSING
    wire: Wire = Wire.NATIVE
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    clear_value: Any = MISSING  # what #CLEAR sends; MISSING: this field cannot be cleared
    create_only: bool = False
    #: a blank cell on a replace row keeps the object's current value (a PUT would reset it)
    kept_blank: bool = False
    emit: Callable[[str, Any], dict[str, Any]] | None = None
    #: for a reference to another object: the item path a dry run GETs to check it exists
    ref: str | None = None
    #: the resource whose object this cell names: it may then hold `ref:<Sheet>!<key>` (a
    #: row of the same workbook) or, where the resource can be found by name, a name
    refers: str | None = None
    #: how a name in this cell is found in the account (None: ids and `ref:` only)
    finder: Finder | None = None
    #: (column path, value): the cell names an object only when that column of the row
    #: holds that value (a whisper message is a prompt when Whisper Type is 'file');
    #: otherwise it is text as typed, and a `ref:` in it is a problem
    refers_if: tuple[str, Any] | None = None
    #: a further check of the typed value: None, or (problem code, message)
    check: Callable[[Any], tuple[str, str] | None] | None = None
    #: the object takes this number for itself (a route's tracking number): a migration
    #: to another account orders one like it there (numbers cannot move between accounts)
    takes_number: bool = False
    #: the ids a list of ids holds are of this kind (a route's SMS users): a migration
    #: rewrites each through the ledger, as it does a cell its `finder` finds
    id_of: Finder | None = None

    @cached_property
    def parts(self) -> tuple[tuple[str, int | None], ...]:
        return parse_path(self.path)

    @property
    def leaf(self) -> str:
        return self.parts[-1][0]

    @property
    def type_name(self) -> str:
        """The type shown in the catalogue."""
        return self.kind.value

    def to_wire(self, value: Any) -> Any:
        if value is None:
            return None
        if self.wire is Wire.STRING:
            return str(value)
        if self.wire is Wire.FLAG:
            return "1" if value else "0"
        return value

    def value_in(self, document: Any, missing: Any = None) -> Any:
        """This column's value in a body-shaped object (list positions followed), or
        `missing` where it has none."""
        node = document
        for name, position in self.parts:
            if not isinstance(node, dict) or name not in node:
                return missing
            node = node[name]
            if position is not None:
                if not isinstance(node, list) or len(node) < position:
                    return missing
                node = node[position - 1]
        return node

    def emitted(self, value: Any) -> dict[str, Any]:
        """The key/values this column writes into its parent object."""
        if self.emit is not None:
            return self.emit(self.leaf, value)
        return {self.leaf: self.to_wire(value)}


@dataclass(frozen=True)
class ListGroup:
    """A list of objects flattened into numbered column groups ('Overflow 1 Number' …).

    `order_field` is filled with the 1-based position; `defaults` complete an item whose
    other cells are filled; `needs` are the fields without which an item is incomplete.
    """

    path: str
    maximum: int
    needs: tuple[str, ...]
    order_field: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: when `when` is on, `then` must be filled (code names the rule)."""

    code: str
    when: tuple[str, ...]
    then: str
    message: str
    #: the value of a `when` cell that switches the rule on (a Yes, unless given)
    equals: Any = True
