"""What a run is asked (`RunOptions`), what it is wired to (`Wiring`: transport,
credentials, clock), what it calls back (`Hooks`) and what it gives back (`RunResult`),
apart from how it runs (`bulkops.run`)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bulkops.client import TokenSource
from bulkops.config import GRACE_SECONDS
from bulkops.engine.clock import Clock
from bulkops.engine.ratelimit import RateLimiter
from bulkops.model.outcome import RowOutcome
from bulkops.validation import Report

__all__ = ["Hooks", "Interrupted", "RunOptions", "RunResult", "Wiring", "file_sha256"]


@dataclass(frozen=True)
class RunOptions:
    """What the person asked of the run (the command's flags, rate and concurrency aside:
    those are settings)."""

    dry_run: bool = False
    sandbox: bool = False
    out: Path | None = None
    resource: str | None = None
    encoding: str | None = None
    include_hidden: bool = False
    #: a header that looks like a misspelt column is ignored (a warning), not an error
    allow_unknown: bool = False
    #: any invalid row in the workbook: send nothing at all
    stop_on_problems: bool = False
    resume: bool = False
    new_run: bool = False
    yes: bool = False
    #: read back what the run wrote (None: for runs under VERIFY_BELOW rows)
    verify: bool | None = None
    #: a signed-off plan (a dry run's results) to apply exactly, and whether rows whose
    #: object changed since are sent anyway
    plan: Path | None = None
    allow_drift: bool = False
    #: a migration's id ledger (None: beside the workbook, named after the two accounts)
    ledger: Path | None = None


@dataclass(frozen=True)
class Wiring:
    """What the run talks through and waits on. Tests and benchmarks pass their own
    transport, credentials and clock; the defaults are the real ones."""

    transport: httpx.AsyncBaseTransport | None = None
    auth: TokenSource | None = None
    clock: Clock | None = None
    #: listen for Ctrl-C / SIGTERM (off where the caller is not the main thread)
    signals: bool = True
    #: after a first signal, how long requests in flight may take to finish
    grace: float = GRACE_SECONDS
    #: keep a journal (off only to measure what the journal costs)
    journaled: bool = True
    #: the account's rate limiter, shared with other runs against it (None: the run's own)
    limiter: RateLimiter | None = None
    #: set from another thread to stop the run as one Ctrl-C does (the upload page's Stop)
    stop: threading.Event | None = None


@dataclass(frozen=True)
class Hooks:
    """Where the run reports to while it goes: each row's outcome as it finishes, the
    number of rows once known, and the question a gated run asks (None: nobody to ask)."""

    progress: Callable[[RowOutcome], None] | None = None
    on_total: Callable[[int], None] | None = None
    confirm: Callable[[str], bool] | None = None


@dataclass
class RunResult:
    """Everything a run produced: the validation report, one outcome per data row (in
    sheet order), where the results went, and its figures."""

    report: Report
    outcomes: list[RowOutcome]
    results_path: Path | None
    failed_path: Path | None
    target: str
    dry_run: bool
    seconds: float
    requests: int
    throttled: int
    sandbox: Any = None
    settings: dict[str, Any] = field(default_factory=dict)
    signal: int | None = None  # the signal that stopped the run early, if one did
    #: nothing was sent because the workbook has problems (--stop-on-problems)
    held: bool = False
    #: the command that writes the workbook reversing this run ('' when nothing to undo)
    undo: str = ""
    #: a migration's id ledger, and how many source objects it maps (None: no migration)
    ledger: Path | None = None
    mapped: int = 0

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for outcome in self.outcomes:
            found[outcome.status.value] = found.get(outcome.status.value, 0) + 1
        return found

    @property
    def ok(self) -> bool:
        return all(o.status.ok for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        """The `--json` document of DESIGN.md."""
        return {
            "summary": self.counts(),
            "rows": [o.as_dict() for o in self.outcomes],
            "results_path": str(self.results_path) if self.results_path else None,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Interrupted(BaseException):
    """A second Ctrl-C or SIGTERM: the run stopped at once. The journal is consistent and
    `--resume` continues; no results workbook was written."""

    def __init__(self, signum: int | None, results: Path) -> None:
        super().__init__("stopped at once")
        self.signum = signum
        self.results = results
