"""The resource layer's vocabulary: a `Resource` is a list of `Column`s (`columns`), its
actions and keys, and the hooks through which a resource that is not plain CRUD does its
own work (`seam`). Every resource module declares one; the engine reads nothing else."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from bulkops.model.columns import (
    ACTION_ALIASES,
    ACTIONS,
    MISSING,
    Column,
    Finder,
    Kind,
    ListGroup,
    Rule,
    Wire,
    header_key,
    parse_path,
)
from bulkops.model.seam import Describe, Executor, Prefetch, Vet
from bulkops.phones import ten_digits

__all__ = [
    "ACTIONS",
    "ACTION_ALIASES",
    "MISSING",
    "Column",
    "Finder",
    "Kind",
    "ListGroup",
    "Resource",
    "Rule",
    "Wire",
    "header_key",
    "parse_path",
    "same_value",
]


def same_value(listed: Any, sent: Any) -> bool:
    """Whether a value read back equals one sent: numbers as 10 digits, date-times as
    instants, True never 1."""
    if isinstance(listed, bool) or isinstance(sent, bool):
        return listed is sent
    if isinstance(listed, str) and isinstance(sent, str) and listed != sent:
        a, b = ten_digits(listed), ten_digits(sent)
        if a == b and len(a) == 10 and a.isdigit():
            return True
        try:
            return datetime.fromisoformat(listed) == datetime.fromisoformat(sent)
        except ValueError:
            return False
    return bool(listed == sent)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _phones_in(value: Any, keys: frozenset[str]) -> Any:
    """`value` with the numbers under `keys` (at any depth) in 10 digits."""
    if isinstance(value, list):
        return [_phones_in(item, keys) for item in value]
    if not isinstance(value, dict):
        return value
    shaped: dict[str, Any] = {}
    for key, item in value.items():
        if key in keys:
            item = [ten_digits(i) for i in item] if isinstance(item, list) else ten_digits(item)
        elif isinstance(item, dict | list):
            item = _phones_in(item, keys)
        shaped[key] = item
    return shaped


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
    #: fields no two objects may share (a route's tracking number): two rows giving one
    #: value are a problem before anything is sent
    unique_values: tuple[str, ...] = ()
    #: fields the documented listing leaves out and GET of one object shows (a user's
    #: time zone): read before a live delete or replace, so the journal keeps them
    unlisted: tuple[str, ...] = ()
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
    #: how its objects are found by the text a cell gives (None: by id and `ref:` only)
    finder: Finder | None = None
    #: what a row does to give its object, as a dry run says it ("would be ordered by …")
    provides: str = "created"
    #: position in the dependency order of a workbook's sheets (groups before users ...)
    order: int = 100
    #: (column path, value): rows holding this value are irreversible too (a broadcast
    #: whose Status is 'scheduled' sends messages)
    irreversible_if: tuple[str, str] | None = None
    #: a row's own executor, for resources that are not plain CRUD (phone numbers), and
    #: what it lists at the start of a run (both given the run's `RunContext` only)
    executor: Executor | None = None
    prefetch: Prefetch | None = None
    #: row checks beyond `rules`: record -> [(problem code, column path, message)]
    checks: tuple[Callable[[Any], list[tuple[str, str, str]]], ...] = ()
    #: a dry run's further checks of a row it would send (what would make it fail), and
    #: a note on the body (a message's SMS segments)
    vet: Vet | None = None
    describe: Describe | None = None
    #: the list's filter parameter for a name (None: the name's own field, key_paths[0])
    name_filter_param: str | None = None
    #: a write the resource refuses to send, seeing the object as it is: (action,
    #: current, body) -> why (a route whose routing type bulkops does not model)
    guard: Callable[[str, dict[str, Any], dict[str, Any]], str | None] | None = None
    #: body fields that together tell one object from another when a listing shows it
    #: without a name the client knows (a broadcast: group, sender, text, time)
    fingerprint: tuple[str, ...] = ()

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

    @property
    def name_filter(self) -> str:
        return self.name_filter_param or self.key_paths[0]

    def same_fingerprint(self, item: dict[str, Any], body: dict[str, Any] | None) -> bool:
        """Whether a listed object (body-shaped) has every fingerprint field of `body`."""
        if not self.fingerprint or body is None:
            return False
        return all(
            field in body and same_value(item.get(field), body[field]) for field in self.fingerprint
        )

    @cached_property
    def phone_keys(self) -> frozenset[str]:
        """The keys that hold phone numbers in this resource's objects."""
        keys = set()
        for column in self.all_columns:
            if column.kind not in (Kind.PHONE, Kind.PHONE_LIST):
                continue
            if column.emit is None:
                keys.add(column.leaf)
                continue
            probe = "0000000000"
            keys.update(k for k, v in column.emit(column.leaf, probe).items() if v == probe)
        return frozenset(keys)

    def shaped(self, item: dict[str, Any], phones: bool = True) -> dict[str, Any]:
        """A listed object in body shape (ids kept): its phone numbers in 10 digits
        whatever form the API wrote them in (unless `phones` is False: the caller brings
        them to 10 digits itself), its name under the create field's key when the listing
        calls it plain `name`, then the resource's own mapping."""
        walk = phones and self.phone_keys
        shaped = _phones_in(item, self.phone_keys) if walk else dict(item)
        name_path = self.key_paths[0] if self.key_paths else None
        if name_path and "." not in name_path and name_path not in shaped and "name" in shaped:
            shaped[name_path] = shaped["name"]
        return self.from_api(shaped) if self.from_api is not None else shaped

    def created_id(self, data: Any) -> Any:
        """The new id in a create's (or a write's) answer, under any of the spellings
        the docs use (`userId` in examples, `ct_user_id` in prose); None when absent."""
        if not isinstance(data, dict):
            return None
        for key in self.id_spellings:
            value = data.get(key)
            if value is not None and not isinstance(value, bool | dict | list):
                return value
        return None

    @cached_property
    def id_spellings(self) -> tuple[str, ...]:
        names = dict.fromkeys((self.created_key, self.id_key))
        for name in list(names):
            names[_snake(name)] = None
            names[_camel(name)] = None
        return (*names, "id")

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
