"""paper_summaries: a structured summary of each top paper, or the error that stopped it."""

import contextlib

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.summarize import ExtractiveSummarizer, summarizers_version
from arxiv_pipeline.core.summarize.stage import summarize_papers
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    day_inputs,
    reader_of,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.fulltext.assets import paper_fulltext
from arxiv_pipeline.defs.groups import SUMMARIZATION
from arxiv_pipeline.resources import ConfigFile, LLMEndpoint, WarehouseResource


@stage_asset(
    stage="summarize",
    group=SUMMARIZATION,
    kinds={"duckdb", "python"},
    tables=("paper_summaries", "summary_cache", "llm_calls"),
    checks=[
        Check(
            checks.SUMMARIES_COMPLETE,
            description="Each paper to summarize has a summary or a recorded failure.",
            blocking=True,
        )
    ],
    deps=[paper_fulltext],
    description="Structured summary (tldr, motivation, method, result, conclusion) of the top "
    "digest.summarize_top papers, or the error that stopped it, with the summarizer, model and "
    "prompt version. LLM answers are cached per paper version, model, prompt and language.",
    # Keeps LLM calls under the endpoint's limits across concurrent runs.
    pool="llm",
    code_version=summarizers_version(),
)
def paper_summaries(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource, llm: LLMEndpoint
) -> dg.MaterializeResult:
    config, day, store = day_inputs(context, config_file, warehouse)
    with llm.summarizer_session(reader_of(context)) as summarizer:
        # The extractive summarizer makes no calls: one connection serves the whole step. LLM
        # calls run in threads and take seconds, so that path connects per write.
        offline = summarizer.name == ExtractiveSummarizer.name
        with store.held() if offline else contextlib.nullcontext(store):
            report = summarize_papers(config, day, store, context.run.run_id, summarizer)
            outcome = checks.summaries_complete(store, day, config.digest.summarize_top)
    if report.counts.get("failed"):
        context.log.warning(
            f"{report.counts['failed']} summaries failed; those papers keep their abstract in the digest."
        )
    return dg.MaterializeResult(
        metadata=report_metadata(report), check_results=[check_result(checks.SUMMARIES_COMPLETE, outcome)]
    )
