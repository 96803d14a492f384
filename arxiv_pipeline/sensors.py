"""Sensors that rerun what needs it: a new announcement, a changed configuration, failed
summaries and deliveries, a changed library or new ratings, and a record of every failed run. Each keeps a
cursor and uses stable run keys, so a repeated tick never starts the same work twice, and says
why when it skips."""

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import dagster as dg

from arxiv_pipeline.core.config import PipelineConfig, config_hash
from arxiv_pipeline.core.ingest.calendar import announcement_date_of
from arxiv_pipeline.core.profile.stage import profile_fingerprint
from arxiv_pipeline.core.retry import plan_retries
from arxiv_pipeline.core.store import StoreBusyError, Warehouse, open_warehouse
from arxiv_pipeline.jobs import DIGEST_JOB, arxiv_listings_job, reader_digest_job, reader_profile_job
from arxiv_pipeline.partitions import partition_of, reader_day_key
from arxiv_pipeline.resources import ArxivPaperSource, ConfigFile, WarehouseResource
from arxiv_pipeline.run_health import TRIGGER_TAG, failed_runs, reap_dead_runs


def _stage(name: str) -> dg.AssetSelection:
    return dg.AssetSelection.assets(name)


# The profile too: a changed reader section (library files, weights) must reach the scores.
FROM_CANDIDATES = _stage("candidate_papers").downstream() | _stage("reader_profile")
FROM_SUMMARIES = _stage("paper_summaries").downstream()
FROM_FULLTEXT = _stage("paper_fulltext").downstream()
DELIVERY = _stage("digest_delivery")


def _reader_stores(
    config: PipelineConfig, warehouse: WarehouseResource, lock_timeout_s: float
) -> list[Warehouse]:
    """The top level's store, or each reader's: what the sensors look into."""
    location = warehouse.location()
    return [
        open_warehouse(location, lock_timeout_s=lock_timeout_s, reader=r)
        for r in config.reader_names or [None]
    ]


def _by_partition(stores: list[Warehouse], days_of: Callable[[Warehouse], dict[date, int]]) -> dict[str, int]:
    """What each store reports per day, keyed by the partition it concerns (a lab: day and reader)."""
    return {partition_of(day, store.reader): n for store in stores for day, n in days_of(store).items()}


RUNNING = dg.DefaultSensorStatus.RUNNING
BACKFILL_TAG, PARTITION_TAG = "dagster/backfill", "dagster/partition"
# Failed runs older than this are not looked for (the recorder checks only recent runs each tick).
FAILURE_LOOKBACK_S = 30 * 24 * 3600


def build_announcement_sensor(job_name: str = DIGEST_JOB) -> dg.SensorDefinition:
    """For the job that starts a day: the whole digest, or in a lab the shared fetch."""
    return dg.sensor(
        name="announcement_sensor",
        job_name=job_name,
        minimum_interval_seconds=15 * 60,
        default_status=RUNNING,
        description="Polls arXiv's feed (one request, only when a new announcement is due) and "
        "starts the day's run as soon as it appears.",
    )(_announcement)


def _announcement(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, paper_source: ArxivPaperSource
) -> dg.SensorResult:
    config = config_file.load()
    if config.source.kind != "arxiv":
        return dg.SensorResult(skip_reason="source.kind is replay: no live announcements to watch")
    due = announcement_date_of(datetime.now(UTC))
    last = context.cursor
    if last and last >= due.isoformat():
        return dg.SensorResult(skip_reason=f"{last} already requested; next announcement not due yet")
    day = paper_source.source().announced_day(config.categories)
    if day is None or (last and day.isoformat() <= last):
        return dg.SensorResult(skip_reason=f"the feed still holds {day}; waiting for {due}")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"announcement-{day.isoformat()}",
                partition_key=day.isoformat(),
                tags={TRIGGER_TAG: "announcement"},
            )
        ],
        cursor=day.isoformat(),
    )


announcement_sensor = build_announcement_sensor()


