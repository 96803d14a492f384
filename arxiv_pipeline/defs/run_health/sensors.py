"""Run health: every failed run recorded in DuckDB, and runs whose process died marked failed."""

from datetime import UTC, datetime

import dagster as dg

from arxiv_pipeline.defs.automation import RUNNING
from arxiv_pipeline.defs.run_health.health import failed_runs, reap_dead_runs
from arxiv_pipeline.resources import WarehouseResource

# Failed runs older than this are not looked for (the recorder checks only recent runs each tick).
FAILURE_LOOKBACK_S = 30 * 24 * 3600


@dg.sensor(
    minimum_interval_seconds=60,
    default_status=RUNNING,
    description="Records every failed run (from the UI, the schedule, a sensor or the CLI), its "
    "failing steps and error, in DuckDB's run_failures table, once per run.",
)
def run_failure_recorder(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SensorResult:
    # The cursor (when the last tick that wrote everything started) keeps quiet ticks away from
    # DuckDB; the table decides what is new, by run id, so a run is written once. A tick that
    # cannot write raises and keeps its cursor: the next one finds the same runs unrecorded.
    now = datetime.now(UTC).timestamp()
    since = now - FAILURE_LOOKBACK_S
    if context.cursor:
        since = max(since, float(context.cursor) - 60)  # a minute of overlap for late writes
    store = warehouse.store()
    failures = failed_runs(context.instance, since, store.recorded_failures)
    if failures:
        store.record_run_failures([f.as_row() for f in failures])
    for f in failures:
        context.log.info(f"recorded failed run {f.run_id} ({f.job}, {f.partition}): {f.error[:200]}")
    said = ", ".join(f.run_id[:8] for f in failures)
    reason = f"recorded {len(failures)} failed run(s): {said}" if failures else "no unrecorded failed runs"
    return dg.SensorResult(skip_reason=reason, cursor=str(now))


@dg.sensor(
    minimum_interval_seconds=2 * 60,
    default_status=RUNNING,
    description="Marks runs whose process died (kill -9, out of memory, power cut) as failed and "
    "frees the pool slots they held, so they never block the next runs.",
)
def dead_run_reaper(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    dead = reap_dead_runs(context.instance)
    for run in dead:
        context.log.warning(f"run {run.run_id} ({run.partition}) had died (pid {run.pid}); marked failed")
    if not dead:
        return dg.SkipReason("every active run's process is alive")
    return dg.SkipReason(f"marked {len(dead)} dead run(s) failed: {', '.join(r.run_id[:8] for r in dead)}")
