import contextlib

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.ingest.source import SOURCE_VERSION
from arxiv_pipeline.core.ingest.stage import fetch_listings
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    day_inputs,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import INGESTION
from arxiv_pipeline.resources import ArxivPaperSource, ConfigFile, WarehouseResource


@stage_asset(
    stage="ingest",
    group=INGESTION,
    kinds={"duckdb", "python"},
    tables=("arxiv_listings", "feed_reports", "papers"),
    checks=[
        Check(
            checks.VOLUME_PLAUSIBLE,
            description="Paper count within 0.25x-4x of the previous weekday (warns).",
        )
    ],
    # One arXiv request at a time across concurrent runs (set the pool's limit to 1).
    pool="arxiv_api",
    description="The day's announcements as arXiv gave them: one row per paper per feed, with "
    "announce type, full API metadata and where it came from.",
    code_version=SOURCE_VERSION,
)
def arxiv_listings(
    context: dg.AssetExecutionContext,
    config_file: ConfigFile,
    warehouse: WarehouseResource,
    paper_source: ArxivPaperSource,
) -> dg.MaterializeResult:
    config, day, store = day_inputs(context, config_file, warehouse)  # shared: no reader
    if config.readers:
        # One fetch for every reader: the categories any of them follows.
        config = config.model_copy(update={"categories": config.listing_categories()})
    # Replayed days need no network: one connection serves the whole step. Live fetches wait on
    # arXiv (3 s between requests), so they connect per write and leave the file free meanwhile.
    with store.held() if config.source.kind == "replay" else contextlib.nullcontext(store):
        report = fetch_listings(config, day, store, paper_source.source(), context.run.run_id)
        check = checks.volume_plausible(store, day)
    if report.counts.get("no_announcement"):
        context.log.info("Empty feeds: arXiv announced nothing on this day (weekend or holiday).")
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.VOLUME_PLAUSIBLE, check, warn_only=True)],
    )
