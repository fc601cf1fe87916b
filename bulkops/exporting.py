"""`bulkops export`: the account's objects as a workbook in template form, ready to edit
and run again. Each resource is one sheet (dependency order), with exactly the template's
columns, the ID column filled and the Action `update`. References are written as a person
would type them (a group as its name path, a user as their username), wherever that text
finds exactly that object again; otherwise the id is written. A `Source` sheet says
which account, when, and which bulkops wrote it.

Pages are read under the shared rate limit and written as they arrive (xlsxwriter in
constant-memory mode), so the size of the account does not change the memory it takes.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel

from bulkops.client import ApiClient, TokenSource
from bulkops.config import Settings
from bulkops.connect import preflight
from bulkops.engine.clock import RealClock
from bulkops.engine.directory import Directory
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.retry import RetryPolicy
from bulkops.engine.runner import Failed, Runner
from bulkops.errors import BulkopsError, ConfigError, OutputError, UsageError
from bulkops.labels import ACTION_LABEL
from bulkops.listing import listed_items
from bulkops.model.schema import Column, Finder, Kind, Resource
from bulkops.output.csvbook import CsvBook
from bulkops.output.fastxlsx import FastBook
from bulkops.output.templates import header_labels
from bulkops.output.xlsxout import atomic
from bulkops.resources import RESOURCES
from bulkops.resources.common import GROUPS_FINDER
from bulkops.resources.export import cell_of, flattened
from bulkops.run import Wiring, connect
from bulkops.version import VERSION

__all__ = ["SOURCE_SHEET", "ExportResult", "export", "exportable", "unique_texts"]

SOURCE_SHEET = "Source"
#: pages fetched ahead of the one being written (a few hundred KB each)
_AHEAD = 4
_DEPTH = 20


def exportable(resource: Resource) -> str | None:
    """Why `resource` is not exported as update rows (None: it is)."""
    if "update" not in resource.actions:
        doing = " and ".join(a for a in resource.actions if a not in ("skip",))
        return f"its rows {doing}; they do not change what exists"
    return None


@dataclass
class ExportResult:
    """What an export wrote: the file, the rows per sheet, the requests it took."""

    path: Path
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    #: with --group: the group as found, and how many groups its subtree holds
    group: str = ""
    requests: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def export(
    resources: Sequence[Resource],
    out: Path,
    *,
    settings: Settings,
    sandbox: bool = False,
    force: bool = False,
    group: str | None = None,
    as_csv: bool = False,
    wiring: Wiring | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Read `resources` from the account and write them to `out` (see the module); with
    `group` (an id, a name path or an external id), only that group, the groups below
    it, and what belongs to them."""
    if not resources:
        raise UsageError("name what to export (e.g. routes users), or --all for everything")
    for resource in resources:
        why = exportable(resource)
        if why is not None:
            raise UsageError(f"{resource.name} cannot be exported as update rows: {why}")
    if as_csv:
        if out.suffix:
            raise UsageError(f"{out}: --csv writes a folder of .csv files; give a folder name")
        if out.exists() and any(out.iterdir()) and not force:
            raise UsageError(f"{out} exists and is not empty: choose another -o, or --force")
    elif out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: an export is written as .xlsx; name the file *.xlsx")
    elif out.exists() and not force:
        raise UsageError(f"{out} exists: choose another -o, or --force to overwrite it")
    wiring = wiring or Wiring()
    connection = connect(settings, wiring, sandbox=sandbox)
    assert connection.auth is not None
    auth: TokenSource = connection.auth
    unique = {r.name: r for r in resources}
    ordered = sorted(unique.values(), key=lambda r: r.order)
    result = ExportResult(out, connection.target)
    left = [r for r in RESOURCES.values() if r.name not in unique]
    result.left_out = {r.name: exportable(r) or "not asked for" for r in left}
    started = time.monotonic()
    clock = wiring.clock or RealClock()
    limiter = RateLimiter(settings.rate, clock)
    policy = RetryPolicy(max_attempts=settings.max_attempts)

    def write(path: Path) -> None:
        with CsvBook(path) if as_csv else FastBook(path) as book:

            async def main() -> None:
                async with ApiClient(
                    connection.base_url,
                    auth=auth,
                    transport=connection.transport,
                    connect_timeout=settings.connect_timeout,
                    read_timeout=settings.read_timeout,
                ) as client:
                    await limiter.acquire()
                    await preflight(client, connection.base_url)
                    result.requests += 1
                    profile = await _profile(client)
                    result.requests += 1
                    readers = {r.name: _reader(client, r, limiter, policy, clock) for r in ordered}
                    names = _Names()
                    within = None
                    if group is not None:
                        reader = next(iter(readers.values()))
                        within, result.group = await names.subtree(reader, group)
                    sheets = _Sheets(book, progress, within)
                    for resource in ordered:
                        reader = readers[resource.name]
                        result.rows[resource.sheet] = await sheets.write(
                            resource, reader, await names.for_columns(reader, resource)
                        )
                    # (the look-ups of names go through the readers: counted there)
                    result.requests += sum(r.requests for r in readers.values())
                    _source(book, connection.target, profile, result)

            anyio.run(main)

    try:
        if as_csv:
            write(out)
        else:
            atomic(out, write)
    except Failed as failed:
        kept = "the folder holds only part of it" if as_csv else "nothing was written"
        raise ConfigError(f"the export stopped: {failed.error}; {kept}") from None
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the export ({exc.strerror})") from None
    result.seconds = time.monotonic() - started
    return result


