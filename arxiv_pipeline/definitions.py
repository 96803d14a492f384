"""The project's one Definitions object, loaded by `dagster dev` and `dg` through workspace.yaml and
[tool.dg]: every stage's assets and sensors (``defs/<stage>/``), the jobs, the schedule and the
resources, for the configuration found at load time."""

import logging

import dagster as dg

from arxiv_pipeline.core.config import find_config_path, load_config_or_default
from arxiv_pipeline.defs.stages import assets_for, sensors_for
from arxiv_pipeline.jobs import day_job_for, jobs_for
from arxiv_pipeline.resources import default_resources
from arxiv_pipeline.schedules import build_daily_schedule

# A broken config must not take the UI down: it loads on the defaults, says so, and every run
# stops on the error itself, naming the key.
_config, _config_error = load_config_or_default(find_config_path())
if _config_error:
    logging.getLogger("arxiv_pipeline").warning(
        "%s\n(the schedule uses its defaults until it is fixed)", _config_error
    )

defs = dg.Definitions(
    # With readers: the shared fetch per day, then every reader's stages per (day, reader); a
    # definitions reload adds a reader.
    assets=assets_for(_config),
    jobs=jobs_for(_config),
    # Offline (replay) there is nothing new to fetch each day: the schedule starts stopped.
    schedules=[
        build_daily_schedule(
            _config.automation,
            running=_config.source.kind == "arxiv",
            problem=_config_error,
            job=day_job_for(_config),
            readers=_config.reader_names,
        )
    ],
    sensors=sensors_for(_config, day_job_for(_config).name),
    resources=default_resources(),
    # One process per run, not one per step: the steps run one after another on one DuckDB file
    # (one writer process at a time), and starting ten Python processes cost more than the work
    # (a scheduled run of the sample day: 54.6 s with a process per step, see the README).
    executor=dg.in_process_executor,
)
