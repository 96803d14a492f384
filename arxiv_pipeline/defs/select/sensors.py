"""A changed configuration rebuilds the recent days from candidate_papers down."""

import dagster as dg

from arxiv_pipeline.core.config import config_hash
from arxiv_pipeline.defs.automation import assets_named, default_status, reader_stores
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
from arxiv_pipeline.jobs import DIGEST_JOB
from arxiv_pipeline.partitions import partition_of
from arxiv_pipeline.resources import ConfigFile, WarehouseResource

# The profile too: a changed reader section (library files, weights) must reach the scores.
FROM_CANDIDATES = assets_named("candidate_papers").downstream() | assets_named("reader_profile")


def build_config_change_sensor(running: bool = False) -> dg.SensorDefinition:
    """Stopped unless automation.rebuild_on_config_change: rebuilding days (and paying for their
    summaries again) because a file was saved is not what a first-time user expects."""
    return dg.sensor(
        name="config_change_sensor",
        minimum_interval_seconds=60,
        job_name=DIGEST_JOB,
        default_status=default_status(running),
        description="When the interests change (keywords, categories, weights, language, model), "
        "rebuilds the last automation.config_rerun_days days from candidate_papers down. Off unless "
        "automation.rebuild_on_config_change is true (or it is turned on here).",
    )(_config_change)


def _config_change(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    current = config_hash(config)
    if context.cursor is None:
        return dg.SensorResult(skip_reason="recorded the current configuration", cursor=current)
    if context.cursor == current:
        return dg.SensorResult(skip_reason="configuration unchanged")
    n = config.automation.config_rerun_days
    # Each reader's own recent days (a lab's partitions are per day and reader), oldest first.
    partitions = sorted(
        (d, store.reader) for store in reader_stores(config, warehouse, 120) for d in store.recent_days(n)
    )
    requests = [
        dg.RunRequest(
            run_key=f"config-{current}-{partition_of(d, reader)}",
            partition_key=partition_of(d, reader),
            asset_selection=list(FROM_CANDIDATES.resolve(context.repository_def.asset_graph))
            if context.repository_def
            else None,
            tags={TRIGGER_TAG: "config_change"},
        )
        for d, reader in partitions
    ]
    if not requests:
        return dg.SensorResult(skip_reason="configuration changed; no built days to rebuild", cursor=current)
    return dg.SensorResult(run_requests=requests, cursor=current)


config_change_sensor = build_config_change_sensor()
