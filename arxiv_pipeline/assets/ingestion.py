import dagster as dg

from arxiv_pipeline.assets.common import check_result, report_metadata
from arxiv_pipeline.core import checks
from arxiv_pipeline.core.stages import fetch_listings
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import PipelineSettings


@dg.asset(
    partitions_def=announcement_days,
    group_name="ingestion",
    kinds={"duckdb", "python"},
    # One arXiv request at a time across concurrent runs (set the pool's limit to 1).
    pool="arxiv_api",
    description="The day's announcements as arXiv gave them: one row per paper per feed, with "
    "announce type, full API metadata and where it came from.",
    check_specs=[
        dg.AssetCheckSpec(
            "volume_plausible",
            asset="arxiv_listings",
            description="Paper count within 0.25x-4x of the previous weekday (warns).",
        )
    ],
)
def arxiv_listings(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    config = settings.config()
    report = fetch_listings(config, partition_day(context), settings.warehouse(), context.run.run_id)
    if report.counts.get("no_announcement"):
        context.log.info("Empty feeds: arXiv announced nothing on this day (weekend or holiday).")
    check = checks.volume_plausible(settings.warehouse(), partition_day(context))
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result("volume_plausible", check, warn_only=True)],
    )
