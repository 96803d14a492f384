"""candidate_papers: the day's listings filtered, every left-out paper with its reason."""

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.select.selection import SELECTION_VERSION
from arxiv_pipeline.core.select.stage import decide_candidates
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    day_inputs,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import SELECTION
from arxiv_pipeline.defs.ingest.assets import arxiv_listings
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


@stage_asset(
    stage="select",
    group=SELECTION,
    kinds={"duckdb", "python"},
    tables=("candidate_papers",),
    checks=[
        Check(
            checks.EVERY_PAPER_ACCOUNTED_FOR,
            description="Listed papers = kept + excluded with a reason, exactly.",
            blocking=True,
        )
    ],
    deps=[arxiv_listings],
    description="One row per paper of the day: kept, or left out with the reason (announce type, "
    "category, exclude keyword, no keyword).",
    code_version=SELECTION_VERSION,
)
def candidate_papers(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day, warehouse_store = day_inputs(context, config_file, warehouse)
    with warehouse_store.held() as store:
        report = decide_candidates(config, day, store, context.run.run_id)
        outcome = checks.accounting(store, day)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.EVERY_PAPER_ACCOUNTED_FOR, outcome)],
    )
