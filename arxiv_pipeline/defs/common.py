"""Shared by the asset modules: turning a stage's report into Dagster metadata, and the static
facts every asset declares (its table's columns, its owner)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import dagster as dg

from arxiv_pipeline.core.checks import CheckOutcome
from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.reports import StageReport
from arxiv_pipeline.core.store import Warehouse, table_columns
from arxiv_pipeline.partitions import announcement_days, partition_day, split_partition_key
from arxiv_pipeline.resources import ConfigFile, WarehouseResource

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
    if report.warnings:
        meta["warnings"] = dg.MetadataValue.text("\n".join(report.warnings))
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


@dataclass(frozen=True)
class Check:
    """An asset check of a stage's asset, on the asset's own partitions."""

    name: str
    description: str | None = None
    blocking: bool = False


def stage_asset(
    *,
    stage: str,
    group: str,
    kinds: set[str],
    tables: Sequence[str] = (),
    checks: Sequence[Check] = (),
    daily: bool = True,
    **asset_args: Any,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """``dg.asset`` with what every stage's asset declares the same way: partitioned by announcement
    day (``daily``; an asset over all days has no partitions), its group, owner and stage tag, the
    column schema of its ``tables``, and its ``checks`` on the same partitions as the asset."""
    partitions = announcement_days if daily else None

    def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
        specs = [
            dg.AssetCheckSpec(
                c.name,
                asset=fn.__name__,
                partitions_def=partitions,
                blocking=c.blocking,
                description=c.description,
            )
            for c in checks
        ]
        return dg.asset(
            partitions_def=partitions,
            group_name=group,
            kinds=kinds,
            owners=OWNERS,
            tags={"stage": stage},
            metadata=table_metadata(*tables) if tables else None,
            check_specs=specs or None,
            **asset_args,
        )(fn)

    return decorate


def day_inputs(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> tuple[PipelineConfig, date, Warehouse]:
    """A stage's inputs for the partition being built: its reader's configuration, the day, the
    reader's store."""
    reader = reader_of(context)
    return config_file.load(reader), partition_day(context), warehouse.store(reader)
