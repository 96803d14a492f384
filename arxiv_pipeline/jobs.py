"""The whole digest for one announcement day, as a partitioned job."""

import dagster as dg

from arxiv_pipeline.run_health import TRIGGER_TAG

daily_digest_job = dg.define_asset_job(
    name="daily_digest_job",
    selection=dg.AssetSelection.groups("ingestion", "selection", "summarization", "publishing", "delivery"),
    description="Fetch, select, score, summarize, publish and deliver one arXiv announcement day.",
    # Who started a run: the schedule, a sensor and the CLI set their own; a launch from the UI
    # keeps this one.
    tags={TRIGGER_TAG: "ui"},
)

reader_profile_job = dg.define_asset_job(
    name="reader_profile_job",
    # Every reader's profile, when there are readers.
    selection=dg.AssetSelection.tag("stage", "profile"),
    description="Refit the reader profile from the library files and the ratings.",
    tags={TRIGGER_TAG: "ui"},
)
