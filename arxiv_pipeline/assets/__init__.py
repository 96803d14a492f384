"""Assets by stage: ingestion → selection → summarization → publishing → delivery."""

import dagster as dg

from arxiv_pipeline.assets.delivery import digest_delivery
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.assets.publishing import (
    daily_digest,
    digest_export,
    digest_feeds,
    digest_markdown,
    site_day_page,
    site_index,
)
from arxiv_pipeline.assets.selection import candidate_papers, paper_scores, reader_profile
from arxiv_pipeline.assets.summarization import paper_fulltext, paper_summaries
from arxiv_pipeline.core.config import PipelineConfig

ALL_ASSETS = [
    arxiv_listings,
    candidate_papers,
    reader_profile,
    paper_scores,
    paper_fulltext,
    paper_summaries,
    digest_markdown,
    daily_digest,
    digest_export,
    site_day_page,
    site_index,
    digest_feeds,
    digest_delivery,
]

# Fetched once a day for every reader; with readers, each reader gets a copy of the others.
SHARED_ASSETS = [arxiv_listings]


def assets_for(config: PipelineConfig) -> list[dg.AssetsDefinition]:
    """The lineage for this configuration: as above for one reader; with ``readers:``, the shared
    fetch and, per reader, every later stage under the reader's key prefix (ana/paper_scores),
    reading the reader's settings and tables (assets.common.reader_of)."""
    if not config.readers:
        return ALL_ASSETS
    shared = {a.key for a in SHARED_ASSETS}
    own = [a for a in ALL_ASSETS if a.key not in shared]
    lab: list[dg.AssetsDefinition] = list(SHARED_ASSETS)
    for name in config.reader_names:
        renamed = {a.key: dg.AssetKey([name, *a.key.path]) for a in own}
        lab += [a.with_attributes(asset_key_replacements=renamed) for a in own]
    return lab


__all__ = [
    "ALL_ASSETS",
    "SHARED_ASSETS",
    "arxiv_listings",
    "assets_for",
    "candidate_papers",
    "daily_digest",
    "digest_delivery",
    "digest_export",
    "digest_feeds",
    "digest_markdown",
    "paper_fulltext",
    "paper_scores",
    "paper_summaries",
    "reader_profile",
    "site_day_page",
    "site_index",
]
