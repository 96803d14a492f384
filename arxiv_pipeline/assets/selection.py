import dagster as dg

from arxiv_pipeline.assets.common import check_result, report_metadata
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.core import checks
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
    check_specs=[
        dg.AssetCheckSpec(
            "every_paper_accounted_for",
            asset="candidate_papers",
            blocking=True,
            description="Listed papers = kept + excluded with a reason, exactly.",
        ),
    ],
)
def candidate_papers(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    day, store = partition_day(context), settings.warehouse()
    report = decide_candidates(settings.config(), day, store, context.run.run_id)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[
            check_result("every_paper_accounted_for", checks.accounting(store, day)),
        ],
    )


@dg.asset(
    partitions_def=announcement_days,
    deps=[candidate_papers],
    group_name="selection",
    kinds={"duckdb", "python"},
    description="Keyword relevance score, matched keywords and rank of every kept paper, plus "
    "the LLM's relevance and novelty when ranking.llm_weight > 0; the top digest.max_papers "
    "are selected.",
    pool="llm",
    check_specs=[dg.AssetCheckSpec("scores_in_range", asset="paper_scores", blocking=True)],
)
def paper_scores(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    day, store = partition_day(context), settings.warehouse()
    report = score_papers(settings.config(), day, store, context.run.run_id, api_key=settings.api_key())
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result("scores_in_range", checks.scores_in_range(store, day))],
    )