def _reader(
    client: ApiClient, resource: Resource, limiter: RateLimiter, policy: RetryPolicy, clock: Any
) -> Runner:
    """A reading-only runner: its `call` is rate-limited and retried like a run's."""
    return Runner(client, resource, limiter=limiter, policy=policy, concurrency=1, clock=clock)


async def _profile(client: ApiClient) -> dict[str, Any]:
    try:
        answer = await client.request("GET", "/auth/profile")
    except BulkopsError:  # an API without the profile: the Source says less
        return {}
    return answer.data if isinstance(answer.data, dict) else {}


class _Sheets:
    """Writes one sheet per resource, row after row, as the pages arrive."""

    def __init__(
        self,
        book: FastBook | CsvBook,
        progress: Callable[[int], None] | None,
        within: set[Any] | None = None,
    ) -> None:
        self.book = book
        self.progress = progress
        self.within = within

    async def write(
        self, resource: Resource, reader: Runner, names: dict[str, dict[Any, str]]
    ) -> int:
        labels = header_labels(resource)
        widths = [12.0] + [max(12.0, min(40.0, len(label) + 3.0)) for label in labels[1:]]
        sheet = self.book.sheet(resource.sheet, len(labels), widths)
        sheet.row(labels, header=True)
        columns = [(column.path, _converter(column), names.get(column.label))
                   for column in resource.all_columns]  # fmt: skip
        owner = _owner(resource) if self.within is not None else None
        rows = 0
        async for items in _ahead(reader, resource.listing):
            for item in items:
                shaped = resource.shaped(item, phones=False)  # cell_of writes 10 digits
                if self.within is not None and (
                    owner is None or shaped.get(owner.path) not in self.within
                ):
                    continue
                rows += 1
                if rows % 20 == 0:  # let the next page's request go on while this one is written
                    await anyio.lowlevel.checkpoint()
                values = flattened(shaped)
                row: list[Any] = ["update"]
                for path, convert, typed in columns:
                    value = values.get(path)
                    if value is None or value == "" or value == []:
                        row.append(None)
                        continue
                    cell = convert(value)
                    row.append(typed.get(cell, cell) if typed is not None else cell)
                sheet.row(row)
            if self.progress is not None:
                self.progress(len(items))
        self.book.end_sheet()
        return rows


async def _ahead(reader: Runner, path: str) -> AsyncIterator[list[dict[str, Any]]]:
    """The pages of a listing, the next one asked for while this one is written (the
    wait for the rate limit and the server overlaps the writing)."""
    send, receive = anyio.create_memory_object_stream[list[dict[str, Any]]](_AHEAD)
    failed: list[Failed] = []

    async def fetch() -> None:
        async with send:
            try:
                async for items, _ in reader.pages(path):
                    await send.send(items)
            except Failed as failure:  # raised where the pages are read, not in the group
                failed.append(failure)

    async with anyio.create_task_group() as group:
        group.start_soon(fetch)
        async with receive:
            async for items in receive:
                yield items
    if failed:
        raise failed[0]


def _converter(column: Column) -> Callable[[Any], Any]:
    """How a value of `column` is written in its cell (`cell_of`, decided once)."""
    if column.kind in (Kind.TEXT, Kind.CHOICE, Kind.EMAIL, Kind.TIMEZONE, Kind.DATETIME):
        return _same
    return lambda value: cell_of(column, value)


def _same(value: Any) -> Any:
    return value


