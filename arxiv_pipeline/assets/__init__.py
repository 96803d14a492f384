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
from arxiv_pipeline.partitions import PREVIOUS_DAY_SAME_READER, day_reader_partitions

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

# Fetched once a day for every reader; the other assets are per reader in a lab.
SHARED_ASSETS = [arxiv_listings]


def _per_reader(
    assets_def: dg.AssetsDefinition, partitions: dg.MultiPartitionsDefinition
) -> dg.AssetsDefinition:
    """``assets_def`` partitioned by (day, reader), its checks too; its own previous day (the
    "already shown" dependency) becomes the same reader's previous day."""

    def respec(spec: dg.AssetSpec) -> dg.AssetSpec:
        deps = [
            dg.AssetDep(dep.asset_key, partition_mapping=PREVIOUS_DAY_SAME_READER)
            if dep.asset_key == spec.key
            else dg.AssetDep(dep.asset_key)  # Dagster maps (day, reader) to a daily or lab partition
            for dep in spec.deps
        ]
        return spec.replace_attributes(partitions_def=partitions, deps=deps)

    mapped = assets_def.map_asset_specs(respec)
    # Dagster has no public way to repartition an asset's check specs; they must match the asset's.
    attributes = mapped.get_attributes_dict()
    attributes["check_specs_by_output_name"] = {
        name: check._replace(partitions_def=partitions) if check.partitions_def else check
        for name, check in attributes["check_specs_by_output_name"].items()
    }
    return mapped.__class__.dagster_internal_init(**attributes)


def assets_for(config: PipelineConfig) -> list[dg.AssetsDefinition]:
    """The lineage for this configuration: as above for one reader; with ``readers:``, the shared
    fetch per day and every later stage partitioned by (day, reader), so the UI shows each reader's
    days and every reader's stages read their own settings and tables (assets.common.reader_of).
    The site index, feeds and profile, which cover all days, are rebuilt in the reader's day run."""
    if not config.readers:
        return ALL_ASSETS
    partitions = day_reader_partitions(config.reader_names)
    shared = {a.key for a in SHARED_ASSETS}
    return [*SHARED_ASSETS, *(_per_reader(a, partitions) for a in ALL_ASSETS if a.key not in shared)]


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
