"""The daily schedule picks the announcement day the feed holds at each tick."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from arxiv_pipeline.core.config import AutomationConfig
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.jobs import daily_digest_job
from arxiv_pipeline.resources import default_resources
from arxiv_pipeline.schedules import build_daily_schedule

# The schedule runs with live arXiv (offline, the partitions are only the recorded days): every
# announcement day from automation.first_day.
defs = dg.Definitions(assets=ALL_ASSETS, jobs=[daily_digest_job], resources=default_resources())

ET = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def evaluate(
    tick: datetime, automation: AutomationConfig | None = None, instance: dg.DagsterInstance | None = None
):
    schedule = build_daily_schedule(automation or AutomationConfig())
    with (
        dg.instance_for_test() as temp,
        dg.build_schedule_context(
            scheduled_execution_time=tick,
            instance=instance or temp,
            repository_def=defs.get_repository_def(),
        ) as context,
    ):
        return schedule.evaluate_tick(context)


@pytest.mark.parametrize(
    ("tick", "partition"),
    [
        (datetime(2026, 11, 17, 0, 30, tzinfo=ET), "2026-11-17"),  # Tuesday: Monday evening's news
        (datetime(2026, 11, 16, 0, 30, tzinfo=ET), "2026-11-16"),  # Monday: Sunday evening's
        (datetime(2026, 11, 20, 0, 30, tzinfo=ET), "2026-11-20"),  # Friday: Thursday evening's
        (datetime(2026, 11, 21, 0, 30, tzinfo=ET), None),  # Saturday: none
        (datetime(2026, 11, 22, 0, 30, tzinfo=ET), None),  # Sunday: none
        (datetime(2026, 3, 8, 0, 30, tzinfo=ET), None),  # DST starts on a Sunday
        (datetime(2026, 3, 9, 0, 30, tzinfo=ET), "2026-03-09"),  # first EDT Monday
        (datetime(2026, 11, 2, 0, 30, tzinfo=ET), "2026-11-02"),  # first EST Monday
        (datetime(2026, 3, 10, 5, 30, tzinfo=UTC), "2026-03-10"),  # a UTC cron, 01:30 EDT
        (datetime(2026, 11, 17, 23, 0, tzinfo=ET), "2026-11-17"),  # late: the feed still holds today
    ],
)
def test_partition_for_each_tick(tick: datetime, partition: str | None) -> None:
    result = evaluate(tick)
    if partition is None:
        assert not result.run_requests and "announces nothing" in result.skip_message
    else:
        [request] = result.run_requests
        assert request.partition_key == partition
        assert request.run_key == f"scheduled-{partition}"
        assert request.tags["arxiv_pipeline/trigger"] == "schedule"


def test_time_and_zone_come_from_the_config() -> None:
    schedule = build_daily_schedule(
        AutomationConfig(schedule_cron="15 6 * * 1-5", schedule_timezone="Europe/Berlin")
    )
    assert schedule.cron_schedule == "15 6 * * 1-5" and schedule.execution_timezone == "Europe/Berlin"


def test_bad_schedule_settings_name_the_key() -> None:
    from arxiv_pipeline.core.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match=r"automation\.schedule_timezone"):
        parse_config({"automation": {"schedule_timezone": "Mars/Olympus"}})
    with pytest.raises(ConfigError, match=r"automation\.schedule_cron"):
        parse_config({"automation": {"schedule_cron": "every day"}})


def test_a_day_the_sensor_already_built_is_skipped(config_files) -> None:
    from arxiv_pipeline.defs.stages import ALL_ASSETS
    from arxiv_pipeline.resources import pipeline_resources
    from arxiv_pipeline_tests.conftest import DAY_1

    with dg.instance_for_test() as instance:
        dg.materialize(
            ALL_ASSETS,
            partition_key=DAY_1.isoformat(),
            instance=instance,
            resources=pipeline_resources(config_path=str(config_files.write())),
        )
        result = evaluate(datetime(2026, 11, 17, 0, 30, tzinfo=ET), instance=instance)
        other = evaluate(datetime(2026, 11, 18, 0, 30, tzinfo=ET), instance=instance)
    assert not result.run_requests and "already built" in result.skip_message
    assert [r.partition_key for r in other.run_requests] == ["2026-11-18"]
