"""Dead runs are found and their pool slots freed; a live holder is waited for, asleep and said."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import DagsterRun

from arxiv_pipeline.defs.run_health.health import HOST_TAG, PID_TAG, process_tags, wait_for_pools
from arxiv_pipeline.defs.run_health.sensors import dead_run_reaper


@pytest.fixture
def instance(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as inst:
        for pool in ("arxiv_api", "llm"):
            inst.event_log_storage.set_concurrency_slots(pool, 1)
        yield inst


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str], pool: str, step: str) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(
        DagsterRun(job_name="daily_digest_job", run_id=run_id, status=dg.DagsterRunStatus.STARTED, tags=tags)
    )
    instance.event_log_storage.claim_concurrency_slot(pool, run_id, step)
    return run_id


def test_the_reaper_fails_a_run_whose_process_died_and_frees_its_slot(instance: dg.DagsterInstance) -> None:
    host = process_tags()[HOST_TAG]
    dead = _started_run(instance, {PID_TAG: str(_dead_pid()), HOST_TAG: host}, "llm", "paper_summaries")
    alive = _started_run(instance, {PID_TAG: str(os.getpid()), HOST_TAG: host}, "arxiv_api", "arxiv_listings")
    elsewhere = _started_run(
        instance, {PID_TAG: str(_dead_pid()), HOST_TAG: "another-host"}, "arxiv_api", "x"
    )
    with dg.build_sensor_context(instance=instance) as context:
        result = dead_run_reaper(context)
    assert "marked 1 dead run(s) failed" in result.skip_message
    assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive).status == dg.DagsterRunStatus.STARTED
    assert instance.get_run_by_id(elsewhere).status == dg.DagsterRunStatus.STARTED  # not ours to judge
    assert not instance.event_log_storage.get_concurrency_info("llm").claimed_slots
    failure = instance.all_logs(dead, of_type=dg.DagsterEventType.RUN_FAILURE)[0]
    assert "process" in failure.message and "is gone" in failure.message
    with dg.build_sensor_context(instance=instance) as context:
        assert "alive" in dead_run_reaper(context).skip_message  # nothing left to reap


def test_a_live_holder_is_waited_for_asleep_and_named(instance: dg.DagsterInstance) -> None:
    tags = {PID_TAG: str(os.getpid()), HOST_TAG: process_tags()[HOST_TAG]}
    holder = _started_run(instance, tags, "llm", "paper_summaries")
    said: list[str] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:  # the other run finishes its step
            instance.event_log_storage.free_concurrency_slots_for_run(holder)

    wait_for_pools(instance, say=said.append, poll_s=2.0, sleep=sleep)
    assert slept == [2.0, 2.0, 2.0]
    assert said == [f"Waiting for pool llm: held by run {holder[:8]} (paper_summaries) (Ctrl-C to stop)"]
