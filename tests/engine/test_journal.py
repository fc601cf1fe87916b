"""The journal: write-ahead intents, resume after a kill, refusals, interrupts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.errors import ConfigError
from bulkops.paths import journal_for
from bulkops.run import Wiring
from bulkops.sandbox import ManualClock, Sandbox, SandboxTransport, Store
from tests.conftest import ROOT, MakeFile, write_xlsx

TOKEN = "journal-token"
HEADER = ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]


def creates(count: int) -> list[list[Any]]:
    numbers = [f"{p}{n:02d}" for p in ("40455501", "67855501", "47055501") for n in range(88)]
    return [["create", f"Journal route {i}", 70035, numbers[i], "4045550123"] for i in range(count)]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


class Watching(httpx.AsyncBaseTransport):
    """Checks the journal before each write reaches the sandbox, and can crash after N."""

    def __init__(self, box: Sandbox, journal: Path, crash_after: int | None = None) -> None:
        self.inner = SandboxTransport(box)
        self.journal = journal
        self.crash_after = crash_after
        self.writes = 0
        self.unjournaled: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self.writes += 1
            with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True) as db:
                path = request.url.path.removeprefix("/v3")
                found = db.execute(
                    "SELECT 1 FROM rows WHERE path = ? AND intent_at IS NOT NULL"
                    " AND status IS NULL",
                    (path,),
                ).fetchall()
                if not found and request.method != "POST":
                    self.unjournaled.append(f"{request.method} {path}")
                if request.method == "POST":
                    count = db.execute(
                        "SELECT count(*) FROM rows WHERE method = 'POST' AND status IS NULL"
                    ).fetchone()[0]
                    if not count:
                        self.unjournaled.append(f"POST {path}")
        response = await self.inner.handle_async_request(request)
        if self.crash_after is not None and self.writes >= self.crash_after:
            raise Crash()
        return response


def run(
    path: Path, box: Sandbox, results: Path, transport: httpx.AsyncBaseTransport, **kw: Any
) -> Any:
    return actions.run(
        path,
        settings=Settings(rate=1000.0, concurrency=4),
        out=results,
        **kw,
        wiring=Wiring(transport=transport, auth=StaticToken(TOKEN), clock=box.clock, signals=False),
    )


def sandbox() -> Sandbox:
    box = Sandbox(clock=ManualClock())
    box.grant(TOKEN, 84784)
    return box


def test_every_write_is_journaled_before_it_is_sent(tmp_path: Path, xlsx: MakeFile) -> None:
    """For each mutating request, its intent is already committed in the journal."""
    box = sandbox()
    results = tmp_path / "r.xlsx"
    rows = [*creates(10), ["update", "", "", "", "4045550124"]]
    rows[-1] = ["update", "Downtown Dental - Bing", 70035, "", "4045550124"]
    path = xlsx([HEADER, *rows])
    transport = Watching(box, journal_for(results))
    result = run(path, box, results, transport)
    assert result.counts() == {"succeeded": 11}
    assert transport.writes == 11
    assert transport.unjournaled == []


def test_resume_after_a_crash_sends_each_row_once(tmp_path: Path, xlsx: MakeFile) -> None:
    """A run that dies after 7 writes is resumed: finished rows are not sent again, rows in
    doubt are reconciled, and every route exists exactly once."""
    box = sandbox()
    results = tmp_path / "r.xlsx"
    path = xlsx([HEADER, *creates(20)])
    with pytest.raises(BaseExceptionGroup) as crashed:
        run(path, box, results, Watching(box, journal_for(results), crash_after=7))
    assert crashed.group_contains(Crash)
    with pytest.raises(ConfigError, match="--resume"):
        run(path, box, results, SandboxTransport(box))
    result = run(path, box, results, SandboxTransport(box), resume=True)
    assert result.counts() == {"succeeded": 20}
    per_name = box.log.commits_by(lambda e: e.body["provisioned_route_name"])
    assert len(per_name) == 20
    assert max(per_name.values()) == 1
    assert len(box.log.matching("POST")) == 20  # across both runs: each route posted once
    assert sum(1 for o in result.outcomes if o.reconciled) >= 1


def test_resume_refuses_a_changed_input_or_another_api(tmp_path: Path, xlsx: MakeFile) -> None:
    """--resume checks the input's SHA-256 and the base URL; --new-run starts over."""
    box = sandbox()
    results = tmp_path / "r.xlsx"
    path = xlsx([HEADER, *creates(4)])
    with pytest.raises(BaseExceptionGroup) as crashed:
        run(path, box, results, Watching(box, journal_for(results), crash_after=1))
    assert crashed.group_contains(Crash)
    write_xlsx(path, [HEADER, *creates(5)])
    with pytest.raises(ConfigError, match="input file changed"):
        run(path, box, results, SandboxTransport(box), resume=True)
    landed = len(box.log.committed_writes())
    result = run(path, box, results, SandboxTransport(box), new_run=True)
    # a new run starts over: the routes the crashed run made are already as described
    assert result.counts() == {"succeeded": 5 - landed, "unchanged": landed}
    # --resume with no journal yet (killed before it began): the run simply starts
    fresh = run(path, box, tmp_path / "other.xlsx", SandboxTransport(box), resume=True)
    assert fresh.counts() == {"unchanged": 5}


