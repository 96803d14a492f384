import dagster as dg

from arxiv_pipeline.assets.common import (
    OWNERS,
    PREVIOUS_DAY,
    check_result,
    report_metadata,
    table_metadata,
)
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.core import checks
from arxiv_pipeline.core.ranking import RANKING_PROMPT_VERSION
from arxiv_pipeline.core.scoring import SCORER_VERSION
from arxiv_pipeline.core.selection import SELECTION_VERSION
from arxiv_pipeline.core.stages.score import score_papers
from arxiv_pipeline.core.stages.select import decide_candidates
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import ConfigFile, DuckDBWarehouse, LLMEndpoint


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
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    day, store = partition_day(context), warehouse.store()
    report = decide_candidates(config_file.load(), day, store, context.run.run_id)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.EVERY_PAPER_ACCOUNTED_FOR, checks.accounting(store, day))],
    )


@dg.asset(
    partitions_def=announcement_days,
    # The previous day's selection is part of the input: a paper selected on an earlier day is
    # left out as already shown, so rebuilding a day changes what the days after it may show.
    deps=[candidate_papers, dg.AssetDep("paper_scores", partition_mapping=PREVIOUS_DAY)],
    group_name="selection",
    kinds={"duckdb", "python"},
    owners=OWNERS,
    tags={"stage": "score"},
    code_version=f"{SCORER_VERSION}+{RANKING_PROMPT_VERSION}",
    description="Keyword relevance score, matched keywords and rank of every kept paper, plus the "
    "LLM's relevance and novelty when ranking.llm_weight > 0; the top digest.max_papers are "
    "selected. Papers selected on an earlier day are left out as already shown (the selections "
    "of earlier days are this asset's own history).",
    pool="llm",
    metadata=table_metadata("paper_scores", "ranking_cache", "llm_calls"),
    check_specs=[
        dg.AssetCheckSpec(
            checks.SCORES_IN_RANGE, asset="paper_scores", blocking=True, partitions_def=announcement_days
        )
    ],
)
def paper_scores(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: DuckDBWarehouse, llm: LLMEndpoint
) -> dg.MaterializeResult:
    day, store = partition_day(context), warehouse.store()
    config = config_file.load()
    chat = llm.ranking_client() if config.ranking.llm_weight > 0 else None
    report = score_papers(config, day, store, context.run.run_id, chat)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.SCORES_IN_RANGE, checks.scores_in_range(store, day))],
    )
