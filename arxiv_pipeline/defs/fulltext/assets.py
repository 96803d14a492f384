"""paper_fulltext: the full text of the day's top papers, from arXiv's HTML or PDF."""

import dagster as dg

from arxiv_pipeline.core.fulltext import EXTRACTION_VERSION
from arxiv_pipeline.core.fulltext.fetch import fulltext_source
from arxiv_pipeline.core.fulltext.stage import fetch_fulltexts
from arxiv_pipeline.defs.common import day_inputs, report_metadata, stage_asset
from arxiv_pipeline.defs.groups import SUMMARIZATION
from arxiv_pipeline.defs.score.assets import paper_scores
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


@stage_asset(
    stage="fulltext",
    group=SUMMARIZATION,
    kinds={"duckdb", "html", "pdf"},
    tables=("paper_fulltext",),
    deps=[paper_scores],
    description="Full text of the day's top fulltext.top papers: arXiv's HTML rendering of that "
    "version, else its PDF, as sections of clean text (references and appendices dropped). Each "
    "paper version is fetched once; a failure is recorded with its reasons and tried again later.",
    # One arXiv request at a time across runs, as for the listings.
    pool="arxiv_api",
    code_version=EXTRACTION_VERSION,
)
def paper_fulltext(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day, store = day_inputs(context, config_file, warehouse)
    # Network waits: the store is opened per write.
    report = fetch_fulltexts(
        config,
        day,
        store,
        context.run.run_id,
        fulltext_source(config.fulltext, config.source, config.replay_root),
    )
    if report.counts.get("failed"):
        context.log.warning(
            f"no full text for {report.counts['failed']} paper(s); they keep abstract summaries: "
            f"{report.counts['failures']}"
        )
    return dg.MaterializeResult(metadata=report_metadata(report))
