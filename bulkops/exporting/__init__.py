"""`bulkops export`: the account's objects as a workbook in template form, ready to edit
and run again. Each resource is one sheet (dependency order), with exactly the template's
columns, the ID column filled and the Action `update`. References are written as a person
would type them (a group as its name path, a user as their username), wherever that text
finds exactly that object again; otherwise the id is written. A `Source` sheet says
which account, when, and which bulkops wrote it.

Pages are read under the shared rate limit and written as they arrive (`sheets`: the
lean streaming writer of `output/fastxlsx.py`, or `--csv` files), so the size of the
account does not change the memory it takes; `names` says how references are written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio

from bulkops.client import ApiClient, TokenSource
from bulkops.config import Settings
from bulkops.connect import connect, preflight
from bulkops.engine.clock import RealClock
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.retry import RetryPolicy
from bulkops.engine.runner import Failed, Runner
from bulkops.errors import ConfigError, OutputError, UsageError
from bulkops.exporting.names import Names, unique_texts
from bulkops.exporting.sheets import Sheets
from bulkops.labels import ACTION_LABEL, SOURCE_SHEET
from bulkops.model.schema import Resource
from bulkops.output.csvbook import CsvBook
from bulkops.output.fastxlsx import FastBook
from bulkops.output.xlsxout import atomic
from bulkops.resources import RESOURCES
from bulkops.run import Wiring
from bulkops.version import VERSION

__all__ = ["SOURCE_SHEET", "ExportResult", "export", "exportable", "unique_texts"]


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
    #: answers 429 (the server's rate limit), each waited for and asked again
    throttled: int = 0
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
            raise UsageError(
                f"{resource.name} cannot be exported as update rows: {why}; leave it out "
                "(--all exports everything else)"
            )
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
    connection = connect(settings, wiring.transport, wiring.auth, sandbox=sandbox)
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
                    profile = await preflight(client, connection.base_url)
                    result.requests += 1
                    readers = {r.name: _reader(client, r, limiter, policy, clock) for r in ordered}
                    names = Names()
                    within = None
                    if group is not None:
                        reader = next(iter(readers.values()))
                        within, result.group = await names.subtree(reader, group)
                    sheets = Sheets(book, progress, within)
                    for resource in ordered:
                        reader = readers[resource.name]
                        result.rows[resource.sheet] = await sheets.write(
                            resource, reader, await names.for_columns(reader, resource)
                        )
                    # (the look-ups of names go through the readers: counted there)
                    result.requests += sum(r.requests for r in readers.values())
                    result.throttled = sum(r.throttled for r in readers.values())
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


def _source(
    book: FastBook | CsvBook, target: str, profile: dict[str, Any], result: ExportResult
) -> None:
    """Where the workbook came from, as plain text (never a formula)."""
    account = profile.get("org_unit_name") or ""
    ident = profile.get("top_ou_id") or profile.get("org_unit_id")
    lines: list[tuple[str, Any]] = [
        ("Exported from", target),
        ("Account", f"{account} (org unit {ident})" if ident else account or "unknown"),
        ("Account ID", str(ident or "")),
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
