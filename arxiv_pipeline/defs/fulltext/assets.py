"""paper_fulltext: the full text of the day's top papers, from arXiv's HTML or PDF."""

import dagster as dg

from arxiv_pipeline.core.fulltext import EXTRACTION_VERSION
from arxiv_pipeline.core.fulltext.fetch import fulltext_source
from arxiv_pipeline.core.fulltext.stage import fetch_fulltexts
from arxiv_pipeline.defs.common import OWNERS, reader_of, report_metadata, table_metadata
from arxiv_pipeline.defs.score.assets import paper_scores
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_scores],
    group_name="summarization",
    kinds={"duckdb", "html", "pdf"},
    owners=OWNERS,
    tags={"stage": "fulltext"},
    code_version=EXTRACTION_VERSION,
    description="Full text of the day's top fulltext.top papers: arXiv's HTML rendering of that "
    "version, else its PDF, as sections of clean text (references and appendices dropped). Each "
    "paper version is fetched once; a failure is recorded with its reasons and tried again later.",
    # One arXiv request at a time across runs, as for the listings.
    pool="arxiv_api",
    metadata=table_metadata("paper_fulltext"),
)
def paper_fulltext(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day = config_file.load(reader_of(context)), partition_day(context)
    # Network waits: the store is opened per write.
    report = fetch_fulltexts(
        config, day, warehouse.store(reader_of(context)), context.run.run_id, fulltext_source(config)
    )
    if report.counts.get("failed"):
        context.log.warning(
            f"no full text for {report.counts['failed']} paper(s); they keep abstract summaries: "
            f"{report.counts['failures']}"
        )
    return dg.MaterializeResult(metadata=report_metadata(report))
