"""`arxiv-pipeline`: build a day's digest from the command line, through Dagster.

The run is a real Dagster materialization recorded in the instance under ``$DAGSTER_HOME``
(default ``data/dagster_home`` next to the config), so `dagster dev` shows it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from queue import Empty
from typing import Any

from arxiv_pipeline import __version__
from arxiv_pipeline.core.config import (
    CONFIG_FILE_NAME,
    DEFAULT_CONFIG_PATH,
    ConfigError,
    PipelineConfig,
    check_writable,
    config_json_schema,
    find_config_path,
    load_config,
)
from arxiv_pipeline.core.ingest.calendar import EASTERN, announcement_date_of, is_announcement_day
from arxiv_pipeline.core.ingest.replay import SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.publish.stage import DIGEST_FILES
from arxiv_pipeline.errors import root_message


class DayError(ValueError):
    """A date the pipeline cannot build; the message says which dates it can."""


def default_day(config: PipelineConfig) -> date:
    if config.source.kind == "replay":
        root = config.resolve(config.source.replay_dir) if config.source.replay_dir else None
        days = ReplaySource(root).available_days()
        if SAMPLE_DAY in days or not days:
            return SAMPLE_DAY
        return days[-1]
    # The announcement arXiv's feed holds now: today's (US/Eastern) or, on a weekend, Friday's.
    day = datetime.now(UTC).astimezone(EASTERN).date()
    while not is_announcement_day(day):
        day -= timedelta(days=1)
    return day


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--date must look like 2026-11-17 (got {text!r})") from None


SCHEMA_FILE_NAME = "arxiv_pipeline.schema.json"

INSTANCE_HEADER = (
    "# Written by arxiv-pipeline: rewritten when it changes; delete this line to keep your edits."
)
INSTANCE_CONFIG = f"""{INSTANCE_HEADER}
telemetry:
  enabled: false
# One arXiv request at a time across runs, and one LLM stage at a time: each pool holds one slot.
concurrency:
  pools:
    default_limit: 1
# A run whose process died is marked failed and its slots freed: on this machine within a minute
# (the dead_run_reaper sensor, and arxiv-pipeline before each run), elsewhere by these timeouts.
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  cancel_timeout_seconds: 300
  max_runtime_seconds: 21600
  poll_interval_seconds: 60
  free_slots_after_run_end_seconds: 60
