"""Time for the engine: a protocol, so tests inject a manual clock and never sleep."""

from __future__ import annotations

import time
from typing import Protocol

import anyio

__all__ = ["Clock", "RealClock"]


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)