class _Names:
    """For each kind a column refers to, the text that finds each object again: a group
    as its name path, a user as their username, a webhook as its name. Only texts that
    find exactly that object (no other's name, path suffix or external id) are used."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[Any, str]] = {}

    async def for_columns(self, reader: Runner, resource: Resource) -> dict[str, dict[Any, str]]:
        found: dict[str, dict[Any, str]] = {}
        for column in resource.all_columns:
            finder = column.finder
            if finder is None or column is resource.id_column:
                continue
            if finder.kind not in self._by_kind:
                self._by_kind[finder.kind] = await self._texts(reader, finder)
            found[column.label] = self._by_kind[finder.kind]
        return found

    async def _texts(self, reader: Runner, finder: Finder) -> dict[Any, str]:
        return unique_texts(finder, await self._items(reader, finder))

    async def _items(self, reader: Runner, finder: Finder) -> list[dict[str, Any]]:
        if finder.single_page:
            answer, _ = await reader.call("GET", finder.listing)
            return listed_items(answer.data)
        items = []
        async for page, _ in reader.pages(finder.listing):
            items += page
        return items

    async def subtree(self, reader: Runner, text: str) -> tuple[set[Any], str]:
        """The ids of the group `text` names and of every group below it, and how the
        Source says which group that is; UsageError when `text` names none or several."""
        items = await self._items(reader, GROUPS_FINDER)
        self._by_kind[GROUPS_FINDER.kind] = unique_texts(GROUPS_FINDER, items)
        objects = {i[GROUPS_FINDER.id_field]: i for i in items if GROUPS_FINDER.id_field in i}
        if text.strip().isdigit() and int(text) in objects:
            root: Any = int(text)
        else:
            try:
                root = Directory().match(GROUPS_FINDER, objects, text)
            except LookupError as missing:
                why = str(missing.args[0])
                if why.startswith("no "):  # (the directory's words speak of a workbook)
                    why = (f"no group '{text}' in the account: give its id, its name path "
                           "(Parent/Child) or its external id")  # fmt: skip
                raise UsageError(f"--group {text}: {why}") from None
        below: dict[Any, list[Any]] = {}
        for ident, item in objects.items():
            below.setdefault(item.get(GROUPS_FINDER.parent_field or ""), []).append(ident)
        found, todo = set(), [root]
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(below.get(node, ()))
        name = objects[root].get("org_unit_name")
        return found, f"{name} (org unit {root}) and the {len(found) - 1} groups below it"


def _owner(resource: Resource) -> Column | None:
    """The column that says which group an object belongs to (a group: its own id)."""
    if resource.finder is not None and resource.finder.kind == GROUPS_FINDER.kind:
        return resource.id_column
    return next(
        (c for c in resource.columns
         if c.finder is not None and c.finder.kind == GROUPS_FINDER.kind and "." not in c.path),
        None,
    )  # fmt: skip


def unique_texts(finder: Finder, items: list[dict[str, Any]]) -> dict[Any, str]:
    """id -> the text that finds that object alone (see `_Names`)."""
    objects = {i.get(finder.id_field): i for i in items if i.get(finder.id_field) is not None}
    texts: dict[Any, str] = {}
    for ident, item in objects.items():
        text = _text(finder, objects, item)
        if text:
            texts[ident] = text
    # every text any object answers to: its names, each suffix of its path, its external id
    answers: dict[str, int] = {}
    for item in objects.values():
        for said in _answers_to(finder, objects, item):
            answers[said] = answers.get(said, 0) + 1
    return {i: t for i, t in texts.items() if answers.get(t.casefold(), 0) == 1}


def _text(finder: Finder, objects: dict[Any, dict[str, Any]], item: dict[str, Any]) -> str:
    name = next((str(item[f]) for f in finder.name_fields if item.get(f)), "")
    if not name or finder.parent_field is None:
        return name
    names = [name]
    node = objects.get(item.get(finder.parent_field))
    while node is not None and len(names) < _DEPTH:
        names.append(str(node.get(finder.name_fields[0]) or ""))
        node = objects.get(node.get(finder.parent_field))
    if any("/" in n or not n for n in names):
        return ""
    return "/".join(reversed(names))


def _answers_to(
    finder: Finder, objects: dict[Any, dict[str, Any]], item: dict[str, Any]
) -> set[str]:
    said: set[str] = set()
    if finder.alt_field and item.get(finder.alt_field):
        said.add(str(item[finder.alt_field]).casefold())
    for field_name in finder.name_fields:
        if not item.get(field_name):
            continue
        if finder.parent_field is None:
            said.add(str(item[field_name]).casefold())
            continue
        path = [str(item[field_name])]
        said.add(path[0].casefold())
        node = objects.get(item.get(finder.parent_field))
        while node is not None and len(path) < _DEPTH:
            path.insert(0, str(node.get(finder.name_fields[0]) or ""))
            said.add("/".join(path).casefold())
            node = objects.get(node.get(finder.parent_field))
    return said


def _source(
    book: FastBook | CsvBook, target: str, profile: dict[str, Any], result: ExportResult
) -> None:
    """Where the workbook came from, as plain text (never a formula)."""
    account = profile.get("org_unit_name") or ""
    ident = profile.get("top_ou_id") or profile.get("org_unit_id")
    lines: list[tuple[str, Any]] = [
        ("Exported from", target),
        ("Account", f"{account} (org unit {ident})" if ident else account or "unknown"),
        ("Exported by", str(profile.get("email") or "")),
        ("Group", result.group or "the whole account"),
        ("Exported at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("bulkops version", VERSION),
    ]
    lines += [(f"Sheet {sheet_name}", f"{rows} rows") for sheet_name, rows in result.rows.items()]
    lines += [(f"Not exported: {name}", why) for name, why in result.left_out.items()]
    lines.append(("How to use it", f"Edit the cells to change, leave the rest; '{ACTION_LABEL}' "
                  "says update. Run it with bulkops run (--dry-run first): rows left as they "
                  "are send nothing."))  # fmt: skip
    sheet = book.sheet(SOURCE_SHEET, 2, (28, 90), freeze=False, autofilter=False)
    sheet.row(["Item", "Value"], header=True)
    for name, value in lines:
        sheet.row([name, str(value)])
    book.end_sheet()
