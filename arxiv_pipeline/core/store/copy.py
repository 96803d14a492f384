"""Every table of one warehouse, every reader's and provenance included, copied into another."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from arxiv_pipeline.core.store import open_warehouse
from arxiv_pipeline.core.store.schema import SHARED_TABLES, TABLES, table_columns


class WarehouseNotEmptyError(RuntimeError):
    """The warehouse being copied into already holds rows."""


def copy_warehouse(
    source: str | Path,
    target: str | Path,
    readers: Sequence[str] = (),
    replace: bool = False,
    batch: int = 5000,
) -> dict[str, int]:
    """Every row of one warehouse into another (a DuckDB file into PostgreSQL, or back), each
    reader's tables included, provenance and all, so the target carries on where the source
    stopped. Each table is copied in one transaction. A target that already holds rows is left
    as it is unless ``replace``. Returns the rows copied per table (``reader/table`` for readers')."""
    plan = []
    for reader in [None, *readers]:
        src, dst = open_warehouse(source, reader=reader), open_warehouse(target, reader=reader)
        for table in TABLES:
            if reader and table in SHARED_TABLES:
                continue
            plan.append((f"{reader}/{table}" if reader else table, table, src, dst))
    if not replace:
        full = [name for name, table, _, dst in plan if dst.row_count(table)]
        if full:
            raise WarehouseNotEmptyError(
                f"{target} already holds rows in {', '.join(full)}; copy into an empty database, "
                "or pass --replace to replace them"
            )
    copied = {}
    for name, table, src, dst in plan:
        columns = ", ".join(c for c, _, _ in table_columns(table))
        copied[name] = 0
        with src.connect() as reading, dst._transaction() as writing:
            writing.execute(f"DELETE FROM {table}")
            # In the order written: ties between ratings of the same moment keep their order.
            cursor = reading.execute(f"SELECT {columns} FROM {table} ORDER BY {src._INSERTION_ORDER}")
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(batch):
                dst._insert(writing, table, [dict(zip(names, r, strict=True)) for r in rows])
                copied[name] += len(rows)
    return copied
