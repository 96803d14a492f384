"""candidate_papers: the day's listings filtered, every left-out paper with its reason."""

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.select.selection import SELECTION_VERSION
from arxiv_pipeline.core.select.stage import decide_candidates
from arxiv_pipeline.defs.common import OWNERS, check_result, reader_of, report_metadata, table_metadata
from arxiv_pipeline.defs.ingest.assets import arxiv_listings
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


@dg.asset(
    partitions_def=announcement_days,
    deps=[arxiv_listings],
    group_name="selection",
    kinds={"duckdb", "python"},
    owners=OWNERS,
    tags={"stage": "select"},
    code_version=SELECTION_VERSION,
    description="One row per paper of the day: kept, or left out with the reason (announce type, "
    "category, exclude keyword, no keyword).",
    metadata=table_metadata("candidate_papers"),
    check_specs=[
        dg.AssetCheckSpec(
            checks.EVERY_PAPER_ACCOUNTED_FOR,
            asset="candidate_papers",
            partitions_def=announcement_days,
            blocking=True,
            description="Listed papers = kept + excluded with a reason, exactly.",
        ),
    ],
)
def candidate_papers(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = partition_day(context)
    with warehouse.store(reader_of(context)).held() as store:
        report = decide_candidates(config_file.load(reader_of(context)), day, store, context.run.run_id)
        outcome = checks.accounting(store, day)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.EVERY_PAPER_ACCOUNTED_FOR, outcome)],
    )
