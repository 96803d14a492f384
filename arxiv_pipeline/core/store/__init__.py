"""The warehouse (a DuckDB file, or a PostgreSQL database) every stage reads from and writes to;
the only place the pipeline writes SQL.

Each stage owns one table keyed by ``announce_date``; a stage's write replaces that day's rows in
one transaction, so a rerun leaves exactly one copy of every row, other days are untouched, and a
stage that fails before writing leaves what was stored as it was.

The tables are in ``schema``, the connection and generic reads and writes in ``base``, each
stage's queries in ``core/<stage>/queries.py``, the PostgreSQL backend in ``postgres``.
"""

from __future__ import annotations

from pathlib import Path

from arxiv_pipeline.core.config import is_postgres_url
from arxiv_pipeline.core.store.base import LOCK_WAITS, LockWaits, StoreBusyError
from arxiv_pipeline.core.store.schema import (
    PAPER_DIGEST_VIEW,
    PROVENANCE,
    SCHEMA_VERSION,
    SHARED_TABLES,
    TABLES,
    data_columns,
    reader_schema,
    table_columns,
)
from arxiv_pipeline.core.store.warehouse import Warehouse


def open_warehouse(
    location: str | Path, lock_timeout_s: float = 120.0, reader: str | None = None
) -> Warehouse:
    """The DuckDB file at a path, or the PostgreSQL database at a ``postgresql://`` URL."""
    if is_postgres_url(location):
        from arxiv_pipeline.core.store.postgres import PostgresWarehouse

        return PostgresWarehouse(str(location), lock_timeout_s, reader)
    return Warehouse(location, lock_timeout_s, reader)


__all__ = [
    "LOCK_WAITS",
    "PAPER_DIGEST_VIEW",
    "PROVENANCE",
    "SCHEMA_VERSION",
    "SHARED_TABLES",
    "TABLES",
    "LockWaits",
    "StoreBusyError",
    "Warehouse",
    "data_columns",
    "open_warehouse",
    "reader_schema",
    "table_columns",
]
