"""Runs whose process is gone: found, marked failed, and their concurrency slots freed.

A run killed with ``kill -9`` (an OOM kill, a power cut) never reports its own end: Dagster keeps
it "STARTED" and keeps the slots it held in the ``arxiv_api`` and ``llm`` pools, so every later run
would wait on them forever. The CLI checks before each run, and the ``dead_run_reaper`` sensor
checks every minute for runs started from the UI or the schedule.

A run's process is known from the tags the CLI puts on its runs, or, for runs the default run
launcher started on this machine, from the pid Dagster records when the run's process starts.
A run whose process cannot be known (another launcher, another machine) is left to the
daemon's run monitoring (timeouts), which the instance config the CLI writes turns on.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
from dagster._core.launcher import DefaultRunLauncher

from arxiv_pipeline.errors import root_message

PID_TAG = "arxiv_pipeline/pid"
PID_START_TAG = "arxiv_pipeline/pid_start"
HOST_TAG = "arxiv_pipeline/host"
TRIGGER_TAG = "arxiv_pipeline/trigger"
POOLS = ("arxiv_api", "llm")
_ACTIVE = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, Linux), to tell it from a reused pid."""
    try:
        stat = open(f"/proc/{pid}/stat", encoding="utf-8").read()  # noqa: SIM115
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def process_alive(pid: int, started: str | None = None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return started is None or process_start(pid) in (None, started)


def process_tags() -> dict[str, str]:
    """Tags naming this process, for the runs it starts."""
    pid = os.getpid()
    return {PID_TAG: str(pid), PID_START_TAG: process_start(pid) or "", HOST_TAG: socket.gethostname()}


def _recorded_pid(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[int, str | None] | None:
    if PID_TAG in run.tags:
        if run.tags.get(HOST_TAG) != socket.gethostname():
            return None
        return int(run.tags[PID_TAG]), run.tags.get(PID_START_TAG) or None
    if not isinstance(instance.run_launcher, DefaultRunLauncher):
        return None  # the run's process may live on another machine
    records = instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=20
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        pid = event.engine_event_data.metadata.get("pid") if event and event.engine_event_data else None
        if pid is not None:
            return int(str(pid.value)), None
    return None


def run_alive(instance: dg.DagsterInstance, run_id: str) -> bool | None:
    """Whether a run is still going: False when it ended or its process on this machine is gone,
    None when this instance does not know it (another deployment): the caller decides."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        return None
    if run.is_finished:
        return False
    known = _recorded_pid(instance, run)
    return known is None or process_alive(*known)


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    pid: int
    partition: str | None


def reap_dead_runs(instance: dg.DagsterInstance) -> list[DeadRun]:
    """Mark every active run whose process is gone as failed and free its slots."""
    dead = []
    # A run made by a process that died before starting it stays NOT_STARTED with that process's
    # pid: as dead as a started one (runs queued by the UI have no pid and are left alone).
    statuses = [*_ACTIVE, dg.DagsterRunStatus.NOT_STARTED]
    for record in instance.get_run_records(dg.RunsFilter(statuses=statuses)):
        run = record.dagster_run
        if run.status == dg.DagsterRunStatus.NOT_STARTED and PID_TAG not in run.tags:
            continue
        known = _recorded_pid(instance, run)
        if known is None or process_alive(*known):
            continue
        instance.report_run_failed(
            run,
            f"The run's process (pid {known[0]}) is gone: it was killed or crashed. Marked failed by "
            "arxiv-pipeline and its concurrency slots freed; rerun the day to finish it (paid LLM "
            "answers already stored are not paid again).",
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        dead.append(DeadRun(run.run_id, known[0], run.tags.get("dagster/partition")))
    return dead


def busy_pools(instance: dg.DagsterInstance, pools: Sequence[str] = POOLS) -> dict[str, list[str]]:
    """Pools whose every slot is taken, with what holds them ("run <id> (step)")."""
    busy = {}
    for pool in pools:
        info = instance.event_log_storage.get_concurrency_info(pool)
        limit = info.slot_count or info.limit or 0
        if info.claimed_slots and len(info.claimed_slots) >= limit:
            busy[pool] = [f"run {s.run_id[:8]} ({s.step_key})" for s in info.claimed_slots]
    return busy


def wait_for_pools(
    instance: dg.DagsterInstance,
    say: Callable[[str], None],
    poll_s: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Before a run: reap dead runs, then wait (asleep, saying for what) while live runs hold
    every slot of a pool this run needs."""
    last = ""
    while True:
        for run in reap_dead_runs(instance):
            say(f"Run {run.run_id[:8]} ({run.partition or '-'}) had died (pid {run.pid}); marked failed.")
        busy = busy_pools(instance)
        if not busy:
            return
        message = "Waiting for " + "; ".join(f"pool {p}: held by {', '.join(h)}" for p, h in busy.items())
        if message != last:
            say(message + " (Ctrl-C to stop)")
            last = message
        sleep(poll_s)


@dataclass(frozen=True)
class FailedRun:
    run_id: str
    job: str
    partition: str | None
    failed_steps: list[str]
    error: str
    trigger: str | None
    failed_at: float

    def as_row(self) -> dict[str, object]:
        return {**self.__dict__, "failed_at": datetime.fromtimestamp(self.failed_at, UTC)}


def _failure_of(instance: dg.DagsterInstance, record: dg.RunRecord) -> FailedRun:
    run = record.dagster_run
    records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=100)
    steps = [e for r in records.records if (e := r.event_log_entry.dagster_event) is not None]
    if steps and steps[0].step_failure_data:
        error = root_message(steps[0].step_failure_data.error)
    else:
        ends = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE, ascending=False, limit=1
        ).records
        error = (ends[0].event_log_entry.message if ends else "") or "run failed"
    return FailedRun(
        run_id=run.run_id,
        job=run.job_name,
        partition=run.tags.get("dagster/partition"),
        failed_steps=[e.step_key or "" for e in steps],
        error=error,
        # Untagged: started by hand (the UI's Materialize button, `dagster asset materialize`).
        trigger=run.tags.get(TRIGGER_TAG) or "manual",
        failed_at=record.end_time or record.update_timestamp.timestamp(),
    )


def failed_runs(
    instance: dg.DagsterInstance, since: float, known: Callable[[list[str]], set[str]]
) -> list[FailedRun]:
    """Failed runs that ended after ``since`` (epoch seconds) and that ``known`` has not seen,
    whatever started them: the UI, the schedule, a sensor or the CLI (runs of any job)."""
    records = instance.get_run_records(
        dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.FAILURE], updated_after=datetime.fromtimestamp(since, UTC)
        ),
        limit=1000,
    )
    if not records:
        return []  # nothing to ask the store about
    seen = known([r.dagster_run.run_id for r in records])
    return [_failure_of(instance, r) for r in records if r.dagster_run.run_id not in seen]
