"""The other commands: deliver, init, deployment, check-config, copy-warehouse, rate and serve."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from arxiv_pipeline.cli.days import default_day
from arxiv_pipeline.cli.instance import _instance_home
from arxiv_pipeline.core.config import (
    DEFAULT_CONFIG_PATH,
    ConfigError,
    PipelineConfig,
    check_writable,
    config_json_schema,
    load_config,
)
from arxiv_pipeline.core.publish.feeds import NO_SITE_URL
from arxiv_pipeline.errors import root_message

SCHEMA_FILE_NAME = "arxiv_pipeline.schema.json"


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
    from arxiv_pipeline.partitions import partition_of

    full = load_config(config_path)
    config = for_reader(full, reader, "arxiv-pipeline deliver")
    check_writable(config)
    # Without a date: the newest day built, which is what there is to send.
    built = open_warehouse(config.warehouse_location, reader=reader).built_days() if day is None else []
    day = day or (built[0]["d"] if built else default_day(config))
    if not choose_targets(config, targets or None):
        raise ConfigError(
            "no delivery targets configured: add a delivery.targets section (see the README, Delivery)"
        )
    if dry_run:
        store = open_warehouse(config.warehouse_location, reader=reader)
        report = deliver_day(config, day, store, None, targets=targets, preview=True, any_age=True)
        print(f"Dry run for {day}: nothing was sent or recorded. What would be sent:")
        for path in report.paths:
            print(f"  {path}")
        return 0
    _instance_home(config)
    return _deliver_run(config_path, partition_of(day, reader), targets, force, verbose)


def _deliver_run(config_path: Path, partition: str, targets: list[str], force: bool, verbose: bool) -> int:
    """The ``digest_delivery`` run of one partition, and a line per target of what it did."""
    import dagster as dg

    from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG, process_tags, reap_dead_runs
    from arxiv_pipeline.jobs import DELIVERY_JOB
    from arxiv_pipeline.launch import code_location

    level = "INFO" if verbose else "CRITICAL"
    with dg.DagsterInstance.get() as instance, code_location(instance, config_path) as location:
        for dead in reap_dead_runs(instance):  # a killed delivery is finished here, then retried
            print(
                f"Run {dead.run_id[:8]} ({dead.partition or '-'}) had died (pid {dead.pid}); marked failed."
            )
        result = location.execute(
            DELIVERY_JOB,
            partition,
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


DEPLOY_DIR = Path(__file__).resolve().parents[1] / "deploy"


# Files that hold passwords and keys: readable by their owner (the service user) only.
SECRET_FILES = ("arxiv-pipeline.env",)


def _deployment_text(name: str, text: str, api_key_env: str) -> str:
    if name == "arxiv-pipeline.env":
        return text.replace("# OPENAI_API_KEY=", f"# {api_key_env}=")
    return text


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when --force replaces a file that was readable by others
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def deployment(target: Path, force: bool, config_path: Path) -> int:
    """Write the files of a shared (lab) deployment: the PostgreSQL Dagster instance, the
    workspace that loads the code server, and a systemd unit for each of the three services."""
    api_key_env = load_config(config_path).llm.api_key_env
    files = sorted(p for p in DEPLOY_DIR.iterdir() if p.is_file() and not p.name.startswith("_"))
    existing = [target / p.name for p in files if (target / p.name).exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        print(f"error: {target} already has {names}; pass --force to replace them", file=sys.stderr)
        return 2
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        text = _deployment_text(path.name, path.read_text(encoding="utf-8"), api_key_env)
        if path.name in SECRET_FILES:
            _write_private(target / path.name, text)
        else:
            (target / path.name).write_text(text, encoding="utf-8")
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
    if not config.publish.site_url:
        print(f"  warning: {NO_SITE_URL}")
    if config.summary.summarizer == "local":
        print(f"  summaries: {_local_model_line(config)}")
    return 0


def _local_model_line(config: PipelineConfig) -> str:
    """Which model `summary.summarizer: local` would serve, or what is missing (said here, before a
    run's summary step stops on it)."""
    import importlib.util

    from arxiv_pipeline.core.llm.local import INSTALL_HINT, LocalModelError, model_path

    try:
        model = model_path(config.llm, config.resolve)
    except LocalModelError as exc:
        return f"warning: {exc}"
    if importlib.util.find_spec("llama_cpp") is None:
        return f"warning: llama-cpp-python is not installed: {INSTALL_HINT}"
    return f"local model {model} (served on 127.0.0.1 while summarizing)"


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
    port = config.publish.serve_port if port is None else port
    try:
        server = RatingServer(site, store, "127.0.0.1", port)
    except OSError as err:
        where = f"127.0.0.1:{port}"
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