def test_a_second_run_on_a_locked_journal_is_refused(tmp_path: Path, xlsx: MakeFile) -> None:
    """A live lock names its holder; a stale one (dead pid) is only taken over by --resume."""
    box = sandbox()
    results = tmp_path / "r.xlsx"
    path = xlsx([HEADER, *creates(2)])
    run(path, box, results, SandboxTransport(box))
    journal = journal_for(results)
    with sqlite3.connect(journal) as db:
        db.execute(
            "INSERT OR REPLACE INTO lock VALUES (1, 'abc', ?, ?, ?)",
            (os.getpid(), os.uname().nodename, time.time()),
        )
    with pytest.raises(ConfigError, match=f"pid {os.getpid()}"):
        run(path, box, results, SandboxTransport(box))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with sqlite3.connect(journal) as db:
        db.execute("UPDATE lock SET pid = ?", (int(dead),))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('state', 'running')")
    with pytest.raises(ConfigError, match="no longer running"):
        run(path, box, results, SandboxTransport(box))
    result = run(path, box, results, SandboxTransport(box), resume=True)
    assert result.counts() == {"succeeded": 2}


def test_the_journal_holds_no_secret(tmp_path: Path, xlsx: MakeFile) -> None:
    """The token never reaches the journal (nor its WAL)."""
    box = sandbox()
    results = tmp_path / "r.xlsx"
    run(xlsx([HEADER, *creates(3)]), box, results, SandboxTransport(box))
    for found in tmp_path.glob("r.journal*"):
        assert TOKEN.encode() not in found.read_bytes()


_CHILD = """
import sys
from pathlib import Path
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops import actions
from bulkops.run import Wiring
from bulkops.sandbox import Sandbox, SandboxTransport, Store
box = Sandbox(store=Store(Path(sys.argv[1])))
box.grant("kill-token", 84784)
result = actions.run(Path(sys.argv[2]), settings=Settings(rate=40.0, concurrency=4),
    out=Path(sys.argv[3]),
    resume=sys.argv[4] == "resume",
    wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken("kill-token")))
print(result.counts())
for outcome in result.outcomes:
    if outcome.status.value != "succeeded":
        print(outcome.row, outcome.status.value, outcome.message)
"""


