"""The daily schedule: shortly after arXiv rebuilds its feed, build that announcement day."""

from typing import Any

import dagster as dg

from arxiv_pipeline.core.config import AutomationConfig
from arxiv_pipeline.core.ingest.calendar import announcement_in_feed_at
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
from arxiv_pipeline.jobs import daily_digest_job
from arxiv_pipeline.partitions import partitions_of_day


def already_built(instance: dg.DagsterInstance, day: str, readers: list[str] | None = None) -> bool:
    """Whether the day's digest exists (in a lab: every reader's)."""
    return all(
        instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("digest_markdown"), asset_partitions=[p]), limit=1
        ).records
        for p in partitions_of_day(day, readers)
    )


def build_daily_schedule(
    automation: AutomationConfig,
    running: bool = False,
    problem: str | None = None,
    job: dg.JobDefinition | Any = daily_digest_job,
    readers: list[str] | None = None,
) -> dg.ScheduleDefinition:
    """The schedule for ``automation``, starting ``job`` (in a lab the shared fetch, which
    the reader runs follow); ``problem`` (a configuration error) is shown on it in the UI."""
    description = (
        "Builds the announcement day arXiv's feed holds; skips Saturdays and Sundays. "
        "The announcement sensor usually starts the run earlier; this is the fallback."
    )
    if problem:
        description = f"THE CONFIGURATION HAS AN ERROR; runs stop on it until it is fixed.\n{problem}"

    @dg.schedule(
        default_status=dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED,
        name="daily_digest_schedule",
        job=job,
        cron_schedule=automation.schedule_cron,
        execution_timezone=automation.schedule_timezone,
        description=description,
    )
    def daily_digest_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        tick = context.scheduled_execution_time
        day = announcement_in_feed_at(tick)
        if day is None:
            return dg.SkipReason(f"arXiv announces nothing on {tick:%A}s (US/Eastern)")
        if already_built(context.instance, day.isoformat(), readers):
            return dg.SkipReason(f"{day} is already built (the announcement sensor was first)")
        return dg.RunRequest(
            run_key=f"scheduled-{day.isoformat()}",
            partition_key=day.isoformat(),
            tags={TRIGGER_TAG: "schedule"},
        )

    return daily_digest_schedule
