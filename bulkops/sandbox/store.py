"""The sandbox's account data: tables of JSON objects in memory, optionally kept in SQLite
(`--db FILE`) so a demo account survives restarts."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["Store"]

Record = dict[str, Any]


class Store:
    """Tables of records by id. Every write goes through `put`/`remove` (and to SQLite)."""

    def __init__(self, path: Path | None = None) -> None:
        self.tables: dict[str, dict[Any, Record]] = {}
        self.counters: dict[str, int] = {}
        self.version = 0
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
                record = json.loads(body)
                self.tables.setdefault(table, {})[json.loads(key)] = record
            for table, number in self._db.execute("SELECT tbl, n FROM counters"):
                self.counters[table] = number

    @property
    def empty(self) -> bool:
        return not any(self.tables.values())

    def table(self, name: str) -> dict[Any, Record]:
        return self.tables.setdefault(name, {})

    def next_id(self, table: str, start: int = 1) -> int:
        number = max(self.counters.get(table, start - 1), start - 1) + 1
        self.counters[table] = number
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (table, number))
        return number

    def get(self, table: str, key: Any) -> Record | None:
        found = self.table(table).get(key)
        return copy.deepcopy(found) if found is not None else None

    def all(self, table: str) -> list[Record]:
        return [copy.deepcopy(r) for r in self.table(table).values()]

    def put(self, table: str, key: Any, record: Record) -> None:
        self.table(table)[key] = copy.deepcopy(record)
        self.version += 1
        if self._db is not None:
            self._db.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                (table, json.dumps(key), json.dumps(record)),
            )

    def remove(self, table: str, key: Any) -> None:
        self.table(table).pop(key, None)
        self.version += 1
        if self._db is not None:
            self._db.execute(
                "DELETE FROM records WHERE tbl = ? AND id = ?", (table, json.dumps(key))
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
