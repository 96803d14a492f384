"""reader_profile: the reader's library and ratings fitted as the model that ranks their days."""

import contextlib

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.profile.reader import TfidfRanker
from arxiv_pipeline.core.profile.stage import build_reader_profile
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    reader_of,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import SELECTION
from arxiv_pipeline.defs.ingest.assets import arxiv_listings
from arxiv_pipeline.resources import ArxivPaperSource, ConfigFile, WarehouseResource


@stage_asset(
    stage="profile",
    group=SELECTION,
    kinds={"duckdb", "scikitlearn"},
    tables=("reader_profile", "reader_library", "library_papers", "ratings"),
    checks=[
        Check(
            checks.LIBRARY_LOADED,
            description="Every entry of the library files was read (a broken one is named with its line).",
        )
    ],
    daily=False,
    # Unrated papers of the stored history are the classifier's background and the idf's corpus.
    deps=[arxiv_listings],
    description="What the reader likes: their library files (reader.library) and their ratings, "
    "fitted as tf-idf similarity to the library, or a classifier once there are reader.min_ratings "
    "ratings. Refitted only when the library, the ratings, the settings or the history change.",
    code_version=f"{TfidfRanker.name}-{TfidfRanker.version}",
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
