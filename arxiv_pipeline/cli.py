"""`arxiv-pipeline`: build a day's digest from the command line, through Dagster.

The run is a real Dagster materialization recorded in the instance under ``$DAGSTER_HOME``
(default ``data/dagster_home`` next to the config), so `dagster dev` shows it afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import (
    CONFIG_FILE_NAME,
    DEFAULT_CONFIG_PATH,
    ConfigError,
    PipelineConfig,
    check_writable,
    find_config_path,
    load_config,
)
from arxiv_pipeline.core.sources.calendar import EASTERN, is_announcement_day
from arxiv_pipeline.core.sources.replay import SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.stages.publish import DIGEST_FILES
from arxiv_pipeline.errors import root_message


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


def _materialize(config_path: Path, day: date) -> tuple[bool, str]:
    import dagster as dg

    from arxiv_pipeline.assets import ALL_ASSETS
    from arxiv_pipeline.resources import pipeline_resources
    from arxiv_pipeline.run_health import process_tags, wait_for_pools

    with dg.DagsterInstance.get() as instance:
        wait_for_pools(instance, say=print)
        result = dg.materialize(
            ALL_ASSETS,
            partition_key=day.isoformat(),
            resources=pipeline_resources(config_path=str(config_path)),
            instance=instance,
            raise_on_error=False,
            tags={**process_tags(), "arxiv_pipeline/trigger": "cli"},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    if _STOP_REQUESTED.is_set() or _interrupted(result):
        raise KeyboardInterrupt  # Dagster ended the run as failed on the signal; stop here too
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization  # type: ignore[union-attr]
        rows = mat.metadata.get("dagster/row_count")
        print(f"  {mat.asset_key.to_user_string():<16} {rows.value if rows else '-':>5} rows")
    for event in result.all_events:
        if event.is_step_failure:
            return False, f"{event.step_key}: {root_message(event.step_failure_data.error)}"
    return result.success, ""


def run(config_path: Path, day: date | None) -> int:
    config = load_config(config_path)
    check_writable(config)  # before anything is written, the instance folder included
    day = day or default_day(config)
    home = _instance_home(config)
    print(f"Building the digest for {day} (config: {config_path}, source: {config.source.kind})")
    ok, failure = _materialize(config_path, day)
    if not ok:
        print(f"\nFAILED {failure}", file=sys.stderr)
        return 1
    out = config.output_dir
    print(f"\nDatabase: {config.database_path}")
    print("Digest files:")
    for name in DIGEST_FILES.values():
        print(f"  {out / day.isoformat() / name}")
    print(f"  {out / day.isoformat() / 'digest.json'}  (and papers.jsonl)")
    print(f"Web site: {out / 'site' / 'index.html'}  (feeds: {out / 'site' / 'feed.atom.xml'}, feed.rss.xml)")
    print(f"Dagster instance: {home}  (see the runs with: DAGSTER_HOME={home} dg dev)")
    return 0


def backfill(config_path: Path, start: date, end: date) -> int:
    """Build every day from start to end, oldest first, one Dagster run per day.

    Oldest first so that "already shown" means shown on an earlier day; a failed day is
    reported and the next days still run.
    """
    config = load_config(config_path)
    check_writable(config)
    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    _instance_home(config)
    failed: list[str] = []
    day = start
    while day <= end:
        print(f"{day} ({day:%a})")
        ok, failure = _materialize(config_path, day)
        if not ok:
            print(f"  FAILED {failure}", file=sys.stderr)
            failed.append(f"{day}: {failure}")
        day += timedelta(days=1)
    total = (end - start).days + 1
    print(f"\n{total - len(failed)} of {total} days built; digests under {config.output_dir}")
    for line in failed:
        print(f"FAILED {line}", file=sys.stderr)
    return 1 if failed else 0


def init(target: Path, force: bool) -> int:
    """Write a commented copy of the packaged default configuration to edit."""
    if target.exists() and not force:
        print(f"error: {target} already exists; edit it, or pass --force to replace it", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_CONFIG_PATH, target)
    print(f"Wrote {target}: edit it, then build a day with `arxiv-pipeline run`.")
    return 0


def check_config(config_path: Path) -> int:
    config = load_config(config_path)
    check_writable(config)
    print(f"{config_path}: OK")
    print(f"  categories: {', '.join(config.categories)}")
    print(f"  include: {', '.join(config.keywords.include) or '-'}")
    print(f"  exclude: {', '.join(config.keywords.exclude) or '-'}")
    print(f"  database: {config.database_path}")
    print(f"  output:   {config.output_dir}")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="arxiv-pipeline", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="configuration file (default: $ARXIV_PIPELINE_CONFIG, "
        "./arxiv_pipeline.yaml, or the packaged default)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    init_p = sub.add_parser("init", help=f"write a commented {CONFIG_FILE_NAME} to edit (here, or --config)")
    init_p.add_argument("--force", action="store_true", help="replace an existing file")
    run_p = sub.add_parser("run", help="materialize every asset for one announcement day")
    run_p.add_argument(
        "--date",
        type=_parse_day,
        default=None,
        help="announcement date, YYYY-MM-DD (default: the sample day offline, today live)",
    )
    back_p = sub.add_parser("backfill", help="build a range of past days, oldest first")
    back_p.add_argument("--start", type=_parse_day, required=True, help="first day, YYYY-MM-DD")
    back_p.add_argument("--end", type=_parse_day, required=True, help="last day, YYYY-MM-DD")
    sub.add_parser("check-config", help="validate the configuration and show what it selects")
    args = parser.parse_args(argv)
    # A polite stop (systemd, docker stop, kill) ends the run the way Ctrl-C does: the run is
    # recorded as failed and its slots are freed, instead of the process just vanishing.
    signal.signal(signal.SIGTERM, _interrupt)
    if args.command == "init":
        return init(args.config or Path.cwd() / CONFIG_FILE_NAME, args.force)
    config_path = find_config_path(args.config)
    try:
        if args.command == "run":
            return run(config_path, args.date)
        if args.command == "backfill":
            return backfill(config_path, args.start, args.end)
        return check_config(config_path)
    except ConfigError as err:
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
