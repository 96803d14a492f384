"""Every stage's assets and sensors in lineage order: ingest → select, profile → score → fulltext →
summarize → publish → deliver; for a lab, every stage but the fetch partitioned by day × reader."""

import dagster as dg

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs.deliver.assets import digest_delivery
from arxiv_pipeline.defs.deliver.sensors import failed_delivery_sensor
from arxiv_pipeline.defs.fulltext.assets import paper_fulltext
from arxiv_pipeline.defs.fulltext.sensors import failed_fulltext_sensor
from arxiv_pipeline.defs.ingest.assets import arxiv_listings
from arxiv_pipeline.defs.ingest.sensors import build_announcement_sensor, reader_runs_sensor
from arxiv_pipeline.defs.profile.assets import reader_profile
from arxiv_pipeline.defs.profile.sensors import reader_profile_sensor
from arxiv_pipeline.defs.publish.assets import (
    daily_digest,
    digest_export,
    digest_feeds,
    digest_markdown,
    site_day_page,
    site_index,
)
from arxiv_pipeline.defs.run_health.sensors import dead_run_reaper, run_failure_recorder
from arxiv_pipeline.defs.score.assets import paper_scores
from arxiv_pipeline.defs.select.assets import candidate_papers
from arxiv_pipeline.defs.select.sensors import config_change_sensor
from arxiv_pipeline.defs.summarize.assets import paper_summaries
from arxiv_pipeline.defs.summarize.sensors import failed_summary_sensor
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


def sensors_for(config: PipelineConfig, day_job: str) -> list[dg.SensorDefinition]:
    """Every stage's sensors; ``day_job`` is the job that starts a day (in a lab, the shared fetch)."""
    return [
        build_announcement_sensor(day_job),
        config_change_sensor,
        failed_summary_sensor,
        failed_fulltext_sensor,
        failed_delivery_sensor,
        reader_profile_sensor,
        run_failure_recorder,
        dead_run_reaper,
        # A lab's day: the shared fetch, then a run per reader.
        *([reader_runs_sensor] if config.readers else []),
    ]


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
    "sensors_for",
    "site_day_page",
    "site_index",
]
