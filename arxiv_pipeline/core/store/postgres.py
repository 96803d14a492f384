"""The warehouse on PostgreSQL, for a lab whose runs execute in several processes or on several
machines at once: one DuckDB file takes one writing process at a time, a PostgreSQL database takes
them all. Selected by a ``postgresql://`` URL in ``storage.database``; the password comes from the
environment (``PGPASSWORD``) or ``~/.pgpass``, never from the configuration.

The tables, their columns and every query are the DuckDB warehouse's (``store.py``); this module
holds only what PostgreSQL does differently: connecting, the schema, bulk inserts, a row hash and
row locks.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from arxiv_pipeline.core.config import postgres_url_problem
from arxiv_pipeline.core.store.base import StoreBusyError, rollback
from arxiv_pipeline.core.store.schema import (
    PAPER_DIGEST_VIEW,
    SCHEMA_VERSION,
    SHARED_TABLES,
    TABLES,
    reader_schema,
    table_columns,
)
from arxiv_pipeline.core.store.warehouse import Warehouse

# Any constant: every process building the schema takes this PostgreSQL advisory lock first.
_SCHEMA_LOCK_ID = 0x6172786976


class WarehouseUnavailableError(StoreBusyError):
    """The PostgreSQL warehouse could not be reached for longer than we were willing to wait."""


def _pg_type(sql: str) -> str:
    return re.sub(r"\bBLOB\b", "BYTEA", re.sub(r"\bDOUBLE\b", "DOUBLE PRECISION", sql))


@cache
def primary_key(table: str) -> tuple[str, ...]:
    columns = TABLES.get(table, "")
    found = re.search(r"PRIMARY KEY \(([^)]*)\)", columns)
    if found:
        return tuple(c.strip() for c in found.group(1).split(","))
    found = re.search(r"^\s*(\w+)\s+\w+\s+PRIMARY KEY", columns, re.M)
    return (found.group(1),) if found else ()


def _to_pg(value: Any) -> Any:
    """A Python value psycopg2 can send: pandas/numpy values as plain ones, NaN/NaT as NULL."""
    if value is None or isinstance(value, str | bool | int | bytes):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, list | tuple):
        return [_to_pg(v) for v in value]
    if isinstance(value, date):
        if value != value:  # pandas NaT
            return None
        return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _to_pg(value.tolist())
    return value


def _from_pg(value: Any) -> Any:
    """What DuckDB would have returned: bytes for BYTEA, numbers for NUMERIC sums."""
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _placeholders(sql: str) -> str:
    # The store writes DuckDB's ``?`` placeholders; psycopg2 takes ``%s`` (and ``%%`` for ``%``).
    return sql.replace("%", "%%").replace("?", "%s")


class _Cursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(_from_pg(v) for v in row) for row in self._cursor.fetchall()]

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return [tuple(_from_pg(v) for v in row) for row in self._cursor.fetchmany(size)]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._cursor.fetchone()
        return None if row is None else tuple(_from_pg(v) for v in row)


class PostgresConnection:
    """A psycopg2 connection with the one method the store calls on a DuckDB connection."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Cursor:
        cursor = self.raw.cursor()
        cursor.execute(_placeholders(sql), [_to_pg(p) for p in params or []])
        return _Cursor(cursor)

    def close(self) -> None:
        self.raw.close()


