"""The run journal: SQLite in WAL mode beside the results workbook.

Before a row's write is sent its *intent* is committed (row, action, request, natural key,
payload hash); after it, its *outcome*. A killed run therefore always knows which rows are
done, which are untouched, and which are in doubt (an intent without an outcome), and the
results workbook can be rebuilt from the journal alone. No secret is ever written here:
no token, no header, only what the results workbook shows.

WAL with synchronous=NORMAL: a commit survives the process being killed (the case that
matters here); only a power cut could lose the last commits.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulkops.errors import ConfigError
from bulkops.model.outcome import RowOutcome, Status

__all__ = [
    "FLUSH_EVERY",
    "Journal",
    "LockInfo",
    "Written",
    "encode_body",
    "payload_hash",
]

#: Outcomes written together at most this many at a time.
FLUSH_EVERY = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS lock (one INTEGER PRIMARY KEY CHECK (one = 1), lock_id TEXT,
                                 pid INTEGER, host TEXT, started REAL);
CREATE TABLE IF NOT EXISTS rows (
    sheet TEXT, row INTEGER, action TEXT, method TEXT, path TEXT, natural_key TEXT,
    payload_sha TEXT, intent_at REAL, status TEXT, http_status INTEGER, request_id TEXT,
    resource_id TEXT, message TEXT, attempts INTEGER, duration_ms INTEGER,
    reconciled INTEGER, outcome_at REAL, resource TEXT, before TEXT, irreversible INTEGER,
    PRIMARY KEY (sheet, row));
"""

#: columns added since the first journals (a journal written before them gains them empty)
_ADDED = {"resource": "TEXT", "before": "TEXT", "irreversible": "INTEGER"}


def payload_hash(body: Any) -> str:
    """The hash the journal records of a body (of the bytes `encode_body` sends)."""
    return hashlib.sha256(encode_body(body)).hexdigest()


