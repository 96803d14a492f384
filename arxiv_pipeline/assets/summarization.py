import dagster as dg

from arxiv_pipeline.assets.common import check_result, report_metadata
from arxiv_pipeline.assets.selection import paper_scores
from arxiv_pipeline.core import checks
from arxiv_pipeline.core.stages import summarize_papers
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import PipelineSettings


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_scores],
    group_name="summarization",
    kinds={"duckdb", "python"},
    description="Structured summary (tldr, motivation, method, result, conclusion) of the top "
    "digest.summarize_top papers, or the error that stopped it, with the summarizer, model and "
    "prompt version. LLM answers are cached per paper version, model, prompt and language.",
    # Keeps LLM calls under the endpoint's limits across concurrent runs.
    pool="llm",
    check_specs=[
        dg.AssetCheckSpec(
            "summaries_complete",
            asset="paper_summaries",
            blocking=True,
            description="Each paper to summarize has a summary or a recorded failure.",
        )
    ],
)
def paper_summaries(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    config, day, store = settings.config(), partition_day(context), settings.warehouse()
    report = summarize_papers(config, day, store, context.run.run_id, api_key=settings.api_key())
    if report.counts.get("failed"):
        context.log.warning(
            f"{report.counts['failed']} summaries failed; those papers keep their abstract in the digest."
        )
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[
            check_result(
                "summaries_complete", checks.summaries_complete(store, day, config.digest.summarize_top)
            )
        ],
    )