class PostgresWarehouse(Warehouse):
    """The pipeline's tables in a PostgreSQL database: the shared ones in schema ``main``, each
    reader's in ``reader_<name>``, as in the DuckDB file. Connects per operation (a few
    milliseconds), or once for a whole step inside ``held()``."""

    _INSERTION_ORDER = "ctid"

    def __init__(self, url: str, lock_timeout_s: float = 120.0, reader: str | None = None) -> None:
        problem = postgres_url_problem(url)
        if problem:
            raise ValueError(f"storage.database: the PostgreSQL URL {problem}")
        self.url = url
        self.lock_timeout_s = lock_timeout_s
        self.reader = reader
        self._held = None

    @property
    def location(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"PostgresWarehouse({self.url!r}, reader={self.reader!r})"

    @staticmethod
    def _row_hash(columns: str) -> str:
        return f"hashtextextended(ROW({columns})::text, 0)::NUMERIC"

    def _lock_for_update(self, conn: Any, key: str) -> None:
        # Runs on other machines write too: hold a lock on the key until this transaction ends.
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key])

    def _connect_raw(self) -> Any:
        try:
            import psycopg2
        except ImportError as exc:  # pragma: no cover - the lab extra brings it
            raise ImportError(
                "storage.database is a PostgreSQL URL, which needs psycopg2: "
                "pip install 'arxiv-pipeline[lab]'"
            ) from exc
        schemas = f"{reader_schema(self.reader)},main" if self.reader else "main"
        # A server restarting (or a full connection table) is waited out like DuckDB's file lock.
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.1
        while True:
            try:
                raw = psycopg2.connect(
                    self.url,
                    connect_timeout=max(1, min(30, int(self.lock_timeout_s))),
                    application_name="arxiv-pipeline",
                    options=f"-c TimeZone=UTC -c search_path={schemas}",
                )
                raw.autocommit = True  # transactions are explicit (BEGIN ... COMMIT), as on DuckDB
                return raw
            except psycopg2.OperationalError as exc:
                if time.monotonic() >= deadline:
                    raise WarehouseUnavailableError(
                        f"cannot connect to the warehouse {self.url}: {str(exc).strip()}"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    @contextmanager
    def connect(self) -> Iterator[Any]:  # type: ignore[override]
        if self._held is not None:
            yield self._held
            return
        conn = PostgresConnection(self._connect_raw())
        try:
            self._ensure_schema(conn)
            yield conn
        finally:
            conn.close()

    def _schema_key(self) -> tuple[Any, ...]:
        return (self.url, self.reader)

    @staticmethod
    def _create_schema(conn: Any, reader: str | None = None) -> None:
        own = reader_schema(reader) if reader else "main"
        conn.execute("BEGIN")
        try:
            # Processes starting together would race on the catalog; one builds, the others wait.
            conn.execute("SELECT pg_advisory_xact_lock(?)", [_SCHEMA_LOCK_ID])
            conn.execute("CREATE SCHEMA IF NOT EXISTS main")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {own}")
            for name, columns in TABLES.items():
                schema = "main" if name in SHARED_TABLES else own
                conn.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{name} ({_pg_type(columns)})")
                have = {
                    r[0]: r[1] == "NO"
                    for r in conn.execute(
                        "SELECT column_name, is_nullable FROM information_schema.columns "
                        "WHERE table_schema = ? AND table_name = ?",
                        [schema, name],
                    ).fetchall()
                }
                for column, sql_type, nullable in table_columns(name):
                    if column not in have:
                        conn.execute(f"ALTER TABLE {schema}.{name} ADD COLUMN {column} {_pg_type(sql_type)}")
                    elif nullable and have[column]:
                        conn.execute(f"ALTER TABLE {schema}.{name} ALTER COLUMN {column} DROP NOT NULL")
            # Made again, not replaced: PostgreSQL replaces a view only when its columns only grow.
            conn.execute(f"DROP VIEW IF EXISTS {own}.paper_digest")
            conn.execute(
                PAPER_DIGEST_VIEW.replace(
                    "CREATE OR REPLACE VIEW paper_digest", f"CREATE VIEW {own}.paper_digest"
                )
            )
            conn.execute("CREATE TABLE IF NOT EXISTS main.schema_info (version INTEGER NOT NULL)")
            conn.execute("DELETE FROM main.schema_info")
            conn.execute("INSERT INTO main.schema_info VALUES (?)", [SCHEMA_VERSION])
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise

    @staticmethod
    def _insert(
        conn: Any,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        verb: str = "INSERT",
        on_conflict: str = "",
    ) -> None:
        if not rows:
            return
        from psycopg2.extras import execute_values

        columns = list(dict.fromkeys(c for r in rows for c in r))
        key = primary_key(table)
        if verb == "INSERT OR REPLACE":
            updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
            on_conflict = f"ON CONFLICT ({', '.join(key)}) DO " + (
                f"UPDATE SET {updates}" if updates else "NOTHING"
            )
        if on_conflict and key:
            # One row per key (the last wins, as on DuckDB), in key order: runs writing the same
            # keys at once then take their row locks in the same order and cannot deadlock.
            last = {tuple(str(r.get(c)) for c in key): r for r in rows}
            rows = [last[k] for k in sorted(last)]
        values = [tuple(_to_pg(r.get(c)) for c in columns) for r in rows]
        with conn.raw.cursor() as cursor:
            execute_values(
                cursor,
                f"INSERT INTO {table} AS target ({', '.join(columns)}) VALUES %s {on_conflict}",
                values,
                page_size=1000,
            )
