"""The jobs: one reader's digest for an announcement day, and the reader profile's refit. A lab
(``readers:``) has one more: the shared fetch of the day, which Dagster runs on its own because a
run covers one partition (a day) and the readers' stages are partitioned by (day, reader)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs import groups
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

DIGEST_JOB = "daily_digest_job"
LISTINGS_JOB = "arxiv_listings_job"
READER_STAGES = groups.READER_STAGES
# Who started a run: the schedule, a sensor and the CLI set their own; a launch from the UI keeps this one.
UI_TAGS = {TRIGGER_TAG: "ui"}

daily_digest_job = dg.define_asset_job(
    name=DIGEST_JOB,
    selection=dg.AssetSelection.groups(groups.INGESTION, *READER_STAGES),
    description="Fetch, select, score, summarize, publish and deliver one arXiv announcement day.",
    tags=UI_TAGS,
)

reader_digest_job = dg.define_asset_job(
    name=DIGEST_JOB,
    selection=dg.AssetSelection.groups(*READER_STAGES),
    description="One reader's digest of one announcement day (a (day, reader) partition): select, "
    "score, summarize, publish and deliver, from the day's shared arxiv_listings.",
    tags=UI_TAGS,
)

arxiv_listings_job = dg.define_asset_job(
    name=LISTINGS_JOB,
    selection=dg.AssetSelection.groups(groups.INGESTION),
    description="Fetch one announcement day for every reader (the categories any of them follows); "
    "each reader's run of daily_digest_job follows it.",
    tags=UI_TAGS,
)

reader_profile_job = dg.define_asset_job(
    name="reader_profile_job",
    selection=dg.AssetSelection.tag("stage", "profile"),
    description="Refit the reader profile from the library files and the ratings.",
    tags=UI_TAGS,
)


DELIVERY_JOB = "digest_delivery_job"
digest_delivery_job = dg.define_asset_job(
    name=DELIVERY_JOB,
    selection=dg.AssetSelection.assets("digest_delivery"),
    description="Deliver one built day again (what `arxiv-pipeline deliver` runs): targets already "
    "sent are left alone unless forced.",
    tags=UI_TAGS,
)


def jobs_for(config: PipelineConfig) -> list[UnresolvedAssetJobDefinition]:
    if config.readers:
        return [arxiv_listings_job, reader_digest_job, reader_profile_job, digest_delivery_job]
    return [daily_digest_job, reader_profile_job, digest_delivery_job]


def day_job_for(config: PipelineConfig) -> UnresolvedAssetJobDefinition:
    """The job that starts an announcement day: the whole digest, or in a lab the shared fetch."""
    return arxiv_listings_job if config.readers else daily_digest_job
