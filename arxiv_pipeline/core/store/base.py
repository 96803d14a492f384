"""The warehouse's connection (DuckDB by default), its schema, and the generic reads and writes every
stage's queries build on: a day replaced in one transaction, rows synced, appended or upserted.

Each stage owns one table keyed by ``announce_date``; a stage's write replaces that day's rows in
one transaction, so a rerun leaves exactly one copy of every row, other days are untouched, and a
stage that fails before writing leaves what was stored as it was.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Self

import duckdb
import pandas as pd

from arxiv_pipeline.core.store.schema import (
    PAPER_DIGEST_VIEW,
    SCHEMA_VERSION,
    SHARED_TABLES,
    TABLES,
    data_columns,
    reader_schema,
    table_columns,
)

_SCHEMA_READY: set[tuple[Any, ...]] = set()


_SCHEMA_LOCK = threading.Lock()


class StoreBusyError(RuntimeError):
    """Another process held the DuckDB file for longer than we were willing to wait."""


class LockWaits:
    """How long this process waited for other processes' hold on DuckDB files (the single-writer
    lock): what concurrent runs cost each other, reported by the benchmark."""

    def __init__(self) -> None:
        self.count = 0  # connections that had to wait
        self.total_s = 0.0
        self.max_s = 0.0
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.count += 1
            self.total_s += seconds
            self.max_s = max(self.max_s, seconds)

    def as_dict(self) -> dict[str, float]:
        return {"waits": self.count, "total_s": round(self.total_s, 3), "max_s": round(self.max_s, 3)}


LOCK_WAITS = LockWaits()


def rollback(conn: Any) -> None:
    """Roll back, keeping the first error: a failed write (a full disk, a conflict) may already
    have ended the transaction, and "cannot rollback - no transaction is active" would then hide
    the cause (it did: the disk-full error came only on the next run)."""
    with contextlib.suppress(Exception):  # the error being raised is the one to report
        conn.execute("ROLLBACK")


class WarehouseBase:
    """A DuckDB file with the pipeline's tables. Cheap to create; connects per operation, or once
    for a whole step inside ``held()``.

    The SQL here is written to run on PostgreSQL too (``PostgresWarehouse``); what differs lives in
    the few hooks below: connecting, the schema, bulk inserts, a row hash and row locks."""

    # Breaks ties between rows with the same timestamp in the order they were written.
    _INSERTION_ORDER = "rowid"

    def __init__(self, path: str | Path, lock_timeout_s: float = 120.0, reader: str | None = None) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        # A reader's store sees their own tables first, then the shared ones (SHARED_TABLES).
        self.reader = reader
        self._held: duckdb.DuckDBPyConnection | None = None

    @property
    def location(self) -> str:
        """Where the data lives, as a stable key (for caches that outlive one Warehouse)."""
        return str(self.path.resolve())

    @staticmethod
    def _row_hash(columns: str) -> str:
        """SQL for a 128-bit-summable hash of a row's ``columns`` (a day's fingerprint is their sum)."""
        return f"hash({columns})::HUGEINT"

    def _lock_for_update(self, conn: Any, key: str) -> None:
        """Inside a transaction: no other writer gets past this with the same ``key`` until it ends
        (two runs replacing the same day's rows, or claiming the same send, go one after the
        other). DuckDB's file has one writing process at a time, so nothing to do here."""

    # -- connections and schema -----------------------------------------------------------
    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        # DuckDB lets one process write a file at a time; concurrent runs wait their turn.
        started = time.monotonic()
        deadline = started + self.lock_timeout_s
        delay, waited = 0.05, False
        while True:
            try:
                conn = duckdb.connect(str(self.path), read_only=read_only)
                if waited:
                    LOCK_WAITS.add(time.monotonic() - started)
                return conn
            except duckdb.IOException as exc:
                locked = "lock" in str(exc).lower()
                if not locked:
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{self.path} stayed locked by another process for {self.lock_timeout_s:.0f}s: {exc}"
                    ) from exc
                time.sleep(delay)
                delay, waited = min(delay * 2, 1.0), True

    @contextmanager
    def held(self) -> Iterator[Self]:
        """One connection for a whole step: opening one costs tens of milliseconds and a step makes
        dozens of store calls. Only for steps without network or LLM waits, since other processes
        (sensors, `serve`, another run) wait for the file while it is held."""
        if self._held is not None:
            yield self
            return
        with self.connect() as conn:
            self._held = conn
            try:
                yield self
            finally:
                self._held = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._held is not None:
            yield self._held
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._open(read_only=False)
        try:
            conn.execute("SET TimeZone = 'UTC'")
            self._ensure_schema(conn)
            if self.reader:
                conn.execute(f"SET search_path = '{reader_schema(self.reader)},main'")
            yield conn
        finally:
            conn.close()

    def _schema_key(self) -> tuple[Any, ...]:
        # The inode tells a file deleted and made again (a test, a user starting over) from the old one.
        stat = self.path.stat()
        return (str(self.path.resolve()), stat.st_dev, stat.st_ino, self.reader)

    def _ensure_schema(self, conn: Any) -> None:
        # Once per database per process: sensors and steps in one process make many Warehouses,
        # and concurrent CREATE OR REPLACE VIEWs from threads conflict in DuckDB's catalog.
        key = self._schema_key()
        if key in _SCHEMA_READY:
            return
        with _SCHEMA_LOCK:
            if key not in _SCHEMA_READY:
                self._create_schema(conn, self.reader)
                _SCHEMA_READY.add(key)

    @staticmethod
    def _create_schema(conn: duckdb.DuckDBPyConnection, reader: str | None = None) -> None:
        if reader:
            # The reader's own tables and view are made in their schema, the shared ones in main.
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {reader_schema(reader)}")
            conn.execute(f"SET search_path = '{reader_schema(reader)},main'")
        for name, columns in TABLES.items():
            table = f"main.{name}" if reader and name in SHARED_TABLES else name
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            # A database made by an older version gets the columns added since (nullable), and
            # loses NOT NULL where a column became optional.
            have = {r[1]: bool(r[3]) for r in conn.execute(f"PRAGMA table_info('{table}')").fetchall()}
            for column, sql_type, nullable in table_columns(name):
                if column not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
                elif nullable and have[column]:
                    conn.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")
        conn.execute(PAPER_DIGEST_VIEW)
        conn.execute("CREATE TABLE IF NOT EXISTS main.schema_info (version INTEGER NOT NULL)")
        conn.execute("DELETE FROM main.schema_info")
        conn.execute("INSERT INTO main.schema_info VALUES (?)", [SCHEMA_VERSION])

    # -- generic reads and writes ---------------------------------------------------------
    @staticmethod
    def _insert(
        conn: duckdb.DuckDBPyConnection,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        verb: str = "INSERT",
        on_conflict: str = "",
    ) -> None:
        """Insert rows in one statement. ``verb`` "INSERT OR REPLACE" replaces rows with the same
        primary key; ``on_conflict`` is an ``ON CONFLICT ...`` clause (the table is ``target``)."""
        if not rows:
            return
        frame = pd.DataFrame.from_records(list(rows))
        columns = ", ".join(frame.columns)
        conn.register("incoming_rows", frame)
        try:
            conn.execute(
                f"{verb} INTO {table} AS target ({columns}) SELECT {columns} FROM incoming_rows {on_conflict}"
            )
        finally:
            conn.unregister("incoming_rows")

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise

    def replace_day(
        self, table: str, day: date, rows: Sequence[Mapping[str, Any]], where: Mapping[str, Any] | None = None
    ) -> int:
        """Swap in one day's rows for a table (optionally only those matching ``where``), atomically."""
        if table not in TABLES or "announce_date" not in TABLES[table]:
            raise ValueError(f"{table} is not a per-day table")
        where = dict(where or {})
        condition = "".join(f" AND {column} = ?" for column in where)
        with self._transaction() as conn:
            self._lock_for_update(conn, f"{self.reader}/{table}/{day}")
            conn.execute(f"DELETE FROM {table} WHERE announce_date = ?{condition}", [day, *where.values()])
            self._insert(conn, table, [{**r, **where, "announce_date": day} for r in rows])
        return len(rows)

    def sync_day(self, table: str, day: date, rows: Sequence[Mapping[str, Any]]) -> bool:
        """``replace_day``, unless the stored rows already hold the same data (provenance aside):
        then they stay as they are, with the run and time that last changed them, and downstream
        fingerprints stay equal. True when the day's rows were replaced."""
        if table not in TABLES or "announce_date" not in TABLES[table]:
            raise ValueError(f"{table} is not a per-day table")
        columns = ", ".join(data_columns(table))
        with self._transaction() as conn:
            self._lock_for_update(conn, f"{self.reader}/{table}/{day}")
            # A temp table of the target's exact types, so values compare as they would be stored.
            # Made and dropped inside the transaction: a failure rolls it back with the rest.
            conn.execute("DROP TABLE IF EXISTS incoming_day")
            conn.execute(f"CREATE TEMP TABLE incoming_day AS SELECT * FROM {table} LIMIT 0")
            self._insert(conn, "incoming_day", [{**r, "announce_date": day} for r in rows])
            stored = f"SELECT {columns} FROM {table} WHERE announce_date = ?"
            differing = conn.execute(
                f"SELECT count(*) FROM ((SELECT {columns} FROM incoming_day EXCEPT ALL {stored}) "
                f"UNION ALL ({stored} EXCEPT ALL SELECT {columns} FROM incoming_day)) AS differing",
                [day, day],
            ).fetchone()
            changed = differing is None or differing[0] != 0
            if changed:
                conn.execute(f"DELETE FROM {table} WHERE announce_date = ?", [day])
                conn.execute(f"INSERT INTO {table} SELECT * FROM incoming_day")
            conn.execute("DROP TABLE incoming_day")
            return changed

    def read_day(self, table: str, day: date, order_by: str | None = None) -> list[dict[str, Any]]:
        order = f" ORDER BY {order_by}" if order_by else ""
        return self.query(f"SELECT * FROM {table} WHERE announce_date = ?{order}", [day])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self.connect() as conn:
            cursor = conn.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _column(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return [next(iter(r.values())) for r in self.query(sql, params)]

    def append(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        with self.connect() as conn:
            self._insert(conn, table, rows)

    def upsert(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows, replacing those with the same primary key (cache tables)."""
        with self.connect() as conn:
            self._insert(conn, table, rows, verb="INSERT OR REPLACE")

    def store_answers(
        self, table: str, rows: Sequence[Mapping[str, Any]], calls: Sequence[Mapping[str, Any]]
    ) -> None:
        """Paid LLM answers (cache rows, replacing by key) and their call-log rows, in one
        transaction: one connection per batch, and never an answer without its log line."""
        with self._transaction() as conn:
            self._insert(conn, table, rows, verb="INSERT OR REPLACE")
            self._insert(conn, "llm_calls", calls)

    def row_count(self, table: str, day: date | None = None) -> int:
        if day is None:
            return self._column(f"SELECT count(*) FROM {table}", [])[0]
        return self._column(f"SELECT count(*) FROM {table} WHERE announce_date = ?", [day])[0]

    # -- selection and scoring ------------------------------------------------------------
    def recent_days(self, days: int) -> list[date]:
        """The latest ``days`` days with stored candidates, newest first."""
        return self._column(
            "SELECT DISTINCT announce_date FROM candidate_papers ORDER BY 1 DESC LIMIT ?", [days]
        )
