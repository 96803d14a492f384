"""Shared by the asset modules: turning a stage's report into Dagster metadata, and the static
facts every asset declares (its table's columns, its owner)."""

from typing import Any

import dagster as dg

from arxiv_pipeline.core.checks import CheckOutcome
from arxiv_pipeline.core.reports import StageReport
from arxiv_pipeline.core.store import table_columns
from arxiv_pipeline.partitions import split_partition_key

OWNERS = ["team:arxiv-pipeline"]
PREVIOUS_DAY = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)


def reader_of(context: dg.AssetExecutionContext) -> str | None:
    """The reader a lab's per-reader partition is for (the reader dimension of ``2026-11-17|ana``),
    or None for the one-reader pipeline and the shared assets."""
    if not context.has_partition_key:
        return None
    return split_partition_key(context.partition_key)[1]


def table_metadata(*tables: str) -> dict[str, Any]:
    """The DuckDB table(s) an asset writes, with their columns, for the UI's schema view."""
    columns = [
        dg.TableColumn(name, sql_type, constraints=dg.TableColumnConstraints(nullable=nullable))
        for name, sql_type, nullable in table_columns(tables[0])
    ]
    return {
        "dagster/column_schema": dg.TableSchema(columns=columns),
        "dagster/table_name": tables[0],
        "tables": dg.MetadataValue.text(", ".join(tables)),
    }


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return dg.MetadataValue.json(value)
    if isinstance(value, bool):
        return dg.MetadataValue.bool(value)
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    if isinstance(value, float):
        return dg.MetadataValue.float(value)
    return dg.MetadataValue.text(str(value))


def report_metadata(report: StageReport, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "dagster/row_count": dg.MetadataValue.int(report.rows),
        "seconds": dg.MetadataValue.float(round(report.seconds, 4)),
    }
    meta.update({key: _value(value) for key, value in report.counts.items()})
    if report.preview:
        meta["preview"] = dg.MetadataValue.md(report.preview)
    for path in report.paths:
        # Named by folder and file ("2026-11-17/README.md", "digests/README.md"), not path_1.
        meta[f"file {path.parent.name}/{path.name}"] = dg.MetadataValue.path(str(path))
    meta.update(extra)
    return meta


def check_result(name: str, outcome: CheckOutcome, warn_only: bool = False) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name,
        passed=outcome.passed,
        description=outcome.description,
        metadata=outcome.metadata,
        severity=dg.AssetCheckSeverity.WARN if warn_only else dg.AssetCheckSeverity.ERROR,
    )
