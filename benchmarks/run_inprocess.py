"""Client overhead: `bulkops run` of a 100,000-row routes workbook against the in-process
sandbox with no rate limit and no latency, end to end (validate, execute, results).

Target (issue 4): at least 1,000 rows/s, peak memory under 600 MB for 100,000 rows. The
sandbox's own time answering is measured too and taken out for "bulkops alone": since it
checks every body as the docs say (issue 12), it is about a quarter of the run.
Issue 5: `--no-journal` measures the same run without the journal (its cost: under 15%).
Run by hand: .venv/bin/python benchmarks/run_inprocess.py [--rows N] [--profile]

The run happens in a fresh child process (its own peak RSS); the sandbox's account is
given one reserved tracking number per row first. `--profile` adds a cProfile of a
10,000-row run and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
HEADER = [
    "Action",
    "Route Name",
    "Route Status",
    "Group ID",
    "Tracking Number",
    "Ring To Number",
    "Record Calls",
    "Whisper Enabled",
    "Whisper Type",
    "Whisper Message",
    "Call Value",
    "Repeat Interval",
    "Webhook ID",
    "SMS Users",
    "Overflow 1 Number",
    "Overflow 1 Rings",
    "Hunt Type",
    "Hunt 1 Destination",
]


def number(index: int) -> str:
    return f"{200 + index // 10_000_000 % 800:03d}{2000000 + index % 8_000_000:07d}"


#: the demo account's groups 70035-70042 by name path (what --names writes instead of ids)
GROUP_NAMES = (
    "Atlanta Metro/Downtown Dental",
    "Atlanta Metro/Midtown Dental",
    "Buckhead Ortho",
    "Decatur Family Care",
    "Marietta Vision",
    "Smyrna Dental",
    "Roswell Dental",
    "Kennesaw Pediatrics",
)


def generate(path: Path, rows: int, names: bool = False) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Routes")
    sheet.write_row(0, 0, HEADER)
    for r in range(rows):
        sheet.write_row(
            r + 1,
            0,
            [
                "create",
                f"Bench route {r}",
                "active",
                GROUP_NAMES[r % 8] if names else 70035 + r % 8,
                float(number(r)),
                float(f"404{5550000 + r % 9000:07d}"),
                "Yes",
                "Yes",
                "text",
                f"Campaign {r % 50}",
                float(r % 200),
                30.0,
                1.0,
                "84784; 7849",
                float(f"678{5550000 + r % 9000:07d}"),
                3.0,
                "round_robin",
                float(f"770{5550000 + r % 9000:07d}"),
            ],
        )
    book.close()


def child(path: Path, rows: int, profile: bool, journaled: bool = True) -> None:
    from bulkops import actions
    from bulkops.client import StaticToken
    from bulkops.config import Settings
    from bulkops.run import Wiring
    from bulkops.sandbox import Sandbox, SandboxTransport
    from bulkops.sandbox.demo import reserve_numbers

    box = Sandbox()
    box.log.keep_bodies = False  # the sandbox is not what is measured: it keeps only routes
    sandbox_seconds = _time_the_sandbox(SandboxTransport)
    box.grant("bench", 84784)
    reserve_numbers(box.store, [number(index) for index in range(rows)])
    settings = Settings(rate=1_000_000.0, concurrency=16)
    out = Path(tempfile.mkdtemp()) / "results.xlsx"
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = actions.run(
        path,
        settings=settings,
        out=out,
        wiring=Wiring(
            transport=SandboxTransport(box), auth=StaticToken("bench"), journaled=journaled
        ),
    )
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = result.counts()
    assert counts == {"succeeded": rows}, counts
    print(
        f"{'journal' if journaled else 'no journal'}: "
        f"rows {rows}: {seconds:.1f} s end to end = {rows / seconds:,.0f} rows/s; "
        f"execution {result.seconds:.1f} s; peak RSS {peak:.0f} MB "
        f"(includes the sandbox holding {rows:,} routes)"
    )
    own = seconds - sandbox_seconds[0]
    print(
        f"  the sandbox's own work (answering {rows:,} requests): {sandbox_seconds[0]:.1f} s = "
        f"{sandbox_seconds[0] / seconds:.0%} of it; bulkops alone: {rows / own:,.0f} rows/s"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(20)


def _time_the_sandbox(transport: Any) -> list[float]:
    """The seconds the in-process sandbox spends answering (its handlers run inside the
    transport's synchronous `_call`): what is not bulkops's own cost."""
    spent = [0.0]
    inner = transport._call

    def timed(self: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(self, *args)
        finally:
            spent[0] += time.perf_counter() - started

    transport._call = timed
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", type=Path)
    parser.add_argument("--no-journal", action="store_true")
    parser.add_argument("--both", action="store_true", help="with and without the journal")
    parser.add_argument(
        "--names", action="store_true", help="also with Group ID given as group names"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.profile, not args.no_journal)
        return
    DATA.mkdir(exist_ok=True)
    for rows, profile in ((args.rows, False), *(((10_000, True),) if args.profile else ())):
        path = DATA / f"run-{rows}.xlsx"
        if not path.exists():
            generate(path, rows)
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        command = [sys.executable, __file__, "--child", str(path), "--rows", str(rows)]
        subprocess.run([*command, *(["--profile"] if profile else [])], check=True, env=env)
        if args.both and not profile:
            subprocess.run([*command, "--no-journal"], check=True, env=env)
        if args.names and not profile:
            named = DATA / f"run-{rows}-names.xlsx"
            if not named.exists():
                generate(named, rows, names=True)
            print("Group ID as group names (looked up once, resolved per row):", flush=True)
            subprocess.run(
                [sys.executable, __file__, "--child", str(named), "--rows", str(rows)],
                check=True,
                env=env,
            )


if __name__ == "__main__":
    main()