def encode_body(body: Any) -> bytes:
    """A JSON body as sent: compact, in the order it was built (column order)."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Written:
    """A journaled write: the row, its request, its outcome (None: in doubt), and what
    its object held before it. `kept` is False for journals older than undo."""

    sheet: str
    row: int
    action: str
    method: str
    path: str
    key: tuple[Any, ...] | None
    status: Status | None
    resource_id: str | None
    resource: str
    before: dict[str, Any] | None
    irreversible: bool
    kept: bool


def _add_columns(db: sqlite3.Connection) -> None:
    have = {c[1] for c in db.execute("PRAGMA table_info(rows)")}
    for name, kind in _ADDED.items():
        if name not in have:
            db.execute(f"ALTER TABLE rows ADD COLUMN {name} {kind}")


@dataclass(frozen=True)
class LockInfo:
    lock_id: str
    pid: int
    host: str
    started: float

    def alive(self) -> bool:
        if self.host != socket.gethostname():
            return True  # cannot tell: assume the other machine's run is alive
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        return f"pid {self.pid} on {self.host}, started {when}, lock {self.lock_id[:8]}"


class Journal:
    """Open with `Journal.open(path, ...)`; it holds the run's lock until `close()`."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock_id: str) -> None:
        self.path = path
        self.db = connection
        self.lock_id = lock_id
        # Outcomes wait here and are committed FLUSH_EVERY at a time (and at the end): one
        # commit per write instead of two. Losing them in a crash only makes their rows look
        # in doubt (their intents are there), and resuming settles those without a second
        # write: it finds the object as the row describes it.
        self._pending: list[tuple[Any, ...]] = []

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        input_sha256: str,
        base_url: str,
        resume: bool,
        new_run: bool,
    ) -> Journal:
        """Start a new journal, or (resume) continue the one there. Refuses to resume a
        journal of another input or another API, and to start over a journal whose run
        was interrupted unless told to (`new_run`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        except sqlite3.Error as exc:
            raise ConfigError(f"{path}: the run's journal cannot be created here ({exc})") from None
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        _add_columns(db)
        journal = cls(path, db, str(uuid.uuid4()))
        try:
            journal._take_lock(resume)
            meta = journal.meta()
            unfinished = meta.get("state") in ("running", "interrupted") or journal.in_doubt()
            if resume and not new_run and meta:  # (nothing to resume: a plain start)
                if meta.get("input_sha256") != input_sha256:
                    raise ConfigError(
                        f"the input file changed since the journal {path.name} was made: "
                        "--resume would act on other rows; pass --new-run to start over"
                    )
                if meta.get("base_url") != base_url:
                    raise ConfigError(
                        f"the journal {path.name} is of a run against {meta.get('base_url')}, "
                        f"not {base_url}: pass --new-run to start over"
                    )
            else:
                if unfinished and not new_run and meta:
                    raise ConfigError(
                        f"an earlier run of this file was interrupted ({path.name} holds its "
                        "journal): add --resume to continue it, or --new-run to start over"
                    )
                db.execute("DELETE FROM rows")
                db.execute("DELETE FROM meta")
                journal._set(input_sha256=input_sha256, base_url=base_url, created=str(time.time()))
            journal._set(state="running")
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def read(cls, path: Path) -> Journal:
        """Open an existing journal to read it only (no lock taken, nothing changed)."""
        if not path.exists():
            raise ConfigError(f"{path}: there is no journal here")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        return cls(path, db, "")

    def holder(self) -> LockInfo | None:
        """The run that holds this journal (alive or not), None when none does."""
        found = self.db.execute("SELECT lock_id, pid, host, started FROM lock").fetchone()
        return None if found is None else LockInfo(*found)

    def _take_lock(self, resume: bool) -> None:
        found = self.db.execute("SELECT lock_id, pid, host, started FROM lock").fetchone()
        if found is not None:
            holder = LockInfo(*found)
            if holder.alive():
                raise ConfigError(
                    f"another bulkops run is using {self.path.name} "
                    f"({holder.describe()}): wait for it to finish"
                )
            if not resume:
                raise ConfigError(
                    f"{self.path.name} is locked by a run that is no longer running "
                    f"({holder.describe()}): add --resume to take it over and continue"
                )
        self.db.execute(
            "INSERT OR REPLACE INTO lock VALUES (1, ?, ?, ?, ?)",
            (self.lock_id, os.getpid(), socket.gethostname(), time.time()),
        )

    def _set(self, **values: str) -> None:
        for key, value in values.items():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def note(self, **values: str) -> None:
        """Keep facts about the run beside its rows (a migration's ledger, for `undo`)."""
        self._set(**values)

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    # -- rows ------------------------------------------------------------------------------

    def intent(
        self,
        sheet: str,
        row: int,
        action: str,
        method: str,
        path: str,
        key: Any,
        payload: bytes,
        *,
        resource: str = "",
        before: dict[str, Any] | None = None,
        irreversible: bool = False,
    ) -> None:
        """Committed (one autocommit INSERT) before the request is sent; `payload` is the
        exact body that goes out, `before` what the object held (for `bulkops undo`)."""
        self.db.execute(
            "INSERT OR REPLACE INTO rows (sheet, row, action, method, path, natural_key, "
            "payload_sha, intent_at, resource, before, irreversible) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sheet,
                row,
                action,
                method,
                path,
                json.dumps(key, default=str),
                hashlib.sha256(payload).hexdigest(),
                time.time(),
                resource,
                None if before is None else json.dumps(before, default=str),
                int(irreversible),
            ),
        )

    def outcome(self, outcome: RowOutcome) -> None:
        """Recorded after the row's answer (committed with the next intent, or soon)."""
        self._pending.append(
            (
                outcome.sheet,
                outcome.row,
                outcome.action,
                outcome.status.value,
                outcome.http_status,
                outcome.request_id,
                None if outcome.resource_id is None else str(outcome.resource_id),
                outcome.message,
                outcome.attempts,
                outcome.duration_ms,
                int(outcome.reconciled),
                time.time(),
            )
        )
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.db.execute("BEGIN")
            try:
                self._write_pending()
            finally:
                self.db.execute("COMMIT")

    def _write_pending(self) -> None:
        if not self._pending:
            return
        self.db.executemany(
            "INSERT INTO rows (sheet, row, action, status, http_status, request_id, "
            "resource_id, message, attempts, duration_ms, reconciled, outcome_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sheet, row) DO UPDATE SET "
            "status = excluded.status, http_status = excluded.http_status, "
            "request_id = excluded.request_id, resource_id = excluded.resource_id, "
            "message = excluded.message, attempts = excluded.attempts, "
            "duration_ms = excluded.duration_ms, reconciled = excluded.reconciled, "
            "outcome_at = excluded.outcome_at",
            self._pending,
        )
        self._pending = []

    def done(self) -> dict[tuple[str, int], RowOutcome]:
        """Rows whose outcome is final (not `not_attempted`): never sent again."""
        self.flush()
        found = {}
        for row in self.db.execute(
            "SELECT sheet, row, action, status, http_status, request_id, resource_id, message, "
            "attempts, duration_ms, reconciled FROM rows WHERE status IS NOT NULL "
            "AND status != 'not_attempted'"
        ):
            outcome = RowOutcome(
                row[0],
                row[1],
                row[2],
                Status(row[3]),
                row[7] or "",
                row[4],
                row[5],
                row[6],
                row[8] or 0,
                row[9] or 0,
                reconciled=bool(row[10]),
            )
            found[(outcome.sheet, outcome.row)] = outcome
        return found

    def writes(self) -> list[Written]:
        """Every row whose write was sent (an intent), in the order the rows were sent,
        with its outcome when it has one: what `bulkops undo` reverses."""
        self.flush()
        columns = {c[1] for c in self.db.execute("PRAGMA table_info(rows)")}
        # a journal from before undo kept no old values: those columns read as NULL
        kept = "resource, before, irreversible" if "before" in columns else "NULL, NULL, NULL"
        query = (
            "SELECT sheet, row, action, method, path, natural_key, status, resource_id, "
            f"{kept} FROM rows WHERE intent_at IS NOT NULL ORDER BY intent_at"
        )
        found = []
        for row in self.db.execute(query):
            key = json.loads(row[5]) if row[5] else None
            found.append(
                Written(
                    sheet=row[0],
                    row=row[1],
                    action=row[2],
                    method=row[3],
                    path=row[4],
                    key=tuple(key) if isinstance(key, list) else None,
                    status=Status(row[6]) if row[6] else None,
                    resource_id=row[7],
                    resource=row[8] or "",
                    before=json.loads(row[9]) if row[9] else None,
                    irreversible=bool(row[10]),
                    kept=row[8] is not None,
                )
            )
        return found

    def in_doubt(self) -> set[tuple[str, int]]:
        """Rows whose write may have been sent: an intent and no final outcome."""
        self.flush()
        rows = self.db.execute(
            "SELECT sheet, row FROM rows WHERE intent_at IS NOT NULL AND (status IS NULL "
            "OR status = 'not_attempted')"
        )
        return {(sheet, row) for sheet, row in rows}

    def finish(self, complete: bool) -> None:
        """The run's end. One that ended before any row (its first request failed) has
        nothing to resume: it is finished, and the next run starts afresh."""
        self.flush()
        started = self.db.execute("SELECT 1 FROM rows LIMIT 1").fetchone() is not None
        self._set(state="finished" if complete or not started else "interrupted")

    def close(self) -> None:
        try:
            if self.lock_id:
                self.db.execute("DELETE FROM lock WHERE lock_id = ?", (self.lock_id,))
        finally:
            self.db.close()