@dg.sensor(
    minimum_interval_seconds=60,
    job_name=DIGEST_JOB,
    default_status=RUNNING,
    description="When the interests change (keywords, categories, weights, language, model), "
    "rebuilds the recent days from candidate_papers down.",
)
def config_change_sensor(
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
        (d, store.reader) for store in _reader_stores(config, warehouse, 120) for d in store.recent_days(n)
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


def _retry_days(
    context: dg.SensorEvaluationContext,
    failing: dict[str, int],
    *,
    what: str,
    trigger: str,
    selection: dg.AssetSelection | list[dg.AssetKey],
    first_wait_minutes: float,
    max_attempts: int,
    nothing: str,
) -> dg.SensorResult:
    """Run requests for the failing partitions (days, or a lab's day and reader) whose back-off has
    passed (the cursor keeps each one's retries and the time of the last); a partition that stops
    failing leaves the cursor."""
    state: dict[str, dict[str, float]] = json.loads(context.cursor) if context.cursor else {}
    plan = plan_retries(
        failing,
        state,
        now=datetime.now(UTC).timestamp(),
        first_wait_s=first_wait_minutes * 60,
        max_attempts=max_attempts,
    )
    if isinstance(selection, dg.AssetSelection):
        keys = list(selection.resolve(context.repository_def.asset_graph)) if context.repository_def else None
    else:
        keys = selection
    requests = [
        dg.RunRequest(
            run_key=f"retry-{what}-{day}-{attempt}",
            partition_key=reader_day_key(*day.split("|")) if "|" in day else day,
            asset_selection=keys,
            tags={TRIGGER_TAG: trigger, "arxiv_pipeline/failed": str(failing[day])},
        )
        for day, attempt in plan.due
    ]
    cursor = json.dumps(plan.state, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason="; ".join(plan.waiting) or nothing, cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)


@dg.sensor(
    minimum_interval_seconds=5 * 60,
    job_name=DIGEST_JOB,
    default_status=RUNNING,
    description="Retries days with failed summaries after a back-off, up to a limit.",
)
def failed_summary_sensor(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    auto = config.automation
    failing = _by_partition(
        _reader_stores(config, warehouse, 120),
        lambda store: store.failed_summary_days(auto.summary_retry_days),
    )
    return _retry_days(
        context,
        failing,
        what="summaries",
        trigger="failed_summaries",
        selection=FROM_SUMMARIES,
        first_wait_minutes=auto.summary_retry_minutes,
        max_attempts=auto.summary_retry_max_attempts,
        nothing="no failed summaries",
    )


@dg.sensor(
    minimum_interval_seconds=5 * 60,
    job_name=DIGEST_JOB,
    default_status=RUNNING,
    description="Reruns days whose top papers' full texts could not be had (no HTML nor PDF yet, a "
    "timeout) after a back-off, so they get full-text summaries; each paper is tried at most "
    "fulltext.max_attempts times.",
)
def failed_fulltext_sensor(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    if not config.fulltext.top:
        return dg.SensorResult(skip_reason="fulltext.top is 0: full texts are off")
    try:
        failing = _by_partition(
            _reader_stores(config, warehouse, 5),
            lambda store: store.failed_fulltext_days(
                config.automation.summary_retry_days, config.fulltext.max_attempts
            ),
        )
    except StoreBusyError:
        return dg.SensorResult(skip_reason="the database is busy (a run is writing); next tick")
    return _retry_days(
        context,
        failing,
        what="fulltext",
        trigger="failed_fulltext",
        selection=FROM_FULLTEXT,
        first_wait_minutes=config.fulltext.retry_minutes,
        max_attempts=config.fulltext.max_attempts,
        nothing="no full texts to retry",
    )


@dg.sensor(
    minimum_interval_seconds=5 * 60,
    job_name=DIGEST_JOB,
    default_status=RUNNING,
    description="Retries days whose delivery failed (or was cut short) after a back-off, up to a "
    "limit; only digest_delivery runs, and targets already sent are not sent again.",
)
def failed_delivery_sensor(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    delivery = config.delivery
    readers = [config.for_reader(r) for r in config.reader_names] or [config]
    if not any(c.delivery.targets for c in readers):
        return dg.SensorResult(skip_reason="no delivery targets configured")
    try:
        failing = _by_partition(
            _reader_stores(config, warehouse, 5),
            lambda store: store.failed_delivery_days(delivery.retry_days),
        )
    except StoreBusyError:
        return dg.SensorResult(skip_reason="the database is busy (a run is writing); next tick")
    return _retry_days(
        context,
        failing,
        what="delivery",
        trigger="failed_deliveries",
        selection=DELIVERY,
        first_wait_minutes=delivery.retry_minutes,
        max_attempts=delivery.retry_max_attempts,
        nothing="no failed deliveries",
    )


@dg.sensor(
    minimum_interval_seconds=60,
    job=reader_profile_job,
    default_status=RUNNING,
    description="Refits the reader profile when the library files change or a paper is rated "
    "(in the site under `arxiv-pipeline serve`, or with `arxiv-pipeline rate`).",
)
def reader_profile_sensor(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    # A run holding the file makes this tick skip, not wait: the next tick looks again.
    try:
        stores = _reader_stores(config, warehouse, 5)
        changed: list[tuple[Warehouse, str]] = []
        for store in stores:
            current = profile_fingerprint(config.for_reader(store.reader), store, store.current_ratings())
            if current != store.profile_fingerprint():
                changed.append((store, current))
        # A lab's profile is partitioned like the reader's days: refit it in the reader's latest.
        latest = {store.reader: store.recent_days(1) for store, _ in changed if store.reader}
    except StoreBusyError:
        return dg.SensorResult(skip_reason="the database is busy (a run is writing); next tick")
    requests = [
        dg.RunRequest(
            run_key=f"reader-profile-{store.reader + '-' if store.reader else ''}{current}",
            partition_key=partition_of(latest[store.reader][0], store.reader) if store.reader else None,
            tags={TRIGGER_TAG: "reader_profile"},
        )
        for store, current in changed
        if not store.reader or latest[store.reader]  # a reader with no day yet gets it in the first
    ]
    if not requests:
        return dg.SensorResult(
            skip_reason="reader profile up to date (library, ratings and history unchanged)"
        )
    return dg.SensorResult(run_requests=requests, cursor="+".join(current for _, current in changed))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[arxiv_listings_job],
    request_job=reader_digest_job,
    default_status=RUNNING,
    minimum_interval_seconds=30,
    description="In a lab: when a day's shared fetch succeeds, starts every reader's run of that day "
    "(a backfill and `arxiv-pipeline run` start their own).",
)
def reader_runs_sensor(context: dg.RunStatusSensorContext, config_file: ConfigFile) -> dg.SensorResult:
    run = context.dagster_run
    if run.tags.get(BACKFILL_TAG) or run.tags.get(TRIGGER_TAG) == "cli":
        return dg.SensorResult(skip_reason=f"run {run.run_id[:8]} starts its readers' runs itself")
    day = date.fromisoformat(run.tags[PARTITION_TAG])
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"reader-{run.run_id}-{reader}",
                partition_key=reader_day_key(day, reader),
                tags={TRIGGER_TAG: run.tags.get(TRIGGER_TAG, "ui")},
            )
            for reader in config_file.load().reader_names
        ]
    )


@dg.sensor(
    minimum_interval_seconds=30,
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
    minimum_interval_seconds=60,
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