"""
# What versions before run monitoring wrote; replaced by the above.
_OLD_INSTANCE_CONFIG = (
    "telemetry:\n  enabled: false\n"
    "# One arXiv request at a time across runs: the arxiv_api pool holds one slot.\n"
    "concurrency:\n  pools:\n    default_limit: 1\n"
)


def _instance_home(config: PipelineConfig) -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(config.base_dir / "data" / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    current = path.read_text(encoding="utf-8") if path.exists() else None
    ours = current is None or current == _OLD_INSTANCE_CONFIG or current.startswith(INSTANCE_HEADER)
    if ours and current != INSTANCE_CONFIG:
        path.write_text(INSTANCE_CONFIG, encoding="utf-8")
    return home


@dataclass
class RunOutcome:
    ok: bool
    failure: str = ""  # "<step>: <cause>" of the first failed step
    steps: list[str] = field(default_factory=list)  # one line per step, in the order they ended


def _step_lines(result: Any, reader: str = "") -> list[str]:
    rows: dict[str, str] = {}
    for event in result.all_events:
        if event.is_step_materialization:
            mat = event.event_specific_data.materialization
            count = mat.metadata.get("dagster/row_count")
            rows[event.step_key] = f"{count.value if count else '-':>5} rows"
    lines = []
    width = 18 + (len(reader) + 4 if reader else 0)  # a lab's steps are named ana/paper_scores
    for event in result.all_events:
        if event.is_step_success:
            lines.append(f"  ok      {reader + event.step_key:<{width}}{rows.get(event.step_key, '')}")
        elif event.is_step_failure:
            lines.append(f"  FAILED  {reader}{event.step_key}")
    ended = {e.step_key for e in result.all_events if e.is_step_success or e.is_step_failure}
    not_run = [reader + n.name for n in result.job_def.nodes_in_topological_order if n.name not in ended]
    if not_run and not result.success:
        lines.append(f"  not run {', '.join(not_run)}")
    return lines


def _execute(config_path: Path, day: date, verbose: bool, wait_for_slots: bool = True) -> RunOutcome:
    """The Dagster runs that build ``day``, recorded in the instance: one of ``daily_digest_job``,
    or in a lab the shared fetch and then one run per reader (a reader's failure does not stop the
    others' runs)."""
    import dagster as dg

    from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG, process_tags, wait_for_pools
    from arxiv_pipeline.jobs import DIGEST_JOB, LISTINGS_JOB
    from arxiv_pipeline.launch import code_location
    from arxiv_pipeline.partitions import reader_day_key

    config = load_config(config_path)
    level = "INFO" if verbose else "CRITICAL"  # step failures are summarized below instead
    runs = [(LISTINGS_JOB, day.isoformat(), "")] if config.readers else [(DIGEST_JOB, day.isoformat(), "")]
    runs += [(DIGEST_JOB, reader_day_key(day, r), f"{r}/") for r in config.reader_names]
    steps: list[str] = []
    failure = ""
    with dg.DagsterInstance.get() as instance, code_location(instance, config_path) as location:
        if wait_for_slots:
            wait_for_pools(instance, say=print)
        for job_name, partition, reader in runs:
            result = location.execute(
                job_name,
                partition,
                tags={**process_tags(), TRIGGER_TAG: "cli"},
                run_config={"loggers": {"console": {"config": {"log_level": level}}}},
            )
            if _STOP_REQUESTED.is_set() or _interrupted(result):
                raise KeyboardInterrupt  # Dagster ended the run as failed on the signal; stop here too
            steps += _step_lines(result, reader)
            if not result.success and not failure:
                failure = next(
                    (
                        f"{reader}{e.step_key}: {root_message(e.step_failure_data.error)}"
                        for e in result.all_events
                        if e.is_step_failure
                    ),
                    f"{reader}the run failed",
                )
            if not result.success and job_name == LISTINGS_JOB:
                break  # without the day's papers no reader's run can start
    return RunOutcome(not failure, failure, steps)


def check_day(config: PipelineConfig, day: date) -> None:
    """A day the pipeline can build: an announcement weekday, from ``automation.first_day`` up to
    the newest announcement. Anything else is refused with what to do instead."""
    if not is_announcement_day(day):
        before, after = day - timedelta(days=day.weekday() - 4), day + timedelta(days=7 - day.weekday())
        raise DayError(
            f"{day} is a {day:%A}: arXiv makes no announcement on Saturdays and Sundays. "
            f"The nearest announcement days are {before} ({before:%a}) and {after} ({after:%a})."
        )
    first = config.automation.first_day
    if day < first:
        raise DayError(
            f"{day} is before automation.first_day ({first}); set automation.first_day earlier in "
            "the configuration to build it."
        )
    newest = announcement_date_of(datetime.now(UTC))
    if day > newest:
        raise DayError(f"{day} has not been announced yet: the newest announcement day is {newest}.")


def run(config_path: Path, day: date | None, verbose: bool = False, in_backfill: bool = False) -> int:
    config = load_config(config_path)
    check_writable(config)  # before anything is written, the instance folder included
    day = day or default_day(config)
    check_day(config, day)
    home = _instance_home(config)
    print(f"Building the digest for {day} (config: {config_path}, source: {config.source.kind})")
    # A backfill's runs in flight wait for slots inside Dagster, step by step (see backfill).
    outcome = _execute(config_path, day, verbose, wait_for_slots=not in_backfill)
    print("\n".join(outcome.steps))
    if not outcome.ok:
        print(f"\nFAILED {outcome.failure}", file=sys.stderr)
        if not verbose:
            print("Rerun with --verbose for Dagster's log of the run.", file=sys.stderr)
        return 1
    print(f"\nDatabase: {config.warehouse_location}")
    for name in config.reader_names or [None]:
        out = config.for_reader(name).output_dir
        print(f"Digest files{f' of {name}' if name else ''}:")
        for file in DIGEST_FILES.values():
            print(f"  {out / day.isoformat() / file}")
        print(f"  {out / day.isoformat() / 'digest.json'}  (and papers.jsonl)")
        site = out / "site"
        print(f"Web site: {site / 'index.html'}  (feeds: {site / 'feed.atom.xml'}, feed.rss.xml)")
    print(f"Dagster instance: {home}  (see the runs with: DAGSTER_HOME={home} dg dev)")
    return 0


def backfill(
    config_path: Path, start: date, end: date, verbose: bool = False, runs_in_flight: int = 1
) -> int:
    """Build every announcement day from start to end, one Dagster run per day.

    Oldest first so that "already shown" means shown on an earlier day; a failed day is
    reported and the next days still run. Saturdays and Sundays are not announcement days.
    With ``runs_in_flight`` above 1, up to that many days run at once, in as many processes.
    """
    config = load_config(config_path)
    check_writable(config)
    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    if runs_in_flight < 1:
        raise ConfigError(f"--runs-in-flight must be 1 or more (got {runs_in_flight})")
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weekend = sum(1 for d in days if not is_announcement_day(d))
    days = [d for d in days if is_announcement_day(d)]
    if not days:
        raise DayError(f"{start} to {end} holds no announcement day (arXiv announces Monday to Friday).")
    check_day(config, days[0])
    check_day(config, days[-1])
    _instance_home(config)
    if runs_in_flight == 1 or len(days) == 1:
        outcomes: Iterator[tuple[date, RunOutcome]] = ((d, _execute(config_path, d, verbose)) for d in days)
    else:
        outcomes = _days_in_flight(config_path, config, days, runs_in_flight, verbose)
    failed: list[date] = []
    for day, outcome in outcomes:
        if outcome.ok:
            print(f"{day} {day:%a}  ok", flush=True)
        else:
            print(f"{day} {day:%a}  FAILED {outcome.failure}", file=sys.stderr, flush=True)
            failed.append(day)
    skipped = f" ({weekend} weekend day{'s' if weekend != 1 else ''} skipped)" if weekend else ""
    built = len(days) - len(failed)
    print(f"\n{built} of {len(days)} announcement days built{skipped}; digests under {config.output_dir}")
    if failed:
        print(
            f"Failed: {', '.join(map(str, sorted(failed)))}. Rerun one with "
            f"`arxiv-pipeline run --date {min(failed)} --verbose` to see Dagster's log.",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _chained_assets(config: PipelineConfig) -> list[Any]:
    """Keys of the assets whose partition depends on their own previous day (paper_scores: a
    paper already shown is not shown again)."""
    from arxiv_pipeline.defs import assets_for

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


def _days_in_flight(
    config_path: Path, config: PipelineConfig, days: list[date], limit: int, verbose: bool
) -> Iterator[tuple[date, RunOutcome]]:
    """Up to ``limit`` days at once in as many worker processes, sharing the instance, its pools
    and the warehouse. A day starts once the day before it has been scored (or its run has ended),
    so every day is scored after the one before, as in a backfill one day at a time, and the
    digests come out the same. The llm and arxiv_api pools still let one step at a time use each;
    what overlaps is everything else."""
    import multiprocessing

    import dagster as dg

    from arxiv_pipeline.defs.run_health.health import wait_for_pools
    from arxiv_pipeline.partitions import partitions_of_day

    chained = _chained_assets(config)
    context = multiprocessing.get_context("spawn")
    tasks, results = context.Queue(), context.Queue()
    workers = [
        context.Process(
            target=_backfill_worker, args=(str(config_path), verbose, tasks, results), daemon=True
        )
        for _ in range(min(limit, len(days)))
    ]
    queue = list(days)
    handed: dict[str, float] = {}  # day -> when it was handed out, until its outcome is in
    held_by: dict[int, str] = {}  # worker pid -> the day it is building
    previous: str | None = None  # the last day handed out, until its scores are in
    with dg.DagsterInstance.get() as instance:
        wait_for_pools(instance, say=print)  # reap dead runs once; each run then waits step by step

        def scored(day: str) -> bool:
            if day not in handed:
                return True  # its run has ended
            # A lab's day is scored when every reader's is.
            partitions = partitions_of_day(day, config.reader_names)
            return all(
                instance.fetch_materializations(
                    dg.AssetRecordsFilter(
                        asset_key=key, asset_partitions=[partition], after_timestamp=handed[day]
                    ),
                    limit=1,
                ).records
                for key in chained
                for partition in partitions
            )

        for worker in workers:
            worker.start()
        try:
            while queue or handed:
                if previous is not None and scored(previous):
                    previous = None
                if queue and previous is None and len(handed) < limit:
                    previous = queue.pop(0).isoformat()
                    handed[previous] = time.time()
                    tasks.put(previous)
                    continue
                try:
                    kind, day, detail = results.get(timeout=0.25)
                except Empty:
                    for worker in workers:
                        if worker.exitcode is not None and worker.pid in held_by:
                            lost = held_by.pop(worker.pid)
                            del handed[lost]
                            yield (
                                date.fromisoformat(lost),
                                RunOutcome(False, f"the run's process died (exit status {worker.exitcode})"),
                            )
                    if not any(w.is_alive() for w in workers):
                        for left in [*handed, *(d.isoformat() for d in queue)]:
                            yield (
                                date.fromisoformat(left),
                                RunOutcome(False, "not run: every backfill process died"),
                            )
                        return
                    continue
                if kind == "started":
                    held_by[detail] = day
                    continue
                held_by = {pid: d for pid, d in held_by.items() if d != day}
                del handed[day]
                yield date.fromisoformat(day), detail
            for _ in workers:
                tasks.put(None)
            for worker in workers:
                worker.join(timeout=60)
        except BaseException:
            # Ctrl-C or SIGTERM: each run ends as `run` does on a signal (marked failed, slots freed).
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()  # SIGTERM
            for worker in workers:
                worker.join(timeout=60)
                if worker.is_alive():
                    worker.kill()
            raise


def deliver(
    config_path: Path,
    day: date | None,
    targets: list[str],
    force: bool,
    dry_run: bool,
    verbose: bool = False,
    reader: str | None = None,
) -> int:
    """Send a built day to its delivery targets through a Dagster run of ``digest_delivery`` (so
    the UI shows it), or with ``dry_run`` write what would be sent and send nothing."""
    from arxiv_pipeline.core.deliver.stage import choose_targets, deliver_day
    from arxiv_pipeline.core.store import open_warehouse

    full = load_config(config_path)
    config = for_reader(full, reader, "arxiv-pipeline deliver")
    check_writable(config)
    day = day or default_day(config)
    if not choose_targets(config, targets or None):
        raise ConfigError(
            "no delivery targets configured: add a delivery.targets section (see the README, Delivery)"
        )
    if dry_run:
        report = deliver_day(
            config,
            day,
            open_warehouse(config.warehouse_location, reader=reader),
            None,
            targets=targets,
            preview=True,
            any_age=True,
        )
        print(f"Dry run for {day}: nothing was sent or recorded. What would be sent:")
        for path in report.paths:
            print(f"  {path}")
        return 0
    _instance_home(config)
    import dagster as dg

    from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG, process_tags, reap_dead_runs
    from arxiv_pipeline.jobs import DELIVERY_JOB
    from arxiv_pipeline.launch import code_location
    from arxiv_pipeline.partitions import partition_of

    level = "INFO" if verbose else "CRITICAL"
    with dg.DagsterInstance.get() as instance, code_location(instance, config_path) as location:
        for dead in reap_dead_runs(instance):  # a killed delivery is finished here, then retried
            print(
                f"Run {dead.run_id[:8]} ({dead.partition or '-'}) had died (pid {dead.pid}); marked failed."
            )
        result = location.execute(
            DELIVERY_JOB,
            partition_of(day, reader),
            tags={**process_tags(), TRIGGER_TAG: "cli"},
            run_config={
                # Asked for by date: sent whatever its age (runs skip old days: backfills).
                "ops": {"digest_delivery": {"config": {"targets": targets, "force": force, "any_age": True}}},
                "loggers": {"console": {"config": {"log_level": level}}},
            },
        )
    for event in result.all_events:
        if event.is_step_failure:
            print(f"FAILED {root_message(event.step_failure_data.error)}", file=sys.stderr)
            return 1
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    outcomes: dict[str, dict[str, Any]] = metadata["targets"].value  # type: ignore[assignment]
    for name, outcome in outcomes.items():
        print(f"  {outcome['status']:<13}{name:<16}{outcome['detail']}")
    failed = [n for n, o in outcomes.items() if o["status"] == "failed"]
    if failed:
        print(
            f"\nNot delivered: {', '.join(failed)}. The failed-delivery sensor retries it; "
            "or rerun this command.",
            file=sys.stderr,
        )
    return 1 if failed else 0


def init(target: Path, force: bool) -> int:
    """Write a commented copy of the packaged default configuration to edit."""
    if target.exists() and not force:
        print(f"error: {target} already exists; edit it, or pass --force to replace it", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    schema = target.with_name(SCHEMA_FILE_NAME)
    schema.write_text(json.dumps(config_json_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # The modeline lets editors with a YAML language server check every key as it is typed.
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    target.write_text(f"# yaml-language-server: $schema=./{schema.name}\n{text}", encoding="utf-8")
    print(
        f"Wrote {target} (and {schema.name}, for editors): edit it, "
        "then build a day with `arxiv-pipeline run`."
    )
    return 0


DEPLOY_DIR = Path(__file__).parent / "deploy"


def deployment(target: Path, force: bool) -> int:
    """Write the files of a shared (lab) deployment: the PostgreSQL Dagster instance, the
    workspace that loads the code server, and a systemd unit for each of the three services."""
    files = sorted(p for p in DEPLOY_DIR.iterdir() if p.is_file() and not p.name.startswith("_"))
    existing = [target / p.name for p in files if (target / p.name).exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        print(f"error: {target} already has {names}; pass --force to replace them", file=sys.stderr)
        return 2
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"  {target / path.name}")
    print(
        f"Wrote {len(files)} files to {target}. Set the values in arxiv-pipeline.env, copy dagster.yaml "
        'into $DAGSTER_HOME, and see the README\'s "Deploying for a lab" for the rest.'
    )
    return 0


def for_reader(config: PipelineConfig, reader: str | None, command: str) -> PipelineConfig:
    """The configuration a per-reader command works on: the top level's, or --reader's."""
    if config.readers and reader is None:
        names = ", ".join(config.reader_names)
        raise ConfigError(
            f"this configuration has readers ({names}): say whose with `{command} --reader NAME`"
        )
    if reader is not None and not config.readers:
        raise ConfigError(f"--reader {reader}: this configuration has no readers: section")
    return config.for_reader(reader)


def check_config(config_path: Path) -> int:
    config = load_config(config_path)
    check_writable(config)
    print(f"{config_path}: OK")
    print(f"  categories: {', '.join(config.categories)}")
    print(f"  include: {', '.join(config.keywords.include) or '-'}")
    print(f"  exclude: {', '.join(config.keywords.exclude) or '-'}")
    print(f"  database: {config.warehouse_location}")
    print(f"  output:   {config.output_dir}")
    for name in config.reader_names:
        mine = config.for_reader(name)
        print(
            f"  reader {name}: {', '.join(mine.categories)}; "
            f"include: {', '.join(mine.keywords.include) or '-'}; "
            f"language: {mine.summary.language}; output: {mine.output_dir}"
        )
    return 0


def copy_warehouse_to(config_path: Path, target: str, replace: bool) -> int:
    """Copy the configured warehouse (every reader's tables too) to another one."""
    from arxiv_pipeline.core.config import is_postgres_url, postgres_url_problem
    from arxiv_pipeline.core.store.copy import WarehouseNotEmptyError, copy_warehouse

    config = load_config(config_path)
    source = config.warehouse_location
    if is_postgres_url(target):
        problem = postgres_url_problem(target)
        if problem:
            raise ConfigError(f"--to: the PostgreSQL URL {problem}")
        destination: str | Path = target
    else:
        destination = Path(target).expanduser().resolve()
    if str(destination) == str(source):
        raise ConfigError(f"--to names the warehouse being copied ({source}); name another one")
    print(f"Copying {source} to {destination} ...", flush=True)
    try:
        copied = copy_warehouse(source, destination, config.reader_names, replace)
    except WarehouseNotEmptyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    width = max(map(len, copied))
    for name, rows in copied.items():
        if rows:
            print(f"  {name:<{width}}  {rows:>8} rows")
    print(
        f"Copied {sum(copied.values())} rows. To use it, set storage.database: {destination} "
        f"in {config_path}{' (password in PGPASSWORD)' if is_postgres_url(target) else ''}."
    )
    return 0


def rate(config_path: Path, paper: str, rating: str, version: int | None, reader: str | None = None) -> int:
    from arxiv_pipeline.core.profile.ratings import RatingError, rate_paper
    from arxiv_pipeline.core.store import open_warehouse

    config = for_reader(load_config(config_path), reader, "arxiv-pipeline rate")
    try:
        rated = rate_paper(
            open_warehouse(config.warehouse_location, reader=reader), paper, rating, "cli", version
        )
    except RatingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Rated {rated}. The reader profile is rebuilt on the next run (`dagster dev`: within a minute).")
    return 0


def serve(config_path: Path, port: int | None, reader: str | None = None) -> int:
    """Only on 127.0.0.1: the ratings API is for the reader at this machine."""
    from arxiv_pipeline.core.profile.serve import RatingServer
    from arxiv_pipeline.core.publish.stage import SITE_DIR
    from arxiv_pipeline.core.store import open_warehouse

    config = for_reader(load_config(config_path), reader, "arxiv-pipeline serve")
    site = config.output_dir / SITE_DIR
    if not (site / "index.html").is_file():
        print(f"error: no site in {site} yet; build a day first: arxiv-pipeline run", file=sys.stderr)
        return 2
    # A run holding the database makes a rating wait a little, not the page hang for minutes.
    store = open_warehouse(config.warehouse_location, lock_timeout_s=10, reader=reader)
    try:
        server = RatingServer(site, store, "127.0.0.1", port or config.publish.serve_port)
    except OSError as err:
        where = f"127.0.0.1:{port or config.publish.serve_port}"
        print(f"error: cannot listen on {where} ({err.strerror}); choose another --port", file=sys.stderr)
        return 2
    print(
        f"Serving {site} at {server.origin}/ (ratings go to {config.warehouse_location}); Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


_STOP_REQUESTED = threading.Event()


def _interrupted(result: Any) -> bool:
    """Dagster takes SIGINT/SIGTERM itself while a run executes, and ends the run as failed."""
    return any(
        e.is_step_failure
        and e.step_failure_data.error
        and e.step_failure_data.error.cls_name == "DagsterExecutionInterruptedError"
        for e in result.all_events
    )


def _interrupt(signum: int, frame: object) -> None:
    _STOP_REQUESTED.set()
    raise KeyboardInterrupt


READER_HELP = "whose (a name from readers:; needed when the configuration has readers)"


def _parser() -> argparse.ArgumentParser:
    # --config and --verbose work before or after the subcommand (the subcommand's copy wins).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="configuration file (default: $ARXIV_PIPELINE_CONFIG, ./arxiv_pipeline.yaml, "
        "or the packaged default)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="also print Dagster's log of each run",
    )
    parser = argparse.ArgumentParser(
        prog="arxiv-pipeline", description=__doc__.splitlines()[0], parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    init_p = sub.add_parser(
        "init", parents=[common], help=f"write a commented {CONFIG_FILE_NAME} (and its JSON Schema) to edit"
    )
    init_p.add_argument("--force", action="store_true", help="replace an existing file")
    run_p = sub.add_parser("run", parents=[common], help="build the digest of one announcement day")
    run_p.add_argument(
        "--date",
        type=_parse_day,
        default=None,
        help="announcement date, YYYY-MM-DD (default: the sample day offline, the newest day live)",
    )
    run_p.add_argument("--in-backfill", action="store_true", help=argparse.SUPPRESS)
    back_p = sub.add_parser("backfill", parents=[common], help="build a range of past days, oldest first")
    back_p.add_argument("--start", type=_parse_day, required=True, help="first day, YYYY-MM-DD")
    back_p.add_argument("--end", type=_parse_day, required=True, help="last day, YYYY-MM-DD")
    back_p.add_argument(
        "--runs-in-flight",
        type=int,
        default=1,
        metavar="N",
        help="run up to N days at once, each in its own process (default 1: one after another)",
    )
    sub.add_parser(
        "check-config", parents=[common], help="validate the configuration and show what it selects"
    )
    sub.add_parser("schema", parents=[common], help="print the configuration's JSON Schema")
    deploy_p = sub.add_parser(
        "deployment",
        help="write a lab deployment's files: dagster.yaml (PostgreSQL, run queue), workspace.yaml, "
        "systemd units",
    )
    deploy_p.add_argument("directory", type=Path, help="folder to write them to")
    deploy_p.add_argument("--force", action="store_true", help="replace files already there")
    copy_p = sub.add_parser(
        "copy-warehouse",
        parents=[common],
        help="copy the warehouse (every table, every reader's) to another: a PostgreSQL URL or a DuckDB file",
    )
    copy_p.add_argument(
        "--to", required=True, help="postgresql://USER@HOST:PORT/DATABASE (password in PGPASSWORD) or a path"
    )
    copy_p.add_argument("--replace", action="store_true", help="replace rows the target already holds")
    rate_p = sub.add_parser(
        "rate", parents=[common], help="rate a paper: up (more like this), down (less like this) or clear"
    )
    rate_p.add_argument("paper", help="arXiv id (2611.10001, 2611.10001v2) or its arXiv URL")
    rate_p.add_argument("rating", choices=["up", "down", "clear"])
    rate_p.add_argument("--paper-version", type=int, default=None, help="version rated (default: newest)")
    rate_p.add_argument("--reader", default=None, help=READER_HELP)
    serve_p = sub.add_parser(
        "serve", parents=[common], help="serve the web site on this machine, with working rating buttons"
    )
    serve_p.add_argument("--port", type=int, default=None, help="port (default: publish.serve_port, 8765)")
    serve_p.add_argument("--reader", default=None, help=READER_HELP)
    deliver_p = sub.add_parser(
        "deliver", parents=[common], help="send a built day to the delivery targets (email, chat, site)"
    )
    deliver_p.add_argument(
        "--date", type=_parse_day, default=None, help="announcement date (default as for run)"
    )
    deliver_p.add_argument(
        "--target", action="append", default=[], help="only this target (repeatable; default: all)"
    )
    deliver_p.add_argument("--reader", default=None, help=READER_HELP)
    deliver_p.add_argument(
        "--force", action="store_true", help="send again to targets that already have the day"
    )
    deliver_p.add_argument(
        "--dry-run",
        action="store_true",
        help="write the exact email (.eml) and chat payloads under <output_dir>/<date>/delivery/ "
        "and send nothing",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    explicit: Path | None = getattr(args, "config", None)
    verbose: bool = getattr(args, "verbose", False)
    # A polite stop (systemd, docker stop, kill) ends the run the way Ctrl-C does: the run is
    # recorded as failed and its slots are freed, instead of the process just vanishing.
    signal.signal(signal.SIGTERM, _interrupt)
    if args.command == "init":
        return init(explicit or Path.cwd() / CONFIG_FILE_NAME, args.force)
    if args.command == "schema":
        print(json.dumps(config_json_schema(), indent=2, sort_keys=True))
        return 0
    if args.command == "deployment":
        return deployment(args.directory, args.force)
    config_path = find_config_path(explicit)
    try:
        if args.command == "run":
            return run(config_path, args.date, verbose, args.in_backfill)
        if args.command == "backfill":
            return backfill(config_path, args.start, args.end, verbose, args.runs_in_flight)
        if args.command == "copy-warehouse":
            return copy_warehouse_to(config_path, args.to, args.replace)
        if args.command == "rate":
            return rate(config_path, args.paper, args.rating, args.paper_version, args.reader)
        if args.command == "serve":
            return serve(config_path, args.port, args.reader)
        if args.command == "deliver":
            return deliver(
                config_path, args.date, args.target, args.force, args.dry_run, verbose, args.reader
            )
        return check_config(config_path)
    except (ConfigError, DayError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\nStopped. Rerun the same command to finish: what was stored is kept, and paid LLM "
            "answers are not paid again.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
