"""The request log (ledger): every request the sandbox saw and what it did with it.

Tests assert invariants on it: no second create for a natural key, no write during a dry
run, never more than R requests started in any one-second window.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LogEntry", "RequestLog"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class LogEntry:
    """One request: when it arrived (monotonic seconds), what it asked, what it got."""

    time: float
    method: str
    path: str
    query: str
    raw: bytes | None
    status: int = 0
    request_id: str = ""
    committed: bool = False
    fault: str | None = None

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def body(self) -> Any:
        """The request body, parsed (kept raw: a long run logs many bodies)."""
        if not self.raw:
            return None
        if self.raw.startswith(b"--") or b"Content-Disposition" in self.raw[:400]:
            return {"multipart": len(self.raw)}
        try:
            return json.loads(self.raw)
        except ValueError:
            return self.raw[:200].decode("utf-8", "replace")


@dataclass
class RequestLog:
    """Every request, in arrival order. `keep_bodies=False` keeps all but the bodies (a
    100,000-row rehearsal need not hold every body it sent)."""

    entries: list[LogEntry] = field(default_factory=list)
    keep_bodies: bool = True

    def __iter__(self) -> Iterator[LogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: LogEntry) -> LogEntry:
        if not self.keep_bodies:
            entry.raw = None
        self.entries.append(entry)
        return entry

    def clear(self) -> None:
        self.entries.clear()

    def writes(self) -> list[LogEntry]:
        """Requests with a writing method (whether or not they committed)."""
        return [e for e in self.entries if e.is_write]

    def committed_writes(self) -> list[LogEntry]:
        return [e for e in self.entries if e.committed]

    def matching(self, method: str, path_prefix: str = "") -> list[LogEntry]:
        return [e for e in self.entries if e.method == method and e.path.startswith(path_prefix)]

    def commits_by(self, key: Callable[[LogEntry], Any], method: str = "POST") -> Counter[Any]:
        """How many committed requests of `method` there were per key (e.g. per route name)."""
        return Counter(key(e) for e in self.entries if e.committed and e.method == method)

    def max_in_window(self, seconds: float = 1.0) -> int:
        """The most requests that arrived within any sliding window of `seconds`."""
        times = sorted(e.time for e in self.entries)
        best = start = 0
        # a microsecond of tolerance: paced starts sum 1/R steps, and floats drift
        for end, moment in enumerate(times):
            while moment - times[start] >= seconds - 1e-6:
                start += 1
            best = max(best, end - start + 1)
        return best
