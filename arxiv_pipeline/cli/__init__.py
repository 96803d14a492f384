"""`arxiv-pipeline`: build a day's digest from the command line, through Dagster.

The runs are real Dagster runs of the project's code location, recorded in the instance under
``$DAGSTER_HOME`` (default ``data/dagster_home`` next to the config), so `dg dev` shows them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any

from arxiv_pipeline import __version__
from arxiv_pipeline.cli.commands import (
    check_config,
    copy_warehouse_to,
    deliver,
    deployment,
    init,
    rate,
    serve,
)
from arxiv_pipeline.cli.days import DayError, _interrupt, backfill, run
from arxiv_pipeline.cli.instance import INSTANCE_CONFIG as INSTANCE_CONFIG  # the tests write it
from arxiv_pipeline.core.config import CONFIG_FILE_NAME, ConfigError, config_json_schema, find_config_path


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--date must look like 2026-11-17 (got {text!r})") from None


READER_HELP = "whose (a name from readers:; needed when the configuration has readers)"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port; use 1 to 65535, or 0 for any free port")
    return port


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
    _day_commands(sub, common)
    _reader_commands(sub, common)
    _setup_commands(sub, common)
    return parser


def _setup_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """init, check-config, schema, deployment, copy-warehouse: setting things up."""
    init_p = sub.add_parser(
        "init", parents=[common], help=f"write a commented {CONFIG_FILE_NAME} (and its JSON Schema) to edit"
    )
    init_p.add_argument("--force", action="store_true", help="replace an existing file")
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


def _day_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """run and backfill: building days."""
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


def _reader_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """rate, serve, deliver: what a reader does with built days."""
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
    serve_p.add_argument(
        "--port", type=_port, default=None, help="port (default: publish.serve_port, 8765; 0: any free port)"
    )
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
    config_path = find_config_path(explicit)
    try:
        if args.command == "deployment":
            return deployment(args.directory, args.force, config_path)
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
