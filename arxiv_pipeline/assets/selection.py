import contextlib

import dagster as dg

from arxiv_pipeline.assets.common import (
    OWNERS,
    PREVIOUS_DAY,
    check_result,
    reader_of,
    report_metadata,
    table_metadata,
)
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.core import checks
from arxiv_pipeline.core.profile.reader import TfidfRanker
from arxiv_pipeline.core.profile.stage import build_reader_profile
from arxiv_pipeline.core.score.ranking import RANKING_PROMPT_VERSION
from arxiv_pipeline.core.score.scoring import SCORER_VERSION
from arxiv_pipeline.core.score.stage import score_papers
from arxiv_pipeline.core.select.selection import SELECTION_VERSION
from arxiv_pipeline.core.select.stage import decide_candidates
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import ArxivPaperSource, ConfigFile, LLMEndpoint, WarehouseResource


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
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = partition_day(context)
    with warehouse.store(reader_of(context)).held() as store:
        report = decide_candidates(config_file.load(reader_of(context)), day, store, context.run.run_id)
        outcome = checks.accounting(store, day)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.EVERY_PAPER_ACCOUNTED_FOR, outcome)],
    )


@dg.asset(
    # Unrated papers of the stored history are the classifier's background and the idf's corpus.
    deps=[arxiv_listings],
    group_name="selection",
    kinds={"duckdb", "scikitlearn"},
    owners=OWNERS,
    tags={"stage": "profile"},
    code_version=f"{TfidfRanker.name}-{TfidfRanker.version}",
    description="What the reader likes: their library files (reader.library) and their ratings, "
    "fitted as tf-idf similarity to the library, or a classifier once there are reader.min_ratings "
    "ratings. Refitted only when the library, the ratings, the settings or the history change.",
    metadata=table_metadata("reader_profile", "reader_library", "library_papers", "ratings"),
    check_specs=[
        dg.AssetCheckSpec(
            checks.LIBRARY_LOADED,
            asset="reader_profile",
            description="Every entry of the library files was read (a broken one is named with its line).",
        )
    ],
)
def reader_profile(
    context: dg.AssetExecutionContext,
    config_file: ConfigFile,
    warehouse: WarehouseResource,
    paper_source: ArxivPaperSource,
) -> dg.MaterializeResult:
    config, store = config_file.load(reader_of(context)), warehouse.store(reader_of(context))
    lookup = getattr(paper_source.source(), "lookup", None) if config.source.kind == "arxiv" else None
    # Offline there is no network wait, so one connection serves the whole step.
    with contextlib.nullcontext(store) if lookup else store.held():
        report = build_reader_profile(config, store, context.run.run_id, lookup)
        fingerprint = store.profile_fingerprint() or "none"
    problems = list(report.counts.get("problems", []))
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        data_version=dg.DataVersion(fingerprint),
        check_results=[
            check_result(checks.LIBRARY_LOADED, checks.library_loaded(problems, report.rows), warn_only=True)
        ],
    )


@dg.asset(
    partitions_def=announcement_days,
    # The previous day's selection is part of the input: a paper selected on an earlier day is
    # left out as already shown, so rebuilding a day changes what the days after it may show.
    deps=[
        candidate_papers,
        reader_profile,
        dg.AssetDep("paper_scores", partition_mapping=PREVIOUS_DAY),
    ],
    group_name="selection",
    kinds={"duckdb", "python"},
    owners=OWNERS,
    tags={"stage": "score"},
    code_version=f"{SCORER_VERSION}+{RANKING_PROMPT_VERSION}",
    description="Relevance score of every kept paper: keywords, followed authors, the reader "
    "profile (library and ratings) and the LLM's relevance and novelty when ranking.llm_weight > 0, "
    "with the contributions in words; the top digest.max_papers are "
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
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource, llm: LLMEndpoint
) -> dg.MaterializeResult:
    day, store = partition_day(context), warehouse.store(reader_of(context))
    config = config_file.load(reader_of(context))
    chat = llm.ranking_client(reader_of(context)) if config.ranking.llm_weight > 0 else None
    # Without LLM ranking there is no network wait: one connection serves the whole step.
    with contextlib.nullcontext(store) if chat else store.held():
        report = score_papers(config, day, store, context.run.run_id, chat)
        outcome = checks.scores_in_range(store, day)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.SCORES_IN_RANGE, outcome)],
    )
