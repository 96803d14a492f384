"""paper_scores: every kept paper scored and ranked; the top of the day selected."""

import contextlib

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.score.ranking import RANKING_PROMPT_VERSION
from arxiv_pipeline.core.score.scoring import SCORER_VERSION
from arxiv_pipeline.core.score.stage import score_papers
from arxiv_pipeline.defs.common import (
    PREVIOUS_DAY,
    Check,
    check_result,
    day_inputs,
    reader_of,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import SELECTION
from arxiv_pipeline.defs.profile.assets import reader_profile
from arxiv_pipeline.defs.select.assets import candidate_papers
from arxiv_pipeline.resources import ConfigFile, LLMEndpoint, WarehouseResource


@stage_asset(
    stage="score",
    group=SELECTION,
    kinds={"duckdb", "python"},
    tables=("paper_scores", "ranking_cache", "llm_calls"),
    checks=[Check(checks.SCORES_IN_RANGE, blocking=True)],
    # The previous day's selection is part of the input: a paper selected on an earlier day is
    # left out as already shown, so rebuilding a day changes what the days after it may show.
    deps=[
        candidate_papers,
        reader_profile,
        dg.AssetDep("paper_scores", partition_mapping=PREVIOUS_DAY),
    ],
    description="Relevance score of every kept paper: keywords, followed authors, the reader "
    "profile (library and ratings) and the LLM's relevance and novelty when ranking.llm_weight > 0, "
    "with the contributions in words; the top digest.max_papers are "
    "selected. Papers selected on an earlier day are left out as already shown (the selections "
    "of earlier days are this asset's own history).",
    pool="llm",
    code_version=f"{SCORER_VERSION}+{RANKING_PROMPT_VERSION}",
)
def paper_scores(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource, llm: LLMEndpoint
) -> dg.MaterializeResult:
    config, day, store = day_inputs(context, config_file, warehouse)
    chat = llm.ranking_client(reader_of(context)) if config.ranking.llm_weight > 0 else None
    # Without LLM ranking there is no network wait: one connection serves the whole step.
    with contextlib.nullcontext(store) if chat else store.held():
        report = score_papers(config, day, store, context.run.run_id, chat)
        outcome = checks.scores_in_range(store, day)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.SCORES_IN_RANGE, outcome)],
    )
