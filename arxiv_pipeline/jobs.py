"""The whole digest for one announcement day, as a partitioned job."""

import dagster as dg

daily_digest_job = dg.define_asset_job(
    name="daily_digest_job",
    selection=dg.AssetSelection.groups("ingestion", "selection", "summarization", "publishing"),
    description="Fetch, select, score, summarize and publish one arXiv announcement day.",
)
