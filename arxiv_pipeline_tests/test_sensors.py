"""Sensors evaluated over a real temp instance and a real DuckDB file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest

from arxiv_pipeline.definitions import defs
from arxiv_pipeline.defs.automation import retry_sensor
from arxiv_pipeline.defs.ingest.sensors import announcement_sensor
from arxiv_pipeline.defs.profile.sensors import reader_profile_sensor
from arxiv_pipeline.defs.run_health.sensors import run_failure_recorder
from arxiv_pipeline.defs.select.sensors import config_change_sensor
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.defs.summarize.sensors import FAILED_SUMMARIES
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize, tick_sensor, warehouse_for

failed_summary_sensor = retry_sensor(FAILED_SUMMARIES)

pytestmark = pytest.mark.slow


tick = tick_sensor


def test_config_change_sensor(
    config_files: ConfigFactory, materialize_day: Materialize, temp_instance: dg.DagsterInstance
) -> None:
    path = config_files.write(automation={"config_rerun_days": 5})
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)

    first = tick(config_change_sensor, path, temp_instance)
    assert not first.run_requests and "recorded" in first.skip_reason.skip_message
    cursor = first.cursor
    same = tick(config_change_sensor, path, temp_instance, cursor)
    assert not same.run_requests and "unchanged" in same.skip_reason.skip_message

    path = config_files.write(
        automation={"config_rerun_days": 5}, keywords={"include": ["tokenizer"], "exclude": [], "authors": []}
    )
    changed = tick(config_change_sensor, path, temp_instance, cursor)
    assert [r.partition_key for r in changed.run_requests] == ["2026-11-17", "2026-11-18"]
    assert changed.cursor != cursor
    keys = {k.to_user_string() for k in changed.run_requests[0].asset_selection}
    assert keys == {
        "candidate_papers",
        "reader_profile",
        "paper_scores",
        "paper_fulltext",
        "paper_summaries",
        "digest_markdown",
        "daily_digest",
        "digest_export",
        "digest_feeds",
        "site_day_page",
        "site_index",
        "digest_delivery",  # targets without the day get it; those that have it are not sent again
    }
    again = tick(config_change_sensor, path, temp_instance, cursor)  # a repeated tick: same keys
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in changed.run_requests]
    settled = tick(config_change_sensor, path, temp_instance, changed.cursor)
    assert not settled.run_requests


def test_failed_summary_sensor_backs_off_and_gives_up(
    config_files: ConfigFactory, materialize_day: Materialize, temp_instance: dg.DagsterInstance
) -> None:
    path = config_files.write(automation={"summary_retry_minutes": 30, "summary_retry_max_attempts": 2})
    materialize_day(path, DAY_1)
    nothing = tick(failed_summary_sensor, path, temp_instance)
    assert not nothing.run_requests and "no failed summaries" in nothing.skip_reason.skip_message

    store = warehouse_for(path)
    with store.connect() as conn:
        conn.execute(
            "UPDATE paper_summaries SET status = 'failed', error = 'HTTP 500' "
            "WHERE announce_date = ? AND rank <= 2",
            [DAY_1],
        )
    first = tick(failed_summary_sensor, path, temp_instance)
    [request] = first.run_requests
    assert request.partition_key == "2026-11-17" and request.run_key == "retry-summaries-2026-11-17-1"
    assert {k.to_user_string() for k in request.asset_selection} >= {"paper_summaries", "digest_markdown"}
    assert "candidate_papers" not in {k.to_user_string() for k in request.asset_selection}

    waiting = tick(failed_summary_sensor, path, temp_instance, first.cursor)
    assert not waiting.run_requests and "next retry in" in waiting.skip_reason.skip_message

    # After the back-off (2x the first wait for the second retry) it tries again, then gives up.
    state = json.loads(first.cursor)
    state["2026-11-17"]["last"] -= 2 * 30 * 60 + 1
    second = tick(failed_summary_sensor, path, temp_instance, json.dumps(state))
    assert [r.run_key for r in second.run_requests] == ["retry-summaries-2026-11-17-2"]
    state = json.loads(second.cursor)
    state["2026-11-17"]["last"] -= 10 * 3600
    done = tick(failed_summary_sensor, path, temp_instance, json.dumps(state))
    assert not done.run_requests and "gave up after 2" in done.skip_reason.skip_message

    materialize_day(path, DAY_1)  # summaries succeed again: the day leaves the cursor
    healed = tick(failed_summary_sensor, path, temp_instance, done.cursor)
    assert json.loads(healed.cursor) == {}


def test_announcement_sensor(config_files: ConfigFactory, temp_instance: dg.DagsterInstance) -> None:
    from arxiv_pipeline.core.ingest.calendar import announcement_date_of
    from arxiv_pipeline_tests.build_sample_data import build_day
    from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
    from arxiv_pipeline_tests.sample_papers import DAY_1_PAPERS

    replay = tick(announcement_sensor, config_files.write(), temp_instance)
    assert "replay" in replay.skip_reason.skip_message

    due = announcement_date_of(datetime.now(UTC))
    root = config_files.root / "recordings"
    build_day(root, due.isoformat(), DAY_1_PAPERS[:5])
    with FakeArxiv(due.isoformat(), root=root) as server:
        path = config_files.write(
            source={
                "kind": "arxiv",
                "rss_url": f"{server.base_url}/rss/{{}}",
                "api_url": f"{server.base_url}/api/query?{{}}",
                "min_interval_s": 0,
            },
            fulltext={"top": 0},  # arxiv.org is not to be reached from the tests
        )
        first = tick(announcement_sensor, path, temp_instance)
        [request] = first.run_requests
        assert request.partition_key == due.isoformat() == first.cursor
        assert request.run_key == f"announcement-{due.isoformat()}"
        requests_made = len(server.requests)
        later = tick(announcement_sensor, path, temp_instance, first.cursor)
        assert not later.run_requests and len(server.requests) == requests_made  # no request at all


def failed_run(
    config_files: ConfigFactory, instance: dg.DagsterInstance, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    """A run of an ad-hoc asset selection (as the UI's "Materialize" button starts them) that
    fails: its config points at recordings that do not exist."""
    bad = config_files.write(source={"replay_dir": str(config_files.root / "nowhere")})
    result = dg.materialize(
        ALL_ASSETS,
        partition_key=DAY_1.isoformat(),
        instance=instance,
        resources=pipeline_resources(config_path=str(bad)),
        raise_on_error=False,
        tags=tags,
    )
    assert not result.success
    return result


def test_run_failure_recorder_records_each_failed_run_once(
    config_files: ConfigFactory, temp_instance: dg.DagsterInstance
) -> None:
    result = failed_run(config_files, temp_instance, tags={"arxiv_pipeline/trigger": "cli"})
    path = config_files.write()

    first = tick(run_failure_recorder, path, temp_instance)
    assert "recorded 1 failed run" in first.skip_reason.skip_message
    [row] = warehouse_for(path).query("SELECT * FROM run_failures")
    assert row["run_id"] == result.run_id and row["partition"] == "2026-11-17"
    assert row["job"] == "__ephemeral_asset_job__" and row["trigger"] == "cli"
    assert row["failed_steps"] == ["arxiv_listings"] and "no recorded arXiv day" in row["error"]

    again = tick(run_failure_recorder, path, temp_instance, first.cursor)
    assert again.skip_reason.skip_message == "no unrecorded failed runs"
    fresh = tick(run_failure_recorder, path, temp_instance)  # no cursor: the table alone decides
    assert fresh.skip_reason.skip_message == "no unrecorded failed runs"
    assert warehouse_for(path).row_count("run_failures") == 1


def test_run_failure_recorder_loses_nothing_when_the_database_is_busy(
    config_files: ConfigFactory, temp_instance: dg.DagsterInstance
) -> None:
    result = failed_run(config_files, temp_instance)
    path = config_files.write()
    # The database file's folder is a file for one tick: the write fails, the tick errors.
    blocked = config_files.write(storage={"database": str(path)})
    with pytest.raises(duckdb.Error):
        tick(run_failure_recorder, blocked, temp_instance)
    path = config_files.write()
    assert "recorded 1 failed run" in tick(run_failure_recorder, path, temp_instance).skip_reason.skip_message
    [row] = warehouse_for(path).query("SELECT run_id FROM run_failures")
    assert row["run_id"] == result.run_id


def test_reader_profile_sensor_refits_after_a_rating_or_a_library_edit(
    config_files: ConfigFactory, materialize_day: Materialize, temp_instance: dg.DagsterInstance
) -> None:
    from arxiv_pipeline.core.profile.ratings import rate_paper

    library = config_files.root / "ids.txt"
    library.write_text("2611.10032\n", encoding="utf-8")
    path = config_files.write(reader={"library": ["ids.txt"]})
    materialize_day(path, DAY_1)
    quiet = tick(reader_profile_sensor, path, temp_instance)
    assert not quiet.run_requests and "up to date" in quiet.skip_reason.skip_message

    rate_paper(warehouse_for(path), "2611.10005", "up", "test")
    rated = tick(reader_profile_sensor, path, temp_instance)
    assert reader_profile_sensor.job_name == "reader_profile_job"
    assert [r.run_key[:15] for r in rated.run_requests] == ["reader-profile-"]
    again = tick(reader_profile_sensor, path, temp_instance)  # same state, same run key
    assert again.run_requests[0].run_key == rated.run_requests[0].run_key

    library.write_text("2611.10032\n2611.10014\n", encoding="utf-8")
    edited = tick(reader_profile_sensor, path, temp_instance)
    assert edited.run_requests[0].run_key != rated.run_requests[0].run_key

    result = defs.resolve_job_def("reader_profile_job").execute_in_process(
        instance=temp_instance, resources=pipeline_resources(config_path=str(path))
    )
    assert result.success
    settled = tick(reader_profile_sensor, path, temp_instance)
    assert not settled.run_requests
