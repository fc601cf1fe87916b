"""The id ledger of a migration: which object of the target account each source object
became, kept in SQLite across runs (waves) so a later wave finds what earlier ones made.

One ledger belongs to one pair of accounts (source -> target) and refuses any other. Each
entry is (kind, source id) -> target id; kind `numbers` maps a source tracking number to
the number ordered for it in the target. An order is written down before it is sent
(`ordering`), so a run that dies with it in flight finds, the next time, which number it
was buying instead of buying another.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bulkops.errors import ConfigError, UsageError

__all__ = ["BOUGHT", "DONE", "NUMBERS", "ORDERING", "Entry", "Ledger", "Pair"]

DONE: Final = "done"
ORDERING: Final = "ordering"
#: a number this migration bought (mapped, as `done`; `bulkops undo` lists it to release)
BOUGHT: Final = "bought"
_MAPPED: Final = (DONE, BOUGHT)
#: the kind of the entries that map a source tracking number to the one bought for it
NUMBERS: Final = "numbers"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pair (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    source TEXT NOT NULL, source_name TEXT NOT NULL,
    target TEXT NOT NULL, target_name TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ids (
    kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    state TEXT NOT NULL, wave TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (kind, source)
);
"""

#: commit the mappings this many at a time (and at the end); one lost in a crash is found
#: again by its natural key (a create that finds its object converges, never sends twice)
_EVERY: Final = 200


@dataclass(frozen=True)
class Pair:
    """The two accounts a ledger maps between: each an identity (where it is, which top
    group) and how a person names it."""

    source: str
    source_name: str
    target: str
    target_name: str


@dataclass(frozen=True)
class Entry:
    """One mapping: a source object (or number) of `kind` and what it is in the target."""

    kind: str
    source: str
    target: str
    state: str
    wave: str
    at: float


class Ledger:
    """Open with `Ledger.open(path, pair)` (a run) or `Ledger.read(path)` (to look)."""

    def __init__(
        self, path: Path | None, db: sqlite3.Connection, pair: Pair, wave: str, write: bool = True
    ) -> None:
        self.path = path
        #: a dry run's ledger: mappings it adds stay in memory
        self.write = write
        self.db = db
        self.pair = pair
        self.wave = wave
        self._map: dict[tuple[str, str], tuple[str, str]] = {
            (kind, source): (target, state)
            for kind, source, target, state in db.execute(
                "SELECT kind, source, target, state FROM ids"
            )
        }
        self._pending: list[tuple[str, str, str, str, str, float]] = []

    @classmethod
    def open(cls, path: Path | None, pair: Pair, *, wave: str, write: bool = True) -> Ledger:
        """The ledger at `path` (created for `pair` when absent; in memory when `path` is
        None, or when it is absent and nothing may be written: a dry run). Refuses a ledger
        of another pair of accounts."""
        if path is None or (not write and not path.exists()):
            db = sqlite3.connect(":memory:", isolation_level=None)
        elif write:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            except (sqlite3.Error, OSError) as exc:
                raise ConfigError(f"{path}: the ledger cannot be opened here ({exc})") from None
        else:
            db = _read_only(path)
        try:
            db.executescript(_SCHEMA) if write or path is None or not path.exists() else None
            found = _pair(db)
        except sqlite3.DatabaseError:
            db.close()
            raise UsageError(f"{path}: this is not a bulkops ledger") from None
        if found is None:
            db.execute(
                "INSERT INTO pair VALUES (1, ?, ?, ?, ?, ?)",
                (pair.source, pair.source_name, pair.target, pair.target_name, time.time()),
            )
        elif (found.source, found.target) != (pair.source, pair.target):
            db.close()
            raise UsageError(
                f"{path} maps {found.source_name} to {found.target_name}, not "
                f"{pair.source_name} to {pair.target_name}: give this pair's ledger "
                "(--ledger), or a new file name to start one"
            )
        return cls(path, db, found or pair, wave, write)

    @classmethod
    def read(cls, path: Path) -> Ledger:
        """An existing ledger, to look at only."""
        if not path.exists():
            raise UsageError(f"{path}: there is no ledger here")
        db = _read_only(path)
        try:
            found = _pair(db)
        except sqlite3.DatabaseError:
            db.close()
            raise UsageError(f"{path}: this is not a bulkops ledger") from None
        if found is None:
            db.close()
            raise UsageError(f"{path}: this ledger is empty (no accounts recorded)")
        return cls(path, db, found, "", write=False)

    # -- mappings --------------------------------------------------------------------------

    def target(self, kind: str, source: object) -> str | None:
        """The target id (or number) a source one became; None when none yet."""
        found = self._map.get((kind, str(source)))
        return found[0] if found is not None and found[1] in _MAPPED else None

    def ordering(self, kind: str, source: object) -> str | None:
        """A number being ordered for `source` when a run stopped (not known to have
        landed): the one to look for before ordering another."""
        found = self._map.get((kind, str(source)))
        return found[0] if found is not None and found[1] == ORDERING else None

    @property
    def size(self) -> int:
        """How many source objects and numbers it maps."""
        return sum(1 for _, state in self._map.values() if state in _MAPPED)

    def sources_of(self, kind: str) -> dict[str, str]:
        """Target -> source, of one kind (mapped entries only)."""
        return {t: s for (k, s), (t, state) in self._map.items() if k == kind and state in _MAPPED}

    def put(self, kind: str, source: object, target: object, state: str = DONE) -> None:
        """Record a mapping; a number (bought: money spent) is committed at once."""
        key, value = (kind, str(source)), (str(target), state)
        if self._map.get(key) == value:
            return
        self._map[key] = value
        self._pending.append((kind, str(source), str(target), state, self.wave, time.time()))
        if kind == NUMBERS or len(self._pending) >= _EVERY:
            self.flush()

    def forget(self, kind: str, source: object) -> None:
        """An order that never landed: nothing is mapped."""
        self.flush()
        self._map.pop((kind, str(source)), None)
        if self.write:
            self.db.execute("DELETE FROM ids WHERE kind = ? AND source = ?", (kind, str(source)))

    def flush(self) -> None:
        if not self.write:
            self._pending.clear()
        elif self._pending:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO ids VALUES (?, ?, ?, ?, ?, ?)", self._pending
            )
            self.db.execute("COMMIT")
            self._pending.clear()

    def entries(self) -> list[Entry]:
        self.flush()
        rows = self.db.execute(
            "SELECT kind, source, target, state, wave, at FROM ids ORDER BY kind, at, source"
        )
        return [Entry(*row) for row in rows]

    def bought(self, wave: str, since: float) -> list[Entry]:
        """The numbers a run bought (or was buying when it stopped): of its `wave`, written
        at or after `since` (when the run started)."""
        return [e for e in self.entries() if e.kind == NUMBERS and e.wave == wave
                and e.at >= since and e.state in (BOUGHT, ORDERING)]  # fmt: skip

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()


def _read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise ConfigError(f"{path}: the ledger cannot be read ({exc})") from None


def _pair(db: sqlite3.Connection) -> Pair | None:
    row = db.execute("SELECT source, source_name, target, target_name FROM pair").fetchone()
    return None if row is None else Pair(*row)
