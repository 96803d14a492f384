"""Starting a day: the announcement sensor (a new day on arXiv's feed) and, in a lab, every
reader's run once the day's shared fetch succeeded."""

from datetime import UTC, date, datetime

import dagster as dg

from arxiv_pipeline.core.ingest.calendar import announcement_date_of
from arxiv_pipeline.defs.automation import BACKFILL_TAG, PARTITION_TAG, RUNNING, default_status
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
from arxiv_pipeline.jobs import DIGEST_JOB, arxiv_listings_job, reader_digest_job
from arxiv_pipeline.partitions import reader_day_key
from arxiv_pipeline.resources import ArxivPaperSource, ConfigFile


def build_announcement_sensor(job_name: str = DIGEST_JOB, running: bool = True) -> dg.SensorDefinition:
    """For the job that starts a day: the whole digest, or in a lab the shared fetch. Stopped
    offline (replay), where no announcement comes."""
    return dg.sensor(
        name="announcement_sensor",
        job_name=job_name,
        minimum_interval_seconds=15 * 60,
        default_status=default_status(running),
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
