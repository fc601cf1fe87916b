"""Generic collection handlers: list (filters, paging), get, create, PUT, PATCH, delete,
with the contract checks every resource shares (types, references, scope, roles, unique
natural keys). Resources with more to them add hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bulkops.sandbox.context import ApiError, Context, Route, route
from bulkops.sandbox.contract import F, check, known

__all__ = [
    "MAX_LIMIT",
    "Collection",
    "clone",
    "exists",
    "filtered",
    "merge",
    "page",
    "parse_id",
]

MAX_LIMIT = 200


def parse_id(context: Context, name: str = "id") -> int:
    raw = context.params[name]
    try:
        return int(raw)
    except ValueError:
        raise ApiError(404, f"no such id '{raw}'") from None


def exists(context: Context) -> Callable[[str, Any], bool]:
    """The reference checker `check` calls: does `value` exist in `table` of the account?"""

    def found(table: str, value: Any) -> bool:
        if table == "group":
            group = context.store.get("groups", value)
            return group is not None and group.get("org_unit_status") != "deleted"
        if table == "user":
            user = context.store.get("users", value)
            return user is not None and user.get("user_status") != "deleted"
        tables = {"webhook": "webhooks", "voice_agent": "voice_agents", "industry": "industries",
                  "ad_source": "ad_sources", "media_prompt": "media_prompts"}  # fmt: skip
        return context.store.get(tables[table], value) is not None

    return found


def clone(value: Any) -> Any:
    """A copy of JSON data (dicts, lists, scalars): several times faster than deepcopy."""
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) for item in value]
    return value


def merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH semantics: objects merge key by key, everything else (lists too) is replaced."""
    result: dict[str, Any] = clone(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = clone(value)
    return result


def page(context: Context, items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """`limit`/`offset` paging (limit 1-200, default 100) into `{key: [...], total}`; a
    page holds at most the variant's cap, and `total` is there as the variant says."""
    limit = min(context.query_int("limit", 100, 1, MAX_LIMIT), context.sandbox.variants.cap)
    offset = context.query_int("offset", 0, 0)
    answer: dict[str, Any] = {key: items[offset : offset + limit]}
    if context.sandbox.variants.total == "yes":
        answer["total"] = len(items)
    return answer


def filtered(
    context: Context, items: list[dict[str, Any]], parameter: str, value: Any
) -> list[dict[str, Any]]:
    """`items` kept by the list filter `parameter` (as the variant reads filters); a
    filter not given keeps all."""
    wanted = context.request.query.get(parameter)
    if not wanted:
        return items
    match = context.sandbox.variants.matches
    return [item for item in items if match(wanted, value(item))]


@dataclass
class Collection:
    """A resource stored as records in `table`, served under `base`.

    `natural_key` makes a 409 of a second object with the same key; `defaults` are what PUT
    resets omitted fields to (and what a create starts from); `answer_key` names the new
    id in a create's `data`; hooks check or complete what the generic part cannot.
    """

    table: str
    base: str
    id_key: str
    list_key: str
    spec: Mapping[str, F]
    answer_key: str
    noun: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    natural_key: Callable[[dict[str, Any]], tuple[Any, ...] | None] | None = None
    key_text: str = "name"
    id_start: int = 1
    admin_only: bool = False
    search: Mapping[str, str] = field(default_factory=dict)
    scope_field: str = "org_unit_id"
    kept: tuple[str, ...] = ()
    always_unique: bool = False
    name_field: str | None = None
    #: listed under a name key no client knows in the `names=hidden` variant
    name_hideable: bool = False
    check_more: Callable[[Context, dict[str, Any], str], list[dict[str, str]]] | None = None
    before_store: Callable[[Context, dict[str, Any], dict[str, Any] | None], None] | None = None
    after_delete: Callable[[Context, dict[str, Any]], None] | None = None
    shown: Callable[[Context, dict[str, Any]], dict[str, Any]] | None = None
    #: how the list shows a record when it shows less than GET of one (None: `shown`)
    listed: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def routes(self) -> list[Route]:
        item = f"/v3{self.base}/{{id}}"
        return [
            route("GET", f"/v3{self.base}", self.list),
            route("POST", f"/v3{self.base}", self.create),
            route("GET", item, self.get),
            route("PUT", item, self.replace),
            route("PATCH", item, self.update),
            route("DELETE", item, self.delete),
        ]

    # -- reading -----------------------------------------------------------------------

    def _show(
        self, context: Context, record: dict[str, Any], listing: bool = False
    ) -> dict[str, Any]:
        if listing and self.listed is not None:
            shown = self.listed(record)
        else:
            shown = self.shown(context, record) if self.shown else record
        names = context.sandbox.variants.names
        if self.name_field and names == "short":
            shown = {("name" if k == self.name_field else k): v for k, v in shown.items()}
        elif self.name_field and names == "hidden" and self.name_hideable:
            shown = {("title" if k == self.name_field else k): v for k, v in shown.items()}
        return shown

    def visible(self, context: Context) -> list[dict[str, Any]]:
        """The records the caller may see, by id (parsed once per change of the table)."""
        assert context.user is not None
        store = context.store

        def make() -> list[dict[str, Any]]:
            scope = context.scope()
            seen = [r for r in store.records(self.table)
                    if r.get(self.scope_field) is None or r[self.scope_field] in scope]  # fmt: skip
            seen.sort(key=lambda r: r[self.id_key])
            return seen

        key = (context.user["ct_user_ou_id"], store.versions.get("groups", 0))
        return list(store.memo(self.table, key, make))

    def list(self, context: Context) -> tuple[int, Any]:
        items = self.visible(context)
        for parameter, field_name in self.search.items():
            items = filtered(context, items, parameter, lambda r, f=field_name: r.get(f))
        wanted_ou = context.request.query.get("org_unit_id")
        if wanted_ou:
            ou = _int(wanted_ou, "org_unit_id")
            context.require_scope(ou)
            items = [r for r in items if r.get(self.scope_field) == ou]
        answer = page(context, items, self.list_key)  # shown after paging: 200, not all
        answer[self.list_key] = [
            self._show(context, r, listing=True) for r in answer[self.list_key]
        ]
        return 200, answer

    def find(self, context: Context) -> dict[str, Any]:
        key = parse_id(context)
        record = context.store.get(self.table, key)
        if record is None or record.get(self.scope_field) not in (None, *context.scope()):
            raise ApiError(404, f"no {self.noun} with id {key}")
        return record

    def get(self, context: Context) -> tuple[int, Any]:
        return 200, self._show(context, self.find(context))

    # -- writing -----------------------------------------------------------------------

    def _validate(self, context: Context, body: Any, method: str) -> dict[str, Any]:
        unknown = context.sandbox.variants.unknown_fields == "refuse"
        errors = check(
            body, self.spec, partial=method == "PATCH", exists=exists(context), unknown=unknown
        )
        if self.check_more is not None and isinstance(body, dict):
            # the extra checks see bodies whose parts may be of the wrong type: they guard
            reported = {e["field"] for e in errors}
            errors += [e for e in self.check_more(context, body, method)
                       if e["field"] not in reported]  # fmt: skip
        if errors:
            raise ApiError(400, f"the {self.noun} is not valid", errors)
        assert isinstance(body, dict)
        kept = known(body, self.spec)  # what it does not know is dropped
        if self.scope_field in kept:
            context.require_scope(kept[self.scope_field], self.scope_field)
        return kept

    def _unique(self, context: Context, record: dict[str, Any], own: Any = None) -> None:
        unique = self.always_unique or context.sandbox.variants.unique == "names"
        if self.natural_key is None or not unique:
            return
        key = self.natural_key(record)
        if key is None:
            return
        context.store.index(self.table, "natural", self.natural_key)
        others = context.store.lookup(self.table, "natural", key) - {own}
        if others:
            raise ApiError(
                409,
                f"a {self.noun} with this {self.key_text} already exists "
                f"({self.id_key} {min(others)})",
            )

    def create(self, context: Context) -> tuple[int, Any]:
        context.require_write(self.admin_only)
        body = self._validate(context, context.json(), "POST")
        record = merge(dict(self.defaults), body)
        self._unique(context, record)
        if self.before_store is not None:
            self.before_store(context, record, None)
        key = context.store.next_id(self.table, self.id_start)
        record[self.id_key] = key
        record["created_on"] = record["updated_on"] = context.now
        context.store.put(self.table, key, record)
        context.committed = True
        answer_key = context.sandbox.variants.id_key(self.answer_key)
        return 200, {answer_key: key, "message": f"{self.noun.capitalize()} created"}

    def replace(self, context: Context) -> tuple[int, Any]:
        context.require_write(self.admin_only)
        old = self.find(context)
        body = self._validate(context, context.json(), "PUT")
        # PUT is a full replacement: every omitted field goes back to its default
        record = merge(dict(self.defaults), body)
        return self._save(context, old, record)

    def update(self, context: Context) -> tuple[int, Any]:
        context.require_write(self.admin_only)
        old = self.find(context)
        body = self._validate(context, context.json(), "PATCH")
        if context.sandbox.variants.patch == "replace":
            # each top-level object sent replaces the stored one whole: what it omits goes
            # back to its default (the reading of PATCH that wipes nested settings)
            whole = {
                key: merge(self.defaults.get(key) or {}, value) if isinstance(value, dict)
                else value
                for key, value in body.items()
            }  # fmt: skip
            return self._save(context, old, {**old, **whole})
        return self._save(context, old, merge(old, body))

    def _save(
        self, context: Context, old: dict[str, Any], record: dict[str, Any]
    ) -> tuple[int, Any]:
        for kept in (self.id_key, "created_on", *self.kept):
            if kept in old and kept not in record:
                record[kept] = old[kept]
        self._unique(context, record, old[self.id_key])
        if self.before_store is not None:
            self.before_store(context, record, old)
        record["updated_on"] = context.now
        context.store.put(self.table, old[self.id_key], record)
        context.committed = True
        return 200, {
            context.sandbox.variants.id_key(self.answer_key): old[self.id_key],
            "message": f"{self.noun.capitalize()} updated",
        }

    def delete(self, context: Context) -> tuple[int, Any]:
        context.require_write(self.admin_only)
        record = self.find(context)
        context.store.remove(self.table, record[self.id_key])
        context.committed = True
        if self.after_delete is not None:
            self.after_delete(context, record)
        return 200, {
            context.sandbox.variants.id_key(self.answer_key): record[self.id_key],
            "message": f"{self.noun.capitalize()} deleted",
        }


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer", [
            {"field": name, "message": "must be an integer"}]) from None  # fmt: skip
