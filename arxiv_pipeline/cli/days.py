"""Building days: ``run`` (one day: its run, or in a lab the fetch and each reader's run) and
``backfill`` (every announcement day of a range, oldest first)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from arxiv_pipeline.cli.instance import _instance_home
from arxiv_pipeline.core.config import ConfigError, PipelineConfig, check_writable, load_config
from arxiv_pipeline.core.ingest.calendar import EASTERN, announcement_date_of, is_announcement_day
from arxiv_pipeline.core.ingest.replay import SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.publish.stage import DIGEST_FILES
from arxiv_pipeline.errors import root_message


class DayError(ValueError):
    """A date the pipeline cannot build; the message says which dates it can."""


def _bin(name: str) -> str:
    """How to call a command installed beside this Python (``.venv/bin/dg`` in the quick start, where
    a bare ``dg`` is not on the PATH), relative to the working directory when inside it."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        return name
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def default_day(config: PipelineConfig) -> date:
    if config.source.kind == "replay":
        root = config.replay_root
        days = ReplaySource(root).available_days()
        if SAMPLE_DAY in days or not days:
            return SAMPLE_DAY
        return days[-1]
    # The announcement arXiv's feed holds now: today's (US/Eastern) or, on a weekend, Friday's.
    day = datetime.now(UTC).astimezone(EASTERN).date()
    while not is_announcement_day(day):
        day -= timedelta(days=1)
    return day


@dataclass
class RunOutcome:
    ok: bool
    failure: str = ""  # "<step>: <cause>" of the first failed step
    steps: list[str] = field(default_factory=list)  # one line per step, in the order they ended
    undelivered: list[str] = field(default_factory=list)  # "<target>: <why>" of each failed send


# `run` and `backfill` exit with this when every day was built but a delivery target failed, so
# cron and systemd see it (1: a run failed, 2: a usage or configuration error, 130: stopped).
EXIT_UNDELIVERED = 3


def _undelivered(result: Any, reader: str = "") -> list[str]:
    """The delivery targets whose send failed in this run, with the reason the ledger keeps."""
    lines = []
    for event in result.all_events:
        if event.is_step_materialization and event.step_key == "digest_delivery":
            targets = event.event_specific_data.materialization.metadata.get("targets")
            for name, outcome in (targets.value if targets else {}).items():
                if outcome.get("status") == "failed":
                    lines.append(f"{reader}{name}: {outcome.get('detail', '')}")
    return lines


def _step_lines(result: Any, reader: str = "") -> list[str]:
    rows: dict[str, str] = {}
    for event in result.all_events:
        if event.is_step_materialization:
            mat = event.event_specific_data.materialization
            count = mat.metadata.get("dagster/row_count")
            line = f"{count.value if count else '-':>5} rows"
            failed = mat.metadata.get("failed")
            if failed is not None and isinstance(failed.value, int) and failed.value:
                line += f", {failed.value} FAILED (the error of each is in the UI's metadata)"
            unchanged = mat.metadata.get("unchanged")
            if unchanged is not None and unchanged.value is True:
                line += "  unchanged"
            rows[event.step_key] = line
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
    undelivered: list[str] = []
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
            undelivered += _undelivered(result, reader)
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
    return RunOutcome(not failure, failure, steps, undelivered)


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
    print(f"Dagster instance: {home}  (see the runs with: DAGSTER_HOME={home} {_bin('dg')} dev)")
    return _report_undelivered({day: outcome.undelivered})


def _report_undelivered(undelivered: dict[date, list[str]]) -> int:
    lines = [f"  {day}  {line}" for day, failed in sorted(undelivered.items()) for line in failed]
    if not lines:
        return 0
    print("\nNOT DELIVERED (the digest is built and kept):", *lines, sep="\n", file=sys.stderr)
    print(
        "The failed-delivery sensor retries them; or rerun `arxiv-pipeline deliver --date D`.",
        file=sys.stderr,
    )
    return EXIT_UNDELIVERED


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
        from arxiv_pipeline.cli.in_flight import _days_in_flight  # it runs days with this module

        outcomes = _days_in_flight(config_path, config, days, runs_in_flight, verbose)
    failed: list[date] = []
    undelivered: dict[date, list[str]] = {}
    for day, outcome in outcomes:
        undelivered[day] = outcome.undelivered
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
    code = _report_undelivered(undelivered)
    return 1 if failed else code


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
