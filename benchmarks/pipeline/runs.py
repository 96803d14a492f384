"""Runs side by side: k runs in flight on one warehouse, a month backfilled through the CLI (also
for a lab), and one day for 1, 10 and 100 readers."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from arxiv_pipeline_tests.synthetic_days import TOPICS, synthetic_papers, write_day
from benchmarks.pipeline.harness import REPO, ServersApart, materialize_days, past_weekdays, served_config

CONCURRENT_RUNS = (3, 6)


def following_two_topics(names: list[str]) -> list[dict[str, Any]]:
    """A lab's readers, reader i following topics i and i+5 of the synthetic days."""
    return [
        {"name": name, "keywords": {"include": [TOPICS[i % len(TOPICS)], TOPICS[(i + 5) % len(TOPICS)]]}}
        for i, name in enumerate(names)
    ]


def _launch(config: Path, day: date) -> subprocess.Popen:
    """One day's run in a fresh process, as the daemon launches each run."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.pipeline",
        "--run-day",
        day.isoformat(),
        "--workdir",
        str(config),
    ]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _collect(proc: subprocess.Popen) -> dict[str, Any]:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"a run failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def concurrent_runs(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """k runs in flight on one DuckDB file (each its own process, each building its own day, as a
    lab's queue runs them), against the same k days one after another; lock waits from every run."""
    days = past_weekdays(today, max(CONCURRENT_RUNS))
    rec = root / "recordings"
    for i, day in enumerate(days):
        write_day(rec, day, synthetic_papers(args.papers, day, seed=300 + i, id_offset=i * 5000))
    servers = ServersApart(None, rec, latency)
    out: dict[str, Any] = {"papers_per_day": args.papers, "summarize_top": 40}

    # The same runs at once on a PostgreSQL warehouse, when this machine has the server's binaries.
    postgres = None
    try:
        from arxiv_pipeline_tests.fakes.postgres_server import PASSWORD, USER, PostgresServer, find_postgres

        if find_postgres():
            postgres = PostgresServer().start()
            os.environ["PGPASSWORD"] = PASSWORD  # the runs' processes read it from the environment
        modes = ("serial", "concurrent", "postgres") if postgres else ("serial", "concurrent")
        for k in CONCURRENT_RUNS:
            for mode in modes:
                sub = root / f"{mode}-{k}"
                sub.mkdir()
                config = served_config(sub, servers, args, 40)
                if mode == "postgres":
                    postgres.create_database(f"bench_{k}")
                    data = yaml.safe_load(config.read_text(encoding="utf-8"))
                    data["storage"]["database"] = f"postgresql://{USER}@127.0.0.1:{postgres.port}/bench_{k}"
                    config.write_text(yaml.safe_dump(data), encoding="utf-8")
                started = time.perf_counter()
                if mode == "serial":
                    runs = [_collect(_launch(config, day)) for day in days[:k]]
                else:
                    runs = [_collect(p) for p in [_launch(config, day) for day in days[:k]]]
                database = sub / "bench.duckdb"
                out[f"{mode}_{k}"] = {
                    "wall_s": time.perf_counter() - started,
                    "run_wall_s": [round(r["wall_s"], 2) for r in runs],
                    "lock_waits": sum(r["lock"]["waits"] for r in runs),
                    "lock_wait_total_s": sum(r["lock"]["total_s"] for r in runs),
                    "lock_wait_max_s": max(r["lock"]["max_s"] for r in runs),
                    "duckdb_mb": round(database.stat().st_size / 1e6, 1) if database.exists() else None,
                }
    finally:
        servers.close()
        if postgres:
            postgres.stop()
    return out


MONTH_RUNS_IN_FLIGHT = (1, 3)
MONTH_DAYS = 22  # a month's announcement days


LAB_MONTH_READERS = 3


def _month_figures(database: Path, readers: list[str]) -> dict[str, Any]:
    """What a backfilled month left in the warehouse: summaries paid for, digests, selections."""
    from arxiv_pipeline.core.store import Warehouse

    stores = [Warehouse(database, reader=name) for name in readers or [None]]
    return {
        # What was paid for once per (paper version, model, prompt, language).
        "distinct_summaries": Warehouse(database).query(
            "SELECT count(DISTINCT (arxiv_id, version, model, prompt_version, language)) AS n "
            "FROM summary_cache"
        )[0]["n"],
        "digests": sum(store.row_count("digests") for store in stores),
        "selected": [
            store.query("SELECT announce_date, arxiv_id, rank FROM paper_scores WHERE selected ORDER BY 1, 3")
            for store in stores
        ],
    }


def month_backfill(
    root: Path, today: date, latency: float, args: argparse.Namespace, readers: int = 0
) -> dict[str, Any]:
    """A month backfilled with `arxiv-pipeline backfill`, as a user runs it (each run in the CLI's
    processes, the CLI's instance with its pools), one day at a time and with 3 runs in flight;
    with ``readers``, for a lab of that many readers, each following two topics."""
    days = past_weekdays(today, MONTH_DAYS)
    rec = root / "recordings"
    for i, day in enumerate(days):
        write_day(rec, day, synthetic_papers(args.papers, day, seed=500 + i, id_offset=i * 5000))
    servers = ServersApart(None, rec, latency)
    out: dict[str, Any] = {
        "days": len(days),
        "papers_per_day": args.papers,
        "summarize_top": 20,
        "readers": readers,
    }
    names = [f"r{i}" for i in range(readers)]
    try:
        for k in MONTH_RUNS_IN_FLIGHT:
            sub = root / f"in-flight-{k}"
            sub.mkdir()
            config = served_config(sub, servers, args, 20)
            data = yaml.safe_load(config.read_text())
            data["automation"] = {"first_day": days[0].isoformat()}
            if readers:
                data["readers"] = following_two_topics(names)
            config.write_text(yaml.safe_dump(data, allow_unicode=True))
            calls = servers.counts()["llm_calls"]
            command = [sys.executable, "-m", "arxiv_pipeline.cli", "--config", str(config), "backfill"]
            command += ["--start", days[0].isoformat(), "--end", days[-1].isoformat()]
            command += ["--runs-in-flight", str(k)]
            env = {**os.environ, "DAGSTER_HOME": str(sub / "dagster_home")}
            started = time.perf_counter()
            proc = subprocess.run(command, cwd=sub, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            if proc.returncode != 0:
                raise RuntimeError(f"the backfill failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
            figures = _month_figures(sub / "bench.duckdb", names)
            figures.update(
                wall_s=wall, per_day_s=wall / len(days), llm_calls=servers.counts()["llm_calls"] - calls
            )
            out[f"in_flight_{k}"] = figures
    finally:
        servers.close()
    first, last = (out[f"in_flight_{k}"] for k in MONTH_RUNS_IN_FLIGHT)
    out["same_selections"] = first.pop("selected") == last.pop("selected")
    return out


def lab_month_backfill(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """The month for a lab of LAB_MONTH_READERS readers."""
    return month_backfill(root, today, latency, args, readers=LAB_MONTH_READERS)


READER_COUNTS = (1, 10, 100)


def readers(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """One --papers day for 1, 10 and 100 readers, each following two of the topics (reader i:
    topics i and i+5), top 10 summarized each: wall time (in a warm process), LLM calls against
    the union and the sum of what the readers summarized, DuckDB size, peak memory."""
    from arxiv_pipeline.core.config import load_config
    from arxiv_pipeline.core.store import Warehouse

    rec = root / "recordings"
    write_day(rec, today, synthetic_papers(args.papers, today, seed=11))
    servers = ServersApart(today.isoformat(), rec, latency)
    out: dict[str, Any] = {"papers": args.papers, "summarize_top": 10}
    try:
        for count in READER_COUNTS:
            sub = root / f"readers-{count}"
            sub.mkdir()
            config = served_config(sub, servers, args, 10)
            data = yaml.safe_load(config.read_text())
            data["digest"] = {"max_papers": 10, "summarize_top": 10}
            data["readers"] = following_two_topics([f"r{i:03d}" for i in range(count)])
            config.write_text(yaml.safe_dump(data, allow_unicode=True))
            before = servers.counts()["llm_calls"]
            figures = materialize_days(config, [today], lab=True)
            database = load_config(config).database_path
            union: set[str] = set()
            total = 0
            for reader in (r["name"] for r in data["readers"]):
                rows = Warehouse(database, reader=reader).query(
                    "SELECT arxiv_id FROM paper_summaries WHERE status = 'ok'"
                )
                union |= {r["arxiv_id"] for r in rows}
                total += len(rows)
            out[f"readers_{count}"] = {
                "wall_s": figures["wall_s"],
                "llm_calls": servers.counts()["llm_calls"] - before,
                "summarized_union": len(union),
                "summarized_sum": total,
                "duckdb_mb": round(database.stat().st_size / 1e6, 1),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
    finally:
        servers.close()
    return out
