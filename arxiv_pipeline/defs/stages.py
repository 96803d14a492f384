"""Every stage's assets and sensors in lineage order: ingest → select, profile → score → fulltext →
summarize → publish → deliver; for a lab, every stage but the fetch partitioned by day × reader."""

import dagster as dg

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs.automation import retry_sensor
from arxiv_pipeline.defs.deliver.assets import digest_delivery
from arxiv_pipeline.defs.deliver.sensors import FAILED_DELIVERIES
from arxiv_pipeline.defs.fulltext.assets import paper_fulltext
from arxiv_pipeline.defs.fulltext.sensors import FAILED_FULLTEXTS
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
from arxiv_pipeline.defs.select.sensors import build_config_change_sensor
from arxiv_pipeline.defs.summarize.assets import paper_summaries
from arxiv_pipeline.defs.summarize.sensors import FAILED_SUMMARIES
from arxiv_pipeline.partitions import (
    PREVIOUS_DAY_SAME_READER,
    announcement_days,
    day_reader_partitions,
    partitions_for,
)

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


def _repartitioned(
    assets_def: dg.AssetsDefinition,
    partitions: dg.PartitionsDefinition,
    own_previous: dg.PartitionMapping | None = None,
) -> dg.AssetsDefinition:
    """``assets_def`` on other partitions, its checks too; with ``own_previous``, its dependency on
    its own previous day (what was already shown) maps that way (a lab: the same reader's)."""

    def respec(spec: dg.AssetSpec) -> dg.AssetSpec:
        if own_previous is None:
            return spec.replace_attributes(partitions_def=partitions)
        deps = [
            dg.AssetDep(dep.asset_key, partition_mapping=own_previous)
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
    """The lineage for this configuration: its announcement days (offline, the recorded ones) as
    the daily partitions; with ``readers:``, the shared fetch per day and every later stage
    partitioned by (day, reader), so the UI shows each reader's days and every reader's stages read
    their own settings and tables (assets.common.reader_of). The site index, feeds and profile,
    which cover all days, are rebuilt in the reader's day run."""
    days = partitions_for(config)
    if not config.readers:
        if days == announcement_days:
            return ALL_ASSETS
        return [_repartitioned(a, days) if a.partitions_def is not None else a for a in ALL_ASSETS]
    partitions = day_reader_partitions(config.reader_names, days)
    shared = [a if days == announcement_days else _repartitioned(a, days) for a in SHARED_ASSETS]
    keys = {a.key for a in SHARED_ASSETS}
    return [
        *shared,
        *(_repartitioned(a, partitions, PREVIOUS_DAY_SAME_READER) for a in ALL_ASSETS if a.key not in keys),
    ]


def sensors_for(config: PipelineConfig, day_job: str) -> list[dg.SensorDefinition]:
    """Every stage's sensors; ``day_job`` is the job that starts a day (in a lab, the shared fetch)."""
    live = config.source.kind == "arxiv"
    summary = config.summary.summarizer
    llm = summary in ("llm", "local") or (summary == "auto" and config.llm_api_key() is not None)
    sections = [config.for_reader(r) for r in config.reader_names] or [config]
    return [
        build_announcement_sensor(day_job, running=live),
        build_config_change_sensor(running=config.automation.rebuild_on_config_change),
        # The retry sensors start on only where something can fail to retry.
        retry_sensor(FAILED_SUMMARIES, running=llm or config.summary.long_summary_top > 0),
        retry_sensor(FAILED_FULLTEXTS, running=live and any(c.fulltext.top > 0 for c in sections)),
        retry_sensor(FAILED_DELIVERIES, running=any(c.delivery.targets for c in sections)),
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
