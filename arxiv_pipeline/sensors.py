"""Sensors that rerun what needs it: a new announcement, a changed configuration, failed
summaries, and a record of every failed run. Each keeps a cursor and uses stable run keys, so a
repeated tick never starts the same work twice, and says why when it skips."""

import json
from datetime import UTC, datetime

import dagster as dg

from arxiv_pipeline.core.sources.calendar import announcement_date_of
from arxiv_pipeline.core.stages import config_hash, record_run_failure
from arxiv_pipeline.errors import root_message
from arxiv_pipeline.jobs import daily_digest_job
from arxiv_pipeline.resources import PipelineSettings

FROM_CANDIDATES = dg.AssetSelection.assets("candidate_papers").downstream()
FROM_SUMMARIES = dg.AssetSelection.assets("paper_summaries").downstream()


RUNNING = dg.DefaultSensorStatus.RUNNING


@dg.sensor(
    job=daily_digest_job,
    minimum_interval_seconds=15 * 60,
    default_status=RUNNING,
    description="Polls arXiv's feed (one request, only when a new announcement is due) and "
    "starts the day's run as soon as it appears.",
)
def announcement_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    config = settings.config()
    if config.source.kind != "arxiv":
        return dg.SensorResult(skip_reason="source.kind is replay: no live announcements to watch")
    due = announcement_date_of(datetime.now(UTC))
    last = context.cursor
    if last and last >= due.isoformat():
        return dg.SensorResult(skip_reason=f"{last} already requested; next announcement not due yet")
    from arxiv_pipeline.core.sources import source_from_config

    feed = source_from_config(config).fetch_rss(config.categories)  # type: ignore[attr-defined]
    day = feed.announce_date
    if day is None or (last and day.isoformat() <= last):
        return dg.SensorResult(skip_reason=f"the feed still holds {day}; waiting for {due}")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"announcement-{day.isoformat()}",
                partition_key=day.isoformat(),
                tags={"arxiv_pipeline/trigger": "announcement"},
            )
        ],
        cursor=day.isoformat(),
    )


@dg.sensor(
    minimum_interval_seconds=60,
    asset_selection=FROM_CANDIDATES,
    default_status=RUNNING,
    description="When the interests change (keywords, categories, weights, language, model), "
    "rebuilds the recent days from candidate_papers down.",
)
def config_change_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    config = settings.config()
    current = config_hash(config)
    if context.cursor is None:
        return dg.SensorResult(skip_reason="recorded the current configuration", cursor=current)
    if context.cursor == current:
        return dg.SensorResult(skip_reason="configuration unchanged")
    n = config.automation.config_rerun_days
    days = [
        r["d"]
        for r in settings.warehouse().query(
            "SELECT DISTINCT announce_date AS d FROM candidate_papers ORDER BY 1 DESC LIMIT ?", [n]
        )
    ]
    requests = [
        dg.RunRequest(
            run_key=f"config-{current}-{d.isoformat()}",
            partition_key=d.isoformat(),
            asset_selection=list(FROM_CANDIDATES.resolve(context.repository_def.asset_graph))
            if context.repository_def
            else None,
            tags={"arxiv_pipeline/trigger": "config_change"},
        )
        for d in sorted(days)
    ]
    if not requests:
        return dg.SensorResult(skip_reason="configuration changed; no built days to rebuild", cursor=current)
    return dg.SensorResult(run_requests=requests, cursor=current)


@dg.sensor(
    minimum_interval_seconds=5 * 60,
    asset_selection=FROM_SUMMARIES,
    default_status=RUNNING,
    description="Retries days with failed summaries after a back-off, up to a limit.",
)
def failed_summary_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    config = settings.config()
    auto = config.automation
    state: dict[str, dict[str, float]] = json.loads(context.cursor) if context.cursor else {}
    rows = settings.warehouse().query(
        "SELECT announce_date AS d, count(*) AS n FROM paper_summaries WHERE status = 'failed' "
        "GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
        [auto.summary_retry_days],
    )
    failing = {r["d"].isoformat(): r["n"] for r in rows}
    state = {d: s for d, s in state.items() if d in failing}  # fixed days leave the cursor
    now = datetime.now(UTC).timestamp()
    requests, waiting = [], []
    for day, count in sorted(failing.items()):
        s = state.setdefault(day, {"attempts": 0, "last": 0.0})
        if s["attempts"] >= auto.summary_retry_max_attempts:
            waiting.append(f"{day}: gave up after {int(s['attempts'])} retries")
            continue
        wait = auto.summary_retry_minutes * 60 * 2 ** s["attempts"]
        if s["last"] and now - s["last"] < wait:
            waiting.append(f"{day}: next retry in {int(wait - (now - s['last']))}s")
            continue
        s["attempts"] += 1
        s["last"] = now
        requests.append(
            dg.RunRequest(
                run_key=f"retry-summaries-{day}-{int(s['attempts'])}",
                partition_key=day,
                asset_selection=list(FROM_SUMMARIES.resolve(context.repository_def.asset_graph))
                if context.repository_def
                else None,
                tags={"arxiv_pipeline/trigger": "failed_summaries", "arxiv_pipeline/failed": str(count)},
            )
        )
    cursor = json.dumps(state, sort_keys=True)
    if not requests:
        reason = "; ".join(waiting) if waiting else "no failed summaries"
        return dg.SensorResult(skip_reason=reason, cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)


@dg.run_failure_sensor(
    description="Records every failed run, its failing step and error, in DuckDB.", default_status=RUNNING
)
def run_failure_recorder(context: dg.RunFailureSensorContext, settings: PipelineSettings) -> None:
    run = context.dagster_run
    steps = context.get_step_failure_events()
    record_run_failure(
        settings.warehouse(),
        run_id=run.run_id,
        job=run.job_name,
        partition=run.tags.get("dagster/partition"),
        failed_steps=[e.step_key or "" for e in steps],
        error=(
            root_message(steps[0].step_failure_data.error)
            if steps and steps[0].step_failure_data.error
            else context.failure_event.message or "run failed"
        ),
        trigger=run.tags.get("arxiv_pipeline/trigger"),
    )
    context.log.info(f"recorded failed run {run.run_id}")
