"""The variant matrix's figures: every sample workbook under every reading of the docs the
sandbox takes (the documented one, each other value of each variant alone, and all the
harshest at once), in-process on a manual clock.

For each reading it prints the rows run, the rows not green on a first run, the writes a
second run sent, and, with every other POST's answer lost after commit (then a clean run),
the objects made twice and the numbers ordered twice, compared with a clean run of the
same workbook. Target: zeros everywhere.

Run by hand: .venv/bin/python benchmarks/variant_matrix.py [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bulkops import actions  # noqa: E402
from bulkops.client import StaticToken  # noqa: E402
from bulkops.config import Settings  # noqa: E402
from bulkops.resources import RESOURCES  # noqa: E402
from bulkops.run import RunResult, Wiring  # noqa: E402
from bulkops.sandbox import (  # noqa: E402
    FaultPlan,
    ManualClock,
    Sandbox,
    SandboxTransport,
    parse_faults,
)
from bulkops.sandbox.variants import CHOICES, Variants  # noqa: E402

SAMPLES = HERE.parent / "samples"
WORKBOOKS = [*RESOURCES, "new-account"]
TABLES = ("groups", "users", "webhooks", "voice_agents", "tags", "media_prompts", "routes",
          "broadcasts")  # fmt: skip
TOKEN = "matrix-token"


def readings() -> list[tuple[str, Variants]]:
    found = [("documented", Variants())]
    for name, (values, _) in CHOICES.items():
        found += [(f"{name}={v}", Variants.parse([f"{name}={v}"])) for v in values[1:]]
    harshest = ("phones=e164, page_cap=50, total=no, delete=204, patch=replace, "
                "filters=exact, ids=camel, names=hidden, unknown_fields=refuse")  # fmt: skip
    found.append(("harshest", Variants.parse([harshest])))
    return found


def box_for(variants: Variants, faults: str = "", seed: int = 3) -> Sandbox:
    plan = parse_faults(faults, seed=seed) if faults else FaultPlan()
    box = Sandbox(clock=ManualClock(), faults=plan, variants=variants)
    box.grant(TOKEN, 84784)
    return box


def run(path: Path, box: Sandbox, out: Path) -> RunResult:
    wiring = Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock)
    return actions.run(path, settings=Settings(rate=50.0, concurrency=4), out=out, yes=True,
                       wiring=wiring)  # fmt: skip


def held(box: Sandbox) -> tuple[int, int]:
    """Objects, and numbers reserved or routed, the account holds."""
    objects = sum(box.store.count(table) for table in TABLES)
    numbers = sum(1 for n in box.store.records("numbers")
                  if n["status"] in ("reserved", "provisioned"))  # fmt: skip
    return objects, numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    totals = [0, 0, 0, 0, 0, 0]
    print(f"{'reading':<22} {'rows':>5} {'not green':>9} {'2nd-run writes':>14} "
          f"{'made twice':>10} {'ordered twice':>13} {'lost answers':>12}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for label, variants in readings():
            rows = not_green = rewrites = twice = reordered = lost = 0
            for name in WORKBOOKS:
                path = SAMPLES / f"{name}.xlsx"
                box = box_for(variants)
                first = run(path, box, tmp / "first.xlsx")
                rows += len(first.outcomes)
                not_green += sum(1 for o in first.outcomes if not o.status.ok)
                writes = len(box.log.writes())
                run(path, box, tmp / "again.xlsx")
                rewrites += len(box.log.writes()) - writes
                clean = held(box)
                faulty = box_for(variants, "drop:0.5@POST", args.seed)
                run(path, faulty, tmp / "lost.xlsx")
                lost += sum(1 for e in faulty.log.entries if e.fault == "drop")
                faulty.faults.rules.clear()
                run(path, faulty, tmp / "settled.xlsx")
                objects, numbers = held(faulty)
                twice += max(0, objects - clean[0])
                reordered += max(0, numbers - clean[1])
            for index, value in enumerate((rows, not_green, rewrites, twice, reordered, lost)):
                totals[index] += value
            print(f"{label:<22} {rows:>5} {not_green:>9} {rewrites:>14} {twice:>10} "
                  f"{reordered:>13} {lost:>12}")  # fmt: skip
    count = len(readings())
    print(f"{'all':<22} {totals[0]:>5} {totals[1]:>9} {totals[2]:>14} {totals[3]:>10} "
          f"{totals[4]:>13} {totals[5]:>12}")  # fmt: skip
    print(
        f"{count} readings x {len(WORKBOOKS)} workbooks = {count * len(WORKBOOKS)} "
        f"cases, {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
