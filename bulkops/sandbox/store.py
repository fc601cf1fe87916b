"""The sandbox's account data: tables of records, optionally kept in SQLite (`--db FILE`)
so a demo account survives restarts.

Records are held as compact JSON text: every read hands out a fresh copy (no caller can
change the store by accident) at a fraction of deepcopy's cost and memory, which matters
when a 100,000-row run creates 100,000 routes in-process. Natural keys have indexes, so
uniqueness checks stay O(1) however large a table grows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["Store"]

Record = dict[str, Any]
KeyFunction = Callable[[Record], tuple[Any, ...] | None]


class Store:
    """Tables of records by id. Every write goes through `put`/`remove` (and to SQLite)."""

    def __init__(self, path: Path | None = None) -> None:
        self._tables: dict[str, dict[Any, str]] = {}
        self._indexes: dict[str, dict[str, tuple[KeyFunction, dict[Any, set[Any]]]]] = {}
        self.counters: dict[str, int] = {}
        self.version = 0
        self.versions: dict[str, int] = {}
        self._memo: dict[tuple[str, Any], tuple[int, Any]] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS records (tbl TEXT, id TEXT, body TEXT, "
                "PRIMARY KEY (tbl, id))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS counters (tbl TEXT PRIMARY KEY, n INT)")
            for table, key, body in self._db.execute("SELECT tbl, id, body FROM records"):
                self._tables.setdefault(table, {})[json.loads(key)] = body
            for table, number in self._db.execute("SELECT tbl, n FROM counters"):
                self.counters[table] = number

    @property
    def empty(self) -> bool:
        return not any(self._tables.values())

    def next_id(self, table: str, start: int = 1) -> int:
        number = max(self.counters.get(table, start - 1), start - 1) + 1
        self.counters[table] = number
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (table, number))
        return number

    def get(self, table: str, key: Any) -> Record | None:
        found = self._tables.get(table, {}).get(key)
        return json.loads(found) if found is not None else None

    def records(self, table: str) -> Iterator[Record]:
        """Every record of `table` (fresh copies), in insertion order."""
        for text in list(self._tables.get(table, {}).values()):
            yield json.loads(text)

    def all(self, table: str) -> list[Record]:
        return list(self.records(table))

    def memo(self, table: str, key: Any, make: Callable[[], Any]) -> Any:
        """`make()`, kept until `table` changes: a 100,000-route listing is parsed once,
        not once per page. Callers must not change what it gives."""
        version = self.versions.get(table, 0)
        found = self._memo.get((table, key))
        if found is not None and found[0] == version:
            return found[1]
        value = make()
        self._memo[(table, key)] = (version, value)
        return value

    def count(self, table: str) -> int:
        return len(self._tables.get(table, {}))

    # -- natural-key indexes -----------------------------------------------------------

    def index(self, table: str, name: str, key: KeyFunction) -> None:
        """Keep an index of `table` by `key(record)` (None: not indexed). Idempotent."""
        indexes = self._indexes.setdefault(table, {})
        if name in indexes:
            return
        entries: dict[Any, set[Any]] = {}
        for record_id, text in self._tables.get(table, {}).items():
            value = key(json.loads(text))
            if value is not None:
                entries.setdefault(value, set()).add(record_id)
        indexes[name] = (key, entries)

    def lookup(self, table: str, name: str, value: tuple[Any, ...]) -> set[Any]:
        """Ids of the records whose indexed key is `value`."""
        return set(self._indexes[table][name][1].get(value, ()))

    def _unindex(self, table: str, key: Any) -> None:
        old = self._tables.get(table, {}).get(key)
        if old is None or table not in self._indexes:
            return
        record = json.loads(old)
        for function, entries in self._indexes[table].values():
            value = function(record)
            if value is not None and value in entries:
                entries[value].discard(key)
                if not entries[value]:
                    del entries[value]

    # -- writing -------------------------------------------------------------------------

    def put(self, table: str, key: Any, record: Record) -> None:
        text = json.dumps(record, separators=(",", ":"))
        self._unindex(table, key)
        self._tables.setdefault(table, {})[key] = text
        for function, entries in self._indexes.get(table, {}).values():
            value = function(record)
            if value is not None:
                entries.setdefault(value, set()).add(key)
        self.version += 1
        self.versions[table] = self.versions.get(table, 0) + 1
        if self._db is not None:
            self._db.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?)", (table, json.dumps(key), text)
            )

    def remove(self, table: str, key: Any) -> None:
        self._unindex(table, key)
        self._tables.get(table, {}).pop(key, None)
        self.version += 1
        self.versions[table] = self.versions.get(table, 0) + 1
        if self._db is not None:
            self._db.execute(
                "DELETE FROM records WHERE tbl = ? AND id = ?", (table, json.dumps(key))
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """On disk, everything one request writes lands together or not at all (a route
        and the number it claims), even if the process dies in between."""
        if self._db is None or self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("COMMIT")  # what ran before the error was answered as done
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