@pytest.mark.parametrize("seconds", [0.6, 1.1, 1.7])
def test_sigkill_then_resume_does_every_row_exactly_once(tmp_path: Path, seconds: float) -> None:
    """A run killed with SIGKILL at a given moment, then resumed: every row succeeded, and
    the sandbox (kept in SQLite across the processes) holds each route exactly once."""
    database, results = tmp_path / "sandbox.db", tmp_path / "r.xlsx"
    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER, *creates(60)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _CHILD, str(database), str(path), str(results)]
    child = subprocess.Popen(
        [*command, "new"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(seconds)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    done = subprocess.run(
        [*command, "resume"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "'succeeded': 60" in done.stdout, done.stdout
    store = Store(database)
    names = [
        r["provisioned_route_name"]
        for r in store.records("routes")
        if r["provisioned_route_name"].startswith("Journal route")
    ]
    store.close()
    assert len(names) == 60
    assert len(set(names)) == 60


def _start(path: Path, results: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bulkops",
            "run",
            str(path),
            "--sandbox",
            "--rate",
            "20",
            "-o",
            str(results),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _running(results: Path) -> None:
    """Wait until the child's run has begun (its journal exists), then a little longer."""
    deadline = time.monotonic() + 30
    while not journal_for(results).exists():
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    time.sleep(1.5)


def test_ctrl_c_once_stops_starting_rows_and_resume_finishes(tmp_path: Path) -> None:
    """One SIGINT: rows in flight finish, the rest are not_attempted, results are written,
    exit 130 with the command to resume; --resume then does the rest."""
    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER, *creates(60)])
    results = tmp_path / "r.xlsx"
    child = _start(path, results)
    _running(results)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "--resume" in err
    assert "not_attempted" in err
    assert results.exists()
    resumed = _start(path, results, "--resume")
    _out, err = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, err
    assert "succeeded          60" in err


def test_sigterm_exits_143_and_twice_stops_at_once(tmp_path: Path) -> None:
    """SIGTERM behaves like Ctrl-C with exit 143; a second signal stops at once, writing
    no results, and says how to resume."""
    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER, *creates(60)])
    child = _start(path, tmp_path / "a.xlsx")
    _running(tmp_path / "a.xlsx")
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 143, err
    twice = _start(path, tmp_path / "b.xlsx")
    _running(tmp_path / "b.xlsx")
    twice.send_signal(signal.SIGINT)
    time.sleep(0.05)
    twice.send_signal(signal.SIGINT)
    _, err = twice.communicate(timeout=30)
    assert twice.returncode == 130, err
    assert "stopped at once" in err
    assert not (tmp_path / "b.xlsx").exists()


def test_results_rebuilt_from_the_journal_alone(tmp_path: Path, xlsx: MakeFile) -> None:
    """`bulkops report` writes the results again from the journal, without a request: the
    same statuses and request ids; after a crash, rows in doubt show as unknown."""
    from openpyxl import load_workbook

    from bulkops.cli import main

    box = sandbox()
    results = tmp_path / "r.xlsx"
    path = xlsx([HEADER, *creates(6)])
    first = run(path, box, results, SandboxTransport(box))
    requests = len(box.log)
    results.unlink()
    assert main(["report", str(path), "-o", str(results)]) == 0
    assert len(box.log) == requests  # nothing asked of the API
    sheet = load_workbook(results)["Routes"]
    header = [c.value for c in sheet[1]]
    at = header.index("Result: Request ID")
    rebuilt = [row[at] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rebuilt == [o.request_id for o in first.outcomes]

    crashed = tmp_path / "c.xlsx"
    with pytest.raises(BaseExceptionGroup):
        run(path, sandbox(), crashed, Watching(sandbox(), journal_for(crashed), crash_after=2))
    assert main(["report", str(path), "-o", str(crashed)]) == 1
    statuses = {
        r[header.index("Result: Status")]
        for r in load_workbook(crashed)["Routes"].iter_rows(min_row=2, values_only=True)
    }
    assert statuses <= {"succeeded", "unknown", "not_attempted"}
    assert "unknown" in statuses or "not_attempted" in statuses


class Interrupting(httpx.AsyncBaseTransport):
    """The sandbox, sending this very process a SIGINT after `after` writes."""

    def __init__(self, box: Sandbox, after: int) -> None:
        self.inner = SandboxTransport(box)
        self.after = after
        self.writes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.writes += 1
            if self.writes == self.after:
                os.kill(os.getpid(), signal.SIGINT)
        return await self.inner.handle_async_request(request)


def test_every_row_has_a_status_when_a_run_stops_early(tmp_path: Path, xlsx: MakeFile) -> None:
    """Ctrl-C in the middle: rows done, rows cut off and rows never read all get exactly one
    status, the counts add up to the input, and resume finishes the rest."""
    from bulkops.model.outcome import Status
    from bulkops.sandbox import parse_faults

    # creates answer after 0.4 s: when Ctrl-C comes, two are in flight and the grace period
    # (0.2 s) ends before they do, so reading the sheet is cut off too
    box = Sandbox(faults=parse_faults("latency:ms=400@POST"))
    box.grant(TOKEN, 84784)
    path = xlsx([HEADER, *creates(40)])
    results = tmp_path / "r.xlsx"
    first = actions.run(
        path,
        settings=Settings(rate=200.0, concurrency=2),
        out=results,
        wiring=Wiring(transport=Interrupting(box, after=5), auth=StaticToken(TOKEN), grace=0.2),
    )
    assert first.signal == signal.SIGINT
    assert sum(first.counts().values()) == 40
    assert first.counts().get("not_attempted", 0) >= 20
    assert {o.row for o in first.outcomes} == set(range(2, 42))
    assert any("stopped before this row" in o.message for o in first.outcomes)
    box.faults = parse_faults("")
    resumed = actions.run(
        path,
        settings=Settings(rate=200.0, concurrency=2),
        out=results,
        resume=True,
        wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), signals=False),
    )
    assert resumed.counts() == {"succeeded": 40}
    assert all(o.status is Status.SUCCEEDED for o in resumed.outcomes)
    per_name = box.log.commits_by(lambda e: e.body["provisioned_route_name"])
    assert max(per_name.values()) == 1
