"""Previews and runs, owned by the server: each goes on in a thread of its own (closing the
tab does not stop it), through the function the CLI calls (`bulkops.actions.run`), its
journal beside the upload; the page shows its progress and, once it is over, its outcomes.
Every run against one account takes turns at that account's one rate limiter. A run the
server stopped in the middle (a restart) shows as interrupted, and resumes from its journal
as `--resume` does."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from bulkops import actions
from bulkops.config import Settings
from bulkops.engine.clock import RealClock
from bulkops.engine.ratelimit import RateLimiter
from bulkops.errors import BulkopsError
from bulkops.model.outcome import RowOutcome
from bulkops.model.schema import Resource
from bulkops.resources import get_resource
from bulkops.run import Wiring
from bulkops.version import VERSION

__all__ = ["PREVIEW", "RUN", "Limiters", "Progress", "Runs", "outcomes_of"]

PREVIEW: Final = "preview"
RUN: Final = "run"
#: the latest failures the run page lists
_LATEST: Final = 8


@dataclass
class Progress:
    """Where a preview or a run is: what the page shows, kept in `<kind>.json` too."""

    kind: str
    state: str = "running"  # running, done, stopped, failed, interrupted
    sha256: str = ""
    total: int = 0
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    failures: list[list[Any]] = field(default_factory=list)
    error: str = ""
    requests: int = 0
    #: the run's record: the file, the account, the person, the version of bulkops
    file: str = ""
    account: str = ""
    person: str = ""
    version: str = VERSION

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    @property
    def remaining(self) -> float | None:
        """Seconds left at the pace so far (None until there is a pace)."""
        if self.state != "running" or self.done == 0 or self.rate == 0:
            return None
        return (self.total - self.done) / self.rate


class Limiters:
    """One rate limiter per account, shared by every run against it."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._by_account: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def of(self, account: str) -> RateLimiter:
        with self._lock:
            found = self._by_account.get(account)
            if found is None:
                found = self._by_account[account] = RateLimiter(self.rate, RealClock())
            return found


