"""Shared by the stages' sensors: the stores they look into, partition keys, and one factory for the
sensors that retry failing partitions after a back-off. Each sensor keeps a cursor and uses stable
run keys, so a repeated tick never starts the same work twice, and says why when it skips."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import dagster as dg

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.retry import plan_retries
from arxiv_pipeline.core.store import StoreBusyError, Warehouse, open_warehouse
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
from arxiv_pipeline.jobs import DIGEST_JOB
from arxiv_pipeline.partitions import partition_of, reader_day_key
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


def assets_named(name: str) -> dg.AssetSelection:
    return dg.AssetSelection.assets(name)


def reader_stores(
    config: PipelineConfig, warehouse: WarehouseResource, lock_timeout_s: float
) -> list[Warehouse]:
    """The top level's store, or each reader's: what the sensors look into."""
    location = warehouse.location()
    return [
        open_warehouse(location, lock_timeout_s=lock_timeout_s, reader=r)
        for r in config.reader_names or [None]
    ]


def by_partition(stores: list[Warehouse], days_of: Callable[[Warehouse], dict[date, int]]) -> dict[str, int]:
    """What each store reports per day, keyed by the partition it concerns (a lab: day and reader)."""
    return {partition_of(day, store.reader): n for store in stores for day, n in days_of(store).items()}


RUNNING = dg.DefaultSensorStatus.RUNNING


def default_status(running: bool) -> dg.DefaultSensorStatus:
    """A sensor that has nothing to watch in this configuration starts stopped (quiet ticks are
    noise in the daemon's log); the UI turns any of them on."""
    return RUNNING if running else dg.DefaultSensorStatus.STOPPED


BACKFILL_TAG, PARTITION_TAG = "dagster/backfill", "dagster/partition"


@dataclass(frozen=True)
class RetryPolicy:
    """What a retry sensor reads from the config: where to look, how long to wait, how often."""

    failing: Callable[[Warehouse], dict[date, int]]  # failing days of one store, with counts
    first_wait_minutes: float
    max_attempts: int


@dataclass(frozen=True)
class RetrySensor:
    """What a stage's retry sensor reruns, and how it finds what failed: ``policy`` reads the
    config (and returns a reason instead when the feature is off)."""

    name: str
    what: str  # in the run keys: retry-<what>-<partition>-<attempt>
    trigger: str  # the run's trigger tag
    selection: dg.AssetSelection
    description: str
    policy: Callable[[PipelineConfig], RetryPolicy | str]
    nothing: str  # the skip reason when nothing failed
    lock_timeout_s: float = 5


def retry_sensor(spec: RetrySensor, running: bool = True) -> dg.SensorDefinition:
    """A sensor that reruns ``spec.selection`` for the partitions (days, or a lab's day and
    reader) that ``spec.policy`` finds failing, once each one's back-off has passed. A store busy
    with a run makes the tick skip, not wait."""

    @dg.sensor(
        name=spec.name,
        minimum_interval_seconds=5 * 60,
        job_name=DIGEST_JOB,
        default_status=default_status(running),
        description=spec.description,
    )
    def _retry(
        context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
    ) -> dg.SensorResult:
        config = config_file.load()
        settings = spec.policy(config)
        if isinstance(settings, str):
            return dg.SensorResult(skip_reason=settings)
        try:
            failing = by_partition(reader_stores(config, warehouse, spec.lock_timeout_s), settings.failing)
        except StoreBusyError:
            return dg.SensorResult(skip_reason="the database is busy (a run is writing); next tick")
        return _retry_requests(context, failing, spec, settings)

    return _retry


def _retry_requests(
    context: dg.SensorEvaluationContext,
    failing: dict[str, int],
    spec: RetrySensor,
    settings: RetryPolicy,
) -> dg.SensorResult:
    """Run requests for the failing partitions whose back-off has passed (the cursor keeps each
    one's retries and the time of the last); a partition that stops failing leaves the cursor."""
    state: dict[str, dict[str, float]] = json.loads(context.cursor) if context.cursor else {}
    plan = plan_retries(
        failing,
        state,
        now=datetime.now(UTC).timestamp(),
        first_wait_s=settings.first_wait_minutes * 60,
        max_attempts=settings.max_attempts,
    )
    keys = (
        list(spec.selection.resolve(context.repository_def.asset_graph)) if context.repository_def else None
    )
    requests = [
        dg.RunRequest(
            run_key=f"retry-{spec.what}-{day}-{attempt}",
            partition_key=reader_day_key(*day.split("|")) if "|" in day else day,
            asset_selection=keys,
            tags={TRIGGER_TAG: spec.trigger, "arxiv_pipeline/failed": str(failing[day])},
        )
        for day, attempt in plan.due
    ]
    cursor = json.dumps(plan.state, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason="; ".join(plan.waiting) or spec.nothing, cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)
