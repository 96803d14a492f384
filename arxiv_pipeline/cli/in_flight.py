"""``backfill --runs-in-flight N``: up to N days at once in warm worker processes, each day
scored after the day before."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from queue import Empty
from typing import Any

from arxiv_pipeline.cli.days import RunOutcome, _execute, _interrupt
from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.errors import root_message


def _chained_assets(config: PipelineConfig) -> list[Any]:
    """Keys of the assets whose partition depends on their own previous day (paper_scores: a
    paper already shown is not shown again)."""
    from arxiv_pipeline.defs.stages import assets_for

    return [
        spec.key
        for assets_def in assets_for(config)
        for spec in assets_def.specs
        if any(dep.asset_key == spec.key for dep in spec.deps)
    ]


def _backfill_worker(config_path: str, verbose: bool, tasks: Any, results: Any) -> None:
    """One process of a backfill with runs in flight: builds the days it is handed, one run each,
    in this one (warm) process, as a run worker does."""
    signal.signal(signal.SIGTERM, _interrupt)
    parent = os.getppid()
    try:
        while True:
            try:
                item = tasks.get(timeout=1.0)
            except Empty:
                if os.getppid() != parent:
                    return  # the backfill was killed (kill -9): no more days will come
                continue
            if item is None:
                return
            results.put(("started", item, os.getpid()))
            try:
                outcome = _execute(Path(config_path), date.fromisoformat(item), verbose, wait_for_slots=False)
            except Exception as exc:  # a run that could not even start; the other days go on
                outcome = RunOutcome(False, f"the run could not start: {root_message(exc)}")
            results.put(("ended", item, outcome))
    except KeyboardInterrupt:
        return  # stopped: the run in progress was ended as failed by Dagster, as `run` does


class _Flight:
    """The worker processes of a backfill with runs in flight, and which day each holds."""

    def __init__(self, config_path: Path, verbose: bool, workers: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.tasks, self.results = context.Queue(), context.Queue()
        self.workers = [
            context.Process(
                target=_backfill_worker,
                args=(str(config_path), verbose, self.tasks, self.results),
                daemon=True,
            )
            for _ in range(workers)
        ]
        self.handed: dict[str, float] = {}  # day -> when it was handed out, until its outcome is in
        self.held_by: dict[int, str] = {}  # worker pid -> the day it is building

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def hand_out(self, day: str) -> None:
        self.handed[day] = time.time()
        self.tasks.put(day)

    def lost(self) -> Iterator[tuple[date, RunOutcome]]:
        """The days whose worker died while building them."""
        for worker in self.workers:
            if worker.exitcode is not None and worker.pid in self.held_by:
                day = self.held_by.pop(worker.pid)
                del self.handed[day]
                yield (
                    date.fromisoformat(day),
                    RunOutcome(False, f"the run's process died (exit status {worker.exitcode})"),
                )

    def abandoned(self, queue: list[date]) -> Iterator[tuple[date, RunOutcome]]:
        """Every day not built, once every worker has died."""
        for day in [*self.handed, *(d.isoformat() for d in queue)]:
            yield date.fromisoformat(day), RunOutcome(False, "not run: every backfill process died")

    def ended(self, day: str) -> None:
        self.held_by = {pid: d for pid, d in self.held_by.items() if d != day}
        del self.handed[day]

    def finish(self) -> None:
        for _ in self.workers:
            self.tasks.put(None)
        for worker in self.workers:
            worker.join(timeout=60)

    def stop(self) -> None:
        """Ctrl-C or SIGTERM: each run ends as `run` does on a signal (marked failed, slots freed)."""
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM
        for worker in self.workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=10)


def _scored(instance: Any, chained: list[Any], partitions: list[str], since: float) -> bool:
    """Every chained asset of the day's partitions (a lab: every reader's) materialized since
    the day was handed out."""
    import dagster as dg

    return all(
        instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition], after_timestamp=since),
            limit=1,
        ).records
        for key in chained
        for partition in partitions
    )


def _days_in_flight(
    config_path: Path, config: PipelineConfig, days: list[date], limit: int, verbose: bool
) -> Iterator[tuple[date, RunOutcome]]:
    """Up to ``limit`` days at once in as many worker processes, sharing the instance, its pools
    and the warehouse. A day starts once the day before it has been scored (or its run has ended),
    so every day is scored after the one before, as in a backfill one day at a time, and the
    digests come out the same. The llm and arxiv_api pools still let one step at a time use each;
    what overlaps is everything else."""
    import dagster as dg

    from arxiv_pipeline.defs.run_health.health import reap_dead_runs, wait_for_pools
    from arxiv_pipeline.partitions import partitions_of_day

    chained = _chained_assets(config)
    flight = _Flight(config_path, verbose, min(limit, len(days)))
    queue = list(days)
    previous: str | None = None  # the last day handed out, until its scores are in
    with dg.DagsterInstance.get() as instance:
        wait_for_pools(instance, say=print)  # reap dead runs once; each run then waits step by step
        flight.start()
        try:
            while queue or flight.handed:
                if previous is not None and (
                    previous not in flight.handed  # its run has ended
                    or _scored(
                        instance,
                        chained,
                        partitions_of_day(previous, config.reader_names),
                        flight.handed[previous],
                    )
                ):
                    previous = None
                if queue and previous is None and len(flight.handed) < limit:
                    previous = queue.pop(0).isoformat()
                    flight.hand_out(previous)
                    continue
                try:
                    kind, day, detail = flight.results.get(timeout=0.25)
                except Empty:
                    yield from flight.lost()
                    if not any(w.is_alive() for w in flight.workers):
                        yield from flight.abandoned(queue)
                        return
                    continue
                if kind == "started":
                    flight.held_by[detail] = day
                    continue
                flight.ended(day)
                yield date.fromisoformat(day), detail
            flight.finish()
        except BaseException:
            flight.stop()
            # A worker stopped between making its run and starting it leaves the run unfinished:
            # its process is gone now, so it is marked failed here, not left to block the next run.
            with contextlib.suppress(Exception):
                reap_dead_runs(instance)
            raise
