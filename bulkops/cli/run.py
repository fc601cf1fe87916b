"""`bulkops run FILE`: execute a workbook under the rate limit and write its results."""

from __future__ import annotations

import json
import shlex
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bulkops import actions
from bulkops.cli.options import (
    AllowUnknownOption,
    EncodingOption,
    HiddenOption,
    JsonOption,
    ResourceOption,
)
from bulkops.cli.validate import problem_lines
from bulkops.config import CONCURRENCY, RATE
from bulkops.run import Interrupted, RunResult

__all__ = ["command", "render_summary"]

_ORDER = (
    "succeeded",
    "unchanged",
    "planned",
    "skipped",
    "invalid",
    "failed",
    "unknown",
    "not_attempted",
)
_SHOWN = 8


def render_summary(result: RunResult) -> str:
    """The table printed on stderr at the end of a run."""
    counts = result.counts()
    rate = result.requests / result.seconds if result.seconds > 0 else 0.0
    what = "dry run" if result.dry_run else "run"
    lines = [
        f"{what} of {len(result.outcomes)} row{'' if len(result.outcomes) == 1 else 's'} "
        f"against {result.target}: "
        f"{result.requests} requests in {result.seconds:.1f} s ({rate:.1f}/s)"
        + (f", {result.throttled} rate-limited" if result.throttled else ""),
    ]
    sheets = list(dict.fromkeys(o.sheet for o in result.outcomes))
    per_sheet: dict[tuple[str, str], int] = {}
    for outcome in result.outcomes:
        key = (outcome.sheet, outcome.status.value)
        per_sheet[key] = per_sheet.get(key, 0) + 1
    if len(sheets) > 1:  # a column per sheet, in the order they ran
        lines.append(
            f"  {'':<14}{'total':>7}" + "".join(f"  {s:>{max(6, len(s))}}" for s in sheets)
        )
    for status in _ORDER:
        if counts.get(status):
            line = f"  {status:<14}{counts[status]:>7}"
            if len(sheets) > 1:
                line += "".join(
                    f"  {per_sheet.get((s, status), 0) or '':>{max(6, len(s))}}" for s in sheets
                )
            lines.append(line.rstrip())
    read = [o.verified for o in result.outcomes if o.verified]
    if read:
        verified = read.count("verified")
        lines.append(f"  read back: {verified} verified" + (
            f", {len(read) - verified} drifted or not verified (see Result: Verified)"
            if len(read) > verified else ""))  # fmt: skip
    trouble = [o for o in result.outcomes if not o.status.ok]
    for outcome in trouble[:_SHOWN]:
        lines.append(
            f"  {outcome.sheet} row {outcome.row}: {outcome.status.value}: {outcome.message}"
        )
    if len(trouble) > _SHOWN:
        lines.append(f"  … and {len(trouble) - _SHOWN} more (see the results workbook)")
    return "\n".join(lines)


