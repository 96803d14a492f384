"""Shared by the asset modules: turning a stage's report into Dagster metadata."""

from typing import Any

import dagster as dg

from arxiv_pipeline.core.checks import CheckOutcome
from arxiv_pipeline.core.stages import StageReport


def report_metadata(report: StageReport, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "dagster/row_count": dg.MetadataValue.int(report.rows),
        "seconds": dg.MetadataValue.float(round(report.seconds, 4)),
    }
    for key, value in report.counts.items():
        if isinstance(value, dict):
            meta[key] = dg.MetadataValue.json(value)
        elif isinstance(value, bool):
            meta[key] = dg.MetadataValue.bool(value)
        elif isinstance(value, int):
            meta[key] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            meta[key] = dg.MetadataValue.float(value)
        else:
            meta[key] = dg.MetadataValue.text(str(value))
    if report.preview:
        meta["preview"] = dg.MetadataValue.md(report.preview)
    for i, path in enumerate(report.paths):
        meta["path" if i == 0 else f"path_{i}"] = dg.MetadataValue.path(str(path))
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
