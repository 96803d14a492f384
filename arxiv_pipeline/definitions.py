"""The project's one Definitions object, loaded by `dagster dev` through workspace.yaml."""

import dagster as dg

from arxiv_pipeline.assets import ALL_ASSETS
from arxiv_pipeline.core.config import ConfigError, PipelineConfig, find_config_path, load_config
from arxiv_pipeline.jobs import daily_digest_job
from arxiv_pipeline.resources import default_resources
from arxiv_pipeline.schedules import build_daily_schedule
from arxiv_pipeline.sensors import (
    announcement_sensor,
    config_change_sensor,
    dead_run_reaper,
    failed_summary_sensor,
    run_failure_recorder,
)


def _config_at_load() -> PipelineConfig:
    # A broken config must not take the UI down: runs report it, naming the key.
    try:
        return load_config(find_config_path())
    except ConfigError:
        return PipelineConfig()


_config = _config_at_load()

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[daily_digest_job],
    # Offline (replay) there is nothing new to fetch each day: the schedule starts stopped.
    schedules=[build_daily_schedule(_config.automation, running=_config.source.kind == "arxiv")],
    sensors=[
        announcement_sensor,
        config_change_sensor,
        failed_summary_sensor,
        run_failure_recorder,
        dead_run_reaper,
    ],
    resources=default_resources(),
)