class Runs:
    """The previews and runs of this server, by upload folder and kind."""

    def __init__(self, limiters: Limiters) -> None:
        self.limiters = limiters
        self._live: dict[tuple[Path, str], tuple[Progress, threading.Event]] = {}
        self._threads: dict[tuple[Path, str], threading.Thread] = {}
        self._lock = threading.Lock()

    def progress(self, place: Path, kind: str) -> Progress | None:
        """The live progress, else what the folder says (a run the server was in the middle
        of when it stopped: interrupted)."""
        with self._lock:
            live = self._live.get((place, kind))
        if live is not None:
            return live[0]
        saved = place / f"{kind}.json"
        if not saved.exists():
            return None
        progress = Progress(**json.loads(saved.read_text()))
        if progress.state == "running":
            progress.state = "interrupted"
        return progress

    def running(self, place: Path) -> bool:
        with self._lock:
            return any(p == place and s[0].state == "running" for (p, _), s in self._live.items())

    def stop(self, place: Path, kind: str) -> bool:
        with self._lock:
            live = self._live.get((place, kind))
        if live is None or live[0].state != "running":
            return False
        live[1].set()
        return True

    def start(
        self,
        place: Path,
        kind: str,
        workbook: Path,
        sha256: str,
        *,
        account: str,
        settings: Settings,
        wiring: dict[str, Any],
        sandbox: bool,
        resume: bool = False,
        record: dict[str, str] | None = None,
    ) -> Progress:
        """Start a preview (a dry run) or a run (applying the preview, `--plan`) of
        `workbook` in a thread of its own; `record`: who ran it where (`file`, `account`,
        `person`)."""
        stop = threading.Event()
        record = record or {}
        progress = Progress(kind, sha256=sha256, file=record.get("file", ""),
                            account=record.get("account", ""),
                            person=record.get("person", ""))  # fmt: skip
        with self._lock:
            self._live[(place, kind)] = (progress, stop)
        _save(place, progress)
        limiter = self.limiters.of(account)
        thread = threading.Thread(
            target=self._work,
            args=(place, kind, workbook, progress, stop, settings, sandbox, resume),
            kwargs={"wiring": Wiring(signals=False, limiter=limiter, stop=stop, **wiring)},
            name=f"bulkops-{kind}",
            daemon=True,
        )
        self._threads[(place, kind)] = thread
        thread.start()
        return progress

    def wait(self, place: Path, kind: str, timeout: float | None = None) -> Progress | None:
        """Until the preview or run ends (tests, and a server shutting down)."""
        thread = self._threads.get((place, kind))
        if thread is not None:
            thread.join(timeout)
        return self.progress(place, kind)

    def _work(
        self,
        place: Path,
        kind: str,
        workbook: Path,
        progress: Progress,
        stop: threading.Event,
        settings: Settings,
        sandbox: bool,
        resume: bool,
        *,
        wiring: Wiring,
    ) -> None:
        def on_total(total: int) -> None:
            progress.total = total

        def on_outcome(outcome: RowOutcome) -> None:
            progress.done += 1
            status = outcome.status.value
            progress.counts[status] = progress.counts.get(status, 0) + 1
            if not outcome.status.ok:
                latest = [outcome.sheet, outcome.row, status, outcome.message]
                progress.failures = [*progress.failures, latest][-_LATEST:]

        try:
            plan = place / f"{PREVIEW}.results.xlsx" if kind == RUN else None
            result = actions.run(workbook, dry_run=kind == PREVIEW, sandbox=sandbox,
                                 out=place / f"{kind}.results.xlsx", yes=True, plan=plan,
                                 resume=resume, settings=settings, wiring=wiring,
                                 progress=on_outcome, on_total=on_total)  # fmt: skip
            progress.requests = result.requests
            progress.counts = result.counts()
            progress.actions = {}
            for outcome in result.outcomes:
                key = f"{outcome.action or 'none'} {outcome.status.value}"
                progress.actions[key] = progress.actions.get(key, 0) + 1
            resources = {s.sheet: get_resource(s.resource) for s in result.report.sheets}
            _outcomes(place / f"{kind}-outcomes.json", result.outcomes, resources)
            progress.state = "stopped" if result.signal is not None else "done"
        except BulkopsError as refused:
            progress.state, progress.error = "failed", str(refused)
        except Exception as error:  # the page says it in one line; the journal keeps the rest
            progress.state = "failed"
            progress.error = f"internal error: {type(error).__name__}: {error}"
        finally:
            progress.finished = time.time()
            _save(place, progress)
            with self._lock:
                self._live.pop((place, kind), None)


def outcomes_of(place: Path, kind: str) -> dict[str, dict[str, list[Any]]]:
    """Each row's outcome, by sheet and row: [status, action, message, changes]."""
    path = place / f"{kind}-outcomes.json"
    found: dict[str, dict[str, list[Any]]] = json.loads(path.read_text()) if path.exists() else {}
    return found


def _outcomes(path: Path, outcomes: list[RowOutcome], resources: dict[str, Resource]) -> None:
    """Each row's outcome for the grid: [status, action, message, changes, the labels of
    the cells a failure points at]."""
    by_sheet: dict[str, dict[str, list[Any]]] = {}
    for outcome in outcomes:
        changes = "; ".join(outcome.changes) if outcome.changes else ""
        resource = resources.get(outcome.sheet)
        at = _cells_of(outcome, resource) if resource and not outcome.status.ok else []
        by_sheet.setdefault(outcome.sheet, {})[str(outcome.row)] = [
            outcome.status.value, outcome.action, outcome.message, changes, at
        ]  # fmt: skip
    path.write_text(json.dumps(by_sheet, ensure_ascii=False))


_REASON: Final = re.compile(r"^(?:would fail|not sent|failed|invalid|unknown)[^:]*:\s*")


def _cells_of(outcome: RowOutcome, resource: Resource) -> list[str]:
    """The columns a failed row's reason names: the fields the API refused, or the column
    its message starts with ('would fail: Ring To Number …')."""
    labels = [resource.by_path[f].label for f in outcome.fields if f in resource.by_path]
    reason = _REASON.sub("", outcome.message)
    for column in sorted(resource.all_columns, key=lambda c: -len(c.label)):
        if reason.startswith(column.label):
            labels.append(column.label)
            break
    return list(dict.fromkeys(labels))


def _save(place: Path, progress: Progress) -> None:
    path = place / f"{progress.kind}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(progress)))
    temporary.replace(path)
