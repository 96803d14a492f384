import dagster as dg

from arxiv_pipeline.assets.common import report_metadata
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.core.stages import decide_candidates, score_papers
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import PipelineSettings


@dg.asset(
    partitions_def=announcement_days,
    deps=[arxiv_listings],
    group_name="selection",
    kinds={"duckdb", "python"},
    description="One row per paper of the day: kept, or left out with the reason (type, "
    "category, already seen, exclude keyword, no keyword).",
)
def candidate_papers(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    report = decide_candidates(settings.config(), partition_day(context), settings.warehouse(),
                               context.run.run_id)
    return dg.MaterializeResult(metadata=report_metadata(report))


@dg.asset(
    partitions_def=announcement_days,
    deps=[candidate_papers],
    group_name="selection",
    kinds={"duckdb", "python"},
    description="Keyword relevance score, matched keywords and rank of every kept paper, plus "
    "the LLM's relevance and novelty when ranking.llm_weight > 0; the top digest.max_papers "
    "are selected.",
    pool="llm",
)
def paper_scores(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    report = score_papers(settings.config(), partition_day(context), settings.warehouse(),
                          context.run.run_id, api_key=settings.api_key())
    return dg.MaterializeResult(metadata=report_metadata(report))
