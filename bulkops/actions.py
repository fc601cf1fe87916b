"""One library function per command. The CLI parses, calls one of these, renders the result
and picks the exit code; these never print or exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bulkops.config import Settings, report_path_for
from bulkops.errors import OutputError, UsageError
from bulkops.io.tables import Workbook, open_workbook
from bulkops.resources import RESOURCES, get_resource, resource_for_sheet
from bulkops.resources.schema import MISSING, Resource
from bulkops.validation import Report, validate_sheet
from bulkops.validation.columns import ACTION_LABEL
from bulkops.validation.recipients import beside
from bulkops.validation.references import ReferenceCheck

__all__ = [
    "ACCOUNT_TEMPLATE",
    "catalogue",
    "login",
    "logout",
    "run",
    "sandbox",
    "select_sheets",
    "serve_sandbox",
    "template",
    "template_all",
    "validate",
]

#: Sheets bulkops writes itself (templates, reports, results); never read as data.
_OWN_SHEETS = frozenset({"instructions", "problems", "summary"})


def catalogue(resource: str | None = None) -> list[dict[str, Any]]:
    """The column catalogue of one resource (or all), as `bulkops resources --json` prints."""
    chosen = [get_resource(resource)] if resource else list(RESOURCES.values())
    return [_describe(r) for r in chosen]


def _describe(resource: Resource) -> dict[str, Any]:
    from bulkops.io.templates import column_note  # openpyxl: imported when needed

    columns: list[dict[str, Any]] = [
        {
            "label": ACTION_LABEL,
            "path": None,
            "type": "choice",
            "required": [],
            "enum": list(resource.actions),
            "description": "What to do with the row; blank means " + resource.default_action,
            "example": resource.default_action,
            "default": resource.default_action,
            "refers_to": None,
        }
    ]
    for column in resource.all_columns:
        columns.append(
            {
                "label": column.label,
                "path": column.path,
                "type": column.type_name,
                "required": [a for a in resource.actions if a in column.required],
                "enum": list(column.choices) if column.choices else None,
                "description": column.description,
                "example": column.example,
                "default": None if column.default is MISSING else column.default,
                "note": column_note(resource, column),
                "refers_to": column.refers,
            }
        )
    labels = [resource.by_path[p].label for p in resource.key_paths]
    return {
        "resource": resource.name,
        "sheet": resource.sheet,
        "title": resource.title,
        "actions": list(resource.actions),
        "default_action": resource.default_action,
        "natural_key": list(resource.key_paths),
        "natural_key_columns": labels,
        "alternate_keys": [resource.by_path[p].label for p in resource.alt_keys],
        "alternate_keys_first": resource.alt_first,
        "finds": resource.finds or None,
        "irreversible": sorted(resource.irreversible)
        + (
            [
                f"{resource.by_path[resource.irreversible_if[0]].label} = "
                f"{resource.irreversible_if[1]}"
            ]
            if resource.irreversible_if
            else []
        ),
        "columns": columns,
    }


def template(resource: str, out: str | Path | None = None, *, as_csv: bool = False) -> Path:
    """Write the blank template of `resource`; `out` may be a file or a folder (an existing
    one, or a path ending in '/')."""
    chosen = get_resource(resource)
    suffix = ".csv" if as_csv else ".xlsx"
    name = chosen.name + suffix
    target = Path(name) if out is None else Path(out)
    if out is not None and (target.is_dir() or str(out).endswith(("/", "\\"))):
        target = target / name
    from bulkops.io.templates import write_csv_template, write_template

    try:
        if as_csv:
            return write_csv_template(chosen, target)
        return write_template(chosen, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the template ({exc.strerror})") from None


def template_all(out: str | Path | None = None) -> Path:
    """One workbook with a template sheet per resource, in the order a run takes them."""
    target = Path(out) if out is not None else Path(ACCOUNT_TEMPLATE)
    if out is not None and (target.is_dir() or str(out).endswith(("/", "\\"))):
        target = target / ACCOUNT_TEMPLATE
    from bulkops.io.templates import write_templates

    try:
        return write_templates(list(RESOURCES.values()), target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the template ({exc.strerror})") from None


#: the file name `bulkops template --all` writes
ACCOUNT_TEMPLATE = "account.xlsx"


def select_sheets(workbook: Workbook, resource: str | None = None) -> list[tuple[str, Resource]]:
    """The resource sheets of a workbook: named after a resource, or the one sheet there is
    when `resource` is given. A CSV file's one sheet is named after the file."""
    forced = get_resource(resource) if resource else None
    data_sheets = [s for s in workbook.sheet_names if s.strip().lower() not in _OWN_SHEETS]
    found: list[tuple[str, Resource]] = []
    for name in data_sheets:
        matched = resource_for_sheet(name)
        if matched is not None and (forced is None or matched is forced):
            found.append((name, matched))
    if found:  # in dependency order: what rows refer to runs first
        return sorted(found, key=lambda pair: pair[1].order)
    if forced is not None and len(data_sheets) == 1:
        return [(data_sheets[0], forced)]
    names = ", ".join(f"'{s}'" for s in workbook.sheet_names)
    known = ", ".join(r.sheet for r in RESOURCES.values())
    if forced is not None:
        raise UsageError(
            f"{workbook.path}: no sheet named '{forced.sheet}' (sheets: {names}); rename the "
            "sheet, or keep only one data sheet"
        )
    what = "file" if workbook.format == "csv" else "workbook"
    fix = (
        f"name the file after its resource (e.g. {next(iter(RESOURCES))}.csv)"
        if workbook.format == "csv"
        else f"name the sheet after its resource ({known})"
    )
    raise UsageError(
        f"{workbook.path}: cannot tell which resource this {what} holds (sheets: {names}); "
        f"{fix}, or pass --resource"
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Validation makes many short-lived objects; the cyclic GC walking them costs 2-3x
    # (perf-notes.md). Nothing here makes reference cycles worth collecting mid-batch.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate(
    path: str | Path,
    *,
    resource: str | None = None,
    report: Path | None = None,
    write_report: bool = True,
    encoding: str | None = None,
    include_hidden: bool = False,
) -> Report:
    """Validate every resource sheet of a file.

    The report workbook is written to `report` when given, else beside the input when there
    are problems (unless `write_report` is False).
    """
    path = Path(path)
    workbook = open_workbook(path, encoding=encoding)
    try:
        sheets = select_sheets(workbook, resource)
        result = Report(path=path, sheets=[])
        references = ReferenceCheck(sheets)
        with beside(path), _collector_paused():  # a recipients file is read beside the input
            for name, chosen in sheets:
                validation = validate_sheet(
                    chosen, workbook.sheet(name), include_hidden=include_hidden
                )
                for record in validation.records():
                    references.add(chosen, record, validation.validator)
                result.sheets.append(validation.report)
        by_sheet = {report.sheet: report for report in result.sheets}
        for problem in references.problems():
            sheet_report = by_sheet[problem.sheet]
            if not any(p.row == problem.row and p.is_error for p in sheet_report.problems):
                sheet_report.invalid_rows += 1
            sheet_report.problems.append(problem)
    finally:
        workbook.close()
    target = report if report is not None else report_path_for(path)
    if report is not None or (write_report and result.problems):
        from bulkops.io.reportbook import write_report_workbook  # xlsxwriter: when needed

        if target.resolve() == path.resolve():
            raise UsageError(f"{target}: the report would overwrite the input; choose another -o")
        try:
            result.report_path = write_report_workbook(result, target, encoding=encoding)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write the report ({exc.strerror})") from None
    return result


