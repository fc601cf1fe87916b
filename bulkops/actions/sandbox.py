"""The sandbox's commands: one in process (`--sandbox`) and one served over HTTP
(`bulkops sandbox serve`)."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from bulkops.errors import OutputError, UsageError

__all__ = ["sandbox", "sandbox_reading", "sandbox_socket", "serve_sandbox"]


def sandbox(
    *,
    rate_limit: float | None = None,
    burst: int | None = None,
    latency_ms: float = 0.0,
    faults: str = "",
    seed: int = 0,
    db: Path | None = None,
    token: str | None = None,
    variants: list[str] | None = None,
) -> Any:
    """A sandbox configured as `bulkops sandbox serve` asks (faults, rate limit, storage,
    its reading of the docs where they leave a choice open)."""
    from bulkops.sandbox import DEMO_USERS, Sandbox, Store, parse_faults
    from bulkops.sandbox.faults import FaultRule
    from bulkops.sandbox.variants import Variants

    sandbox_reading(variants)
    reading = Variants.parse(variants or [])

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
    box = Sandbox(store=store, faults=plan, rate=rate_limit, burst=burst, variants=reading)
    if token:
        box.grant(token, DEMO_USERS[0][0], lifetime=365 * 86400)
    return box


def sandbox_reading(variants: list[str] | None) -> str:
    """How a sandbox with these `--variant`s reads the docs, in words ('as documented',
    'phones=e164, total=no'); a UsageError naming a bad one."""
    from bulkops.sandbox.variants import Variants

    try:
        return str(Variants.parse(variants or []))
    except ValueError as exc:
        raise UsageError(f"--variant: {exc}") from None


def sandbox_socket(host: str, port: int) -> Any:
    """The sandbox's listening socket; UsageError when the port is taken."""
    from bulkops.sandbox.server import bind

    try:
        return bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is in use (another sandbox, or another server): "
                "choose another with --port"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror})") from None


def serve_sandbox(box: Any, listening: Any) -> None:
    """Serve `box` over HTTP on `listening` (from `sandbox_socket`) until interrupted."""
    from bulkops.sandbox.server import serve

    serve(box, listening)
