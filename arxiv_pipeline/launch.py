"""The CLI's runs, made the way the UI and the daemon make them: from the project's one Definitions
(``arxiv_pipeline.definitions``), loaded as the code location the webserver shows, so each run
carries that location's origin and the job's current snapshot. They then appear on the job's Runs
tab and the Overview timeline like any UI or scheduled run, and re-executing one from the UI needs
no warning. The run itself executes here, in this process, as ``execute_in_process`` did.

Dagster has no public call that creates a run for a code location without a webserver or a daemon
to hand it to; the few internal ones used here are those its own ``dagster job launch`` uses.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from arxiv_pipeline.core.config import CONFIG_ENV_VAR

# As [tool.dg] and workspace.yaml name the code location: the runs' origin must match the UI's.
LOCATION_NAME = "arxiv_pipeline"
DEFINITIONS_MODULE = "arxiv_pipeline.definitions"


@contextmanager
def code_location(instance: dg.DagsterInstance, config_path: Path) -> Iterator[CodeLocationRuns]:
    """The code location for ``config_path``: the definitions module loaded (again, if this
    process loaded it for another configuration) with $ARXIV_PIPELINE_CONFIG pointing at it, as
    the webserver's code server would load it. The variable is restored afterwards."""
    from dagster._core.definitions.reconstruct import ReconstructableJob
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    previous = os.environ.get(CONFIG_ENV_VAR)
    os.environ[CONFIG_ENV_VAR] = str(config_path)
    try:
        if DEFINITIONS_MODULE in sys.modules:
            importlib.reload(sys.modules[DEFINITIONS_MODULE])
            # Dagster keeps the last job it reconstructed: it would be the other configuration's.
            ReconstructableJob.get_definition.cache_clear()
            ReconstructableJob.get_repository_definition.cache_clear()
        origin = InProcessCodeLocationOrigin(
            loadable_target_origin=LoadableTargetOrigin(
                executable_path=sys.executable, module_name=DEFINITIONS_MODULE, working_directory=os.getcwd()
            ),
            location_name=LOCATION_NAME,
        )
        with origin.create_location(instance) as location:
            yield CodeLocationRuns(instance, location)
    finally:
        if previous is None:
            os.environ.pop(CONFIG_ENV_VAR, None)
        else:
            os.environ[CONFIG_ENV_VAR] = previous


class CodeLocationRuns:
    def __init__(self, instance: dg.DagsterInstance, location: Any) -> None:
        self.instance = instance
        self.location = location
        [self.repository] = location.get_repositories().values()

    def execute(
        self, job_name: str, partition_key: str, tags: Mapping[str, str], run_config: Mapping[str, Any]
    ) -> Any:
        """Create the run of ``job_name`` for one partition, as a launch from the UI would, and
        execute it here; the result has ``success``, ``all_events`` and ``job_def``."""
        from dagster._core.definitions.reconstruct import ReconstructableRepository
        from dagster._core.execution.api import execute_run

        remote_job = self.repository.get_full_job(job_name)
        job = ReconstructableRepository.for_module(
            DEFINITIONS_MODULE, "defs", working_directory=os.getcwd()
        ).get_reconstructable_job(job_name)
        partitions = job.get_definition().partitions_def
        partition_tags = partitions.get_tags_for_partition_key(partition_key) if partitions else {}
        plan = self.location.get_execution_plan(
            remote_job, run_config, step_keys_to_execute=None, known_state=None, instance=self.instance
        )
        run = self.instance.create_run(
            job_name=job_name,
            run_id=None,
            run_config=run_config,
            status=None,
            tags={**remote_job.tags, **tags, **partition_tags},
            root_run_id=None,
            parent_run_id=None,
            step_keys_to_execute=None,
            execution_plan_snapshot=plan.execution_plan_snapshot,
            job_snapshot=remote_job.job_snapshot,
            parent_job_snapshot=remote_job.parent_job_snapshot,
            asset_selection=None,
            asset_check_selection=None,
            resolved_op_selection=None,
            op_selection=None,
            remote_job_origin=remote_job.get_remote_origin(),
            job_code_origin=remote_job.get_python_origin(),
            asset_graph=self.repository.asset_graph,
        )
        return execute_run(job, run, self.instance)