def sandbox(
    *,
    rate_limit: float | None = None,
    burst: int | None = None,
    latency_ms: float = 0.0,
    faults: str = "",
    seed: int = 0,
    db: Path | None = None,
    token: str | None = None,
) -> Any:
    """A sandbox configured as `bulkops sandbox serve` asks (faults, rate limit, storage)."""
    from bulkops.sandbox import DEMO_USERS, Sandbox, Store, parse_faults
    from bulkops.sandbox.faults import FaultRule

    try:
        plan = parse_faults(faults, seed)
    except ValueError as exc:
        raise UsageError(f"--faults: {exc}") from None
    if latency_ms:
        plan.rules.insert(0, FaultRule("latency", ms=latency_ms))
    try:
        store = Store(db) if db else Store()
    except Exception as exc:  # sqlite3 errors: a folder, a locked or corrupt file
        raise OutputError(f"{db}: cannot be used as the sandbox database ({exc})") from None
    box = Sandbox(store=store, faults=plan, rate=rate_limit, burst=burst)
    if token:
        box.grant(token, DEMO_USERS[0][0], lifetime=365 * 86400)
    return box


def serve_sandbox(box: Any, host: str, port: int) -> None:
    """Serve `box` over HTTP until interrupted."""
    from bulkops.sandbox.server import serve

    serve(box, host, port)


def run(
    path: str | Path,
    *,
    dry_run: bool = False,
    sandbox: bool = False,
    out: Path | None = None,
    rate: float | None = None,
    concurrency: int | None = None,
    resource: str | None = None,
    encoding: str | None = None,
    progress: Any = None,
    on_total: Any = None,
    resume: bool = False,
    new_run: bool = False,
    yes: bool = False,
    confirm: Any = None,
    include_hidden: bool = False,
) -> Any:
    """Run a workbook (see `bulkops.run.execute`); flags override the settings."""
    from bulkops.run import execute

    settings = Settings()
    updates: dict[str, Any] = {}
    if rate is not None:
        if rate <= 0:
            raise UsageError("--rate must be more than 0 requests per second")
        updates["rate"] = rate
    if concurrency is not None:
        if concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        updates["concurrency"] = concurrency
    settings = settings.model_copy(update=updates)
    return execute(
        path,
        settings=settings,
        dry_run=dry_run,
        sandbox=sandbox,
        out=out,
        resource=resource,
        encoding=encoding,
        progress=progress,
        on_total=on_total,
        resume=resume,
        new_run=new_run,
        yes=yes,
        confirm=confirm,
        include_hidden=include_hidden,
    )


def login(email: str, password: str, *, oauth_url: str | None = None) -> Any:
    """Log in with email + password; the token pair is stored (see `bulkops.auth`)."""
    from bulkops.auth import login as oauth_login
    from bulkops.connect import check_url

    url = oauth_url or Settings().oauth_url
    check_url(url)  # the password goes over https only (plain http only to loopback)
    if not email.strip() or not password:
        raise UsageError("both an email and a password are needed to log in")
    return oauth_login(email.strip(), password, url)


def logout() -> bool:
    """Revoke and forget the stored token pair."""
    from bulkops.auth import logout as oauth_logout

    return oauth_logout()