def command(
    file: Annotated[Path, typer.Argument(help="The .xlsx or .csv workbook to run.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read only: say what would be sent, send no write.")
    ] = False,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Run against the in-process demo sandbox.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the results workbook.")
    ] = None,
    as_json: JsonOption = False,
    rate: Annotated[
        float | None,
        typer.Option("--rate", help=f"Requests started per second, at most (default {RATE:g})."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", help=f"Requests in flight at once (default {CONCURRENCY})."),
    ] = None,
    resource: ResourceOption = None,
    encoding: EncodingOption = None,
    include_hidden: HiddenOption = False,
    allow_unknown_columns: AllowUnknownOption = False,
    stop_on_problems: Annotated[
        bool,
        typer.Option(
            "--stop-on-problems",
            help="Send nothing at all when any row of the workbook is invalid.",
        ),
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run from its journal.")
    ] = False,
    new_run: Annotated[
        bool, typer.Option("--new-run", help="Start over even if a journal says otherwise.")
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help="Confirm without asking: many deletes, number orders, scheduled broadcasts.",
        ),
    ] = False,
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            help="With --sandbox: how the sandbox reads the docs where they leave a choice, "
            "NAME=VALUE (e.g. phones=e164); repeatable. See docs/sandbox.md.",
        ),
    ] = None,
    verify: Annotated[
        bool | None,
        typer.Option(
            "--verify/--no-verify",
            help="Read back every object the run wrote and say verified or drifted (default: "
            "on below 10,000 rows).",
            show_default=False,
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="Apply exactly this signed-off plan (the results of a --dry-run of FILE): "
            "refused if FILE or the account differ; rows whose object changed since are "
            "not sent (drifted).",
        ),
    ] = None,
    allow_drift: Annotated[
        bool, typer.Option("--allow-drift", help="With --plan: send drifted rows anyway.")
    ] = False,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            help="A migration's id ledger (a workbook exported from another account): "
            "source id -> id here, kept across waves. Default: beside FILE, named after "
            "the two accounts.",
        ),
    ] = None,
    token: Annotated[str | None, typer.Option("--token", hidden=True)] = None,
) -> None:
    """Validate FILE, then send its rows; a workbook's sheets run together in dependency
    order. Exit 0: every row ok; 1: some row not; 2: no run."""
    if token is not None:  # a token on the command line lands in shell history and `ps`
        raise typer.BadParameter(
            "a token is never taken on the command line: set CONVIRZA_TOKEN in the "
            "environment, or run 'bulkops login'",
            param_hint="--token",
        )
    quiet = as_json or not sys.stderr.isatty()
    if sandbox and not as_json:
        reading = f" (the docs read as: {actions.sandbox_reading(variant)})" if variant else ""
        typer.echo(
            "SANDBOX: running against an in-process demo account; nothing real is touched"
            f"{reading}.",
            err=True,
        )
    bar: Any = None
    failures = {"count": 0}

    def on_total(total: int) -> None:
        nonlocal bar
        if quiet:
            return
        from tqdm import tqdm

        bar = tqdm(total=total, unit="row", file=sys.stderr, delay=2.0, dynamic_ncols=True)

    def on_outcome(outcome: Any) -> None:
        if bar is None:
            return
        if not outcome.status.ok:
            failures["count"] += 1
            bar.set_postfix(failed=failures["count"], refresh=False)
        bar.update(1)

    again = {"yes": yes, "resource": resource, "encoding": encoding,
             "include_hidden": include_hidden, "allow_unknown_columns": allow_unknown_columns,
             "rate": rate, "concurrency": concurrency, "variant": variant, "verify": verify,
             "plan": plan, "allow_drift": allow_drift, "ledger": ledger}  # fmt: skip
    resume_command = _resume_command(file, out, sandbox, again)
    try:
        result = actions.run(
            file,
            dry_run=dry_run,
            sandbox=sandbox,
            out=out,
            rate=rate,
            concurrency=concurrency,
            resource=resource,
            encoding=encoding,
            progress=on_outcome,
            on_total=on_total,
            resume=resume,
            new_run=new_run,
            yes=yes,
            include_hidden=include_hidden,
            allow_unknown_columns=allow_unknown_columns,
            stop_on_problems=stop_on_problems,
            confirm=_ask if sys.stdin.isatty() and not as_json else None,
            variants=variant,
            verify=verify,
            plan=plan,
            allow_drift=allow_drift,
            ledger=ledger,
        )
    except Interrupted as stopped:
        typer.echo(
            f"bulkops: stopped at once; the journal is consistent. Continue with: {resume_command}",
            err=True,
        )
        raise typer.Exit(_exit_code(stopped.signum)) from None
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        warned = problem_lines(result.report, _SHOWN, warnings_only=True)
        if warned:  # what validate says of the workbook, beyond the rows' own outcomes
            typer.echo("\n".join(warned), err=True)
        typer.echo(render_summary(result), err=True)
        typer.echo(f"results: {result.results_path}")
        if result.ledger is not None and result.dry_run:
            typer.echo(
                f"migration: the ids are another account's; the run maps them through "
                f"{result.ledger} (a dry run writes nothing to it)",
                err=True,
            )
        elif result.ledger is not None:
            typer.echo(
                f"migration: ids mapped through {result.ledger} ({result.mapped} source "
                f"objects and numbers mapped; 'bulkops ledger show {result.ledger}' lists them)",
                err=True,
            )
        if result.held:
            invalid = result.report.invalid_rows
            typer.echo(
                f"nothing was sent (--stop-on-problems): {invalid} invalid "
                f"row{'s' if invalid != 1 else ''}; fix "
                f"{'them' if invalid != 1 else 'it'} (each is marked in the results "
                "workbook) and run again",
                err=True,
            )
        if result.failed_path and result.signal is None:  # stopped: resume first
            typer.echo(f"to fix and run again: {result.failed_path}")
        if result.undo and result.signal is None:
            typer.echo(f"to undo it: {result.undo}", err=True)
    if result.signal is not None:
        typer.echo(f"bulkops: stopped early; continue with: {resume_command}", err=True)
        raise typer.Exit(_exit_code(result.signal))
    raise typer.Exit(0 if result.ok else 1)


def _ask(question: str) -> bool:
    """Interactive confirmation: the user types 'yes'."""
    answer = typer.prompt(f"{question} Type 'yes' to go on", default="no", err=True)
    return str(answer).strip().lower() == "yes"


def _exit_code(signum: int | None) -> int:
    return 143 if signum == signal.SIGTERM else 130


def _resume_command(file: Path, out: Path | None, sandbox: bool, flags: dict[str, Any]) -> str:
    """The command that continues this run, with every flag it was given that the run
    needs again (pasted as printed, it works)."""
    parts = ["bulkops", "run", shlex.quote(str(file)), "--resume"]
    if out is not None:
        parts += ["-o", shlex.quote(str(out))]
    if sandbox:
        parts.append("--sandbox")
    for name, value in flags.items():
        option = "--" + name.replace("_", "-")
        if name == "verify" and value is not None:
            parts.append("--verify" if value else "--no-verify")
        elif value is None or value is False:
            continue
        elif value is True:
            parts.append(option)
        elif isinstance(value, list):
            parts += [p for item in value for p in (option, shlex.quote(str(item)))]
        else:
            parts += [option, shlex.quote(str(value))]
    return " ".join(parts)
