"""The resource layer's vocabulary: a `Resource` is a list of `Column`s, each a spreadsheet
column bound to one API path, with everything the template, validation, payload builder and
docs derive from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Final

from pydantic import BaseModel

__all__ = [
    "ACTIONS",
    "MISSING",
    "Column",
    "Kind",
    "ListGroup",
    "Resource",
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
    emit: Callable[[str, Any], dict[str, Any]] | None = None
    #: for a reference to another object: the item path a dry run GETs to check it exists
    ref: str | None = None
    #: the resource whose object this cell names: it may then hold `ref:<Sheet>!<key>` (a
    #: row of the same workbook) or, where the resource can be found by name, a name
    refers: str | None = None
    #: a further check of the typed value: None, or (problem code, message)
    check: Callable[[Any], tuple[str, str] | None] | None = None

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


@dataclass(frozen=True)
class Resource:
    """A resource: its sheet, its columns, its actions, how rows find existing objects."""

    name: str
    sheet: str
    title: str
    base_path: str
    id_column: Column
    columns: tuple[Column, ...]
    groups: tuple[ListGroup, ...]
    rules: tuple[Rule, ...]
    actions: tuple[str, ...]
    default_action: str
    key_paths: tuple[str, ...]
    #: the body on the wire as a strict pydantic model; every built body must validate
    body_model: type[BaseModel]
    #: whether the API refuses a second object with the same natural key (then a create
    #: that was not found after a lost answer may be sent again: a duplicate would be 409)
    unique_on_server: bool = False
    #: actions that cannot be undone (send messages, spend money): a run holding any needs
    #: confirmation, and they are never retried after an ambiguous failure
    irreversible: frozenset[str] = frozenset()
    description: str = ""
    notes: tuple[str, ...] = ()
    #: where the list of objects is (None: `base_path`) and the key of the new id in a
    #: create's answer (None: the id column's path)
    list_path: str | None = None
    answer_key: str | None = None
    #: further natural keys, tried in order after `key_paths` (e.g. an external id)
    alt_keys: tuple[str, ...] = ()
    #: actions beyond create whose rows need no id nor natural key (ordering numbers)
    keyless: frozenset[str] = frozenset()
    #: whether an object may hold others of its kind (groups): a delete refused while it
    #: does is tried again once the sheet's other deletes went
    nested: bool = False
    #: how rows find their object, when not by the keys alone (docs and catalogue)
    finds: str = ""
    #: whether the alternate keys are tried before `key_paths` (groups: external id first)
    alt_first: bool = False
    #: an object as the API lists it -> the shape of a body (the GET mapping the
    #: comparisons and exports use); None: the listing is already body-shaped
    from_api: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: position in the dependency order of a workbook's sheets (groups before users ...)
    order: int = 100
    #: (column path, value): rows holding this value are irreversible too (a broadcast
    #: whose Status is 'scheduled' sends messages)
    irreversible_if: tuple[str, str] | None = None
    #: a row's own executor, for resources that are not plain CRUD (phone numbers), and
    #: what it lists at the start of a run (async, given the runner)
    executor: Callable[..., Any] | None = None
    prefetch: Callable[..., Any] | None = None
    #: row checks beyond `rules`: record -> [(problem code, column path, message)]
    checks: tuple[Callable[[Any], list[tuple[str, str, str]]], ...] = ()
    #: a dry run's further checks of a row it would send: async (runner, record,
    #: operation) -> problems, and a note on the body (a message's SMS segments)
    vet: Callable[..., Any] | None = None
    describe: Callable[[dict[str, Any]], str] | None = None

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        """The id column, then the field columns (the Action column is separate)."""
        return (self.id_column, *self.columns)

    @cached_property
    def by_path(self) -> dict[str, Column]:
        return {c.path: c for c in self.all_columns}

    @cached_property
    def by_header(self) -> dict[str, Column]:
        """Lookup of a user's header by label or path, normalised with `header_key`."""
        index: dict[str, Column] = {}
        for column in self.all_columns:
            index[header_key(column.label)] = column
            index[header_key(column.path)] = column
            # the bare leaf name ('ringto') is accepted when it names one column only
            leaf = header_key(column.leaf)
            if "[" not in column.path and leaf not in index:
                index[leaf] = column
        return index

    @cached_property
    def _groups_by_column(self) -> dict[Column, tuple[ListGroup, int]]:
        found: dict[Column, tuple[ListGroup, int]] = {}
        for column in self.columns:
            for group in self.groups:
                prefix = group.path + "["
                if column.path.startswith(prefix):
                    end = column.path.index("]", len(prefix))
                    found[column] = (group, int(column.path[len(prefix) : end]))
        return found

    def group_of(self, column: Column) -> tuple[ListGroup, int] | None:
        """The list group a column belongs to, and its 1-based position."""
        return self._groups_by_column.get(column)

    def group_columns(self, group: ListGroup, position: int) -> tuple[Column, ...]:
        """The columns of one position of a list group."""
        return tuple(c for c, gp in self._groups_by_column.items() if gp == (group, position))

    @property
    def listing(self) -> str:
        return self.list_path or self.base_path

    @property
    def created_key(self) -> str:
        return self.answer_key or self.id_key

    def shaped(self, item: dict[str, Any]) -> dict[str, Any]:
        """A listed object in body shape (ids kept)."""
        return self.from_api(item) if self.from_api is not None else item

    def is_irreversible(self, action: str, values: Mapping[Column, Any]) -> bool:
        if action in self.irreversible:
            return True
        if self.irreversible_if is None or action in ("delete", "skip"):
            return False
        path, wanted = self.irreversible_if
        return values.get(self.by_path[path]) == wanted

    def required_for(self, action: str) -> tuple[Column, ...]:
        return tuple(c for c in self.all_columns if action in c.required)

    @property
    def id_key(self) -> str:
        """The id's name in the API's answers (the id column's path)."""
        return self.id_column.path

    def column_for_field(self, field: str) -> Column | None:
        """The column behind an API error's field path ('a.b[0].c', 0-based positions), so
        the results can point at the cell the API refused."""
        path = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", field.strip())
        whole = re.sub(r"\[\d+\]$", "", path)  # one item of a ';' list cell
        for candidate in (path, whole):
            if candidate in self.by_path:
                return self.by_path[candidate]
        parent, _, leaf = path.rpartition(".")
        # a key one column emits under another name (overflow 'unmaskNumber' -> 'number')
        for column in self.columns:
            sibling = column.emit is not None and column.path.rpartition(".")[0] == parent
            if sibling and column.emit and leaf in column.emit(column.leaf, "0000000000"):
                return column
        # a whole list item or list ('overflowNumbers[1]'): its first column
        for column in self.columns:
            if column.path.startswith(path + ".") or column.path.startswith(path + "["):
                return column
        return None
