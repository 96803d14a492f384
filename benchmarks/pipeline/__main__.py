"""python -m benchmarks.pipeline: every scenario (or --only some), each in a process of its own,
then the table and the JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.pipeline import days, fulltext, runs
from benchmarks.pipeline.harness import REPO, run_day_process
from benchmarks.pipeline.report import print_table
from benchmarks.results import write_json

DESCRIPTION = "Benchmarks: a day, a rerun, a big day and a backfill, against the simple serial way."

Scenario = Callable[[Path, date, float, argparse.Namespace], dict[str, Any]]

SCENARIOS: dict[str, Scenario] = {
    "day": days.day,
    "day_shipped_limits": days.day_shipped_limits,
    "serial_baseline": days.serial_baseline,
    "rerun": days.rerun,
    "big_day": days.big_day,
    "backfill": days.backfill,
    "overhead": days.overhead,
    "feed_check": days.feed_check,
    "fixed_cost": days.fixed_cost,
    "full_window": days.full_window,
    "cold_cli": days.cold_cli,
    "fulltext": fulltext.fulltext,
    "concurrent_runs": runs.concurrent_runs,
    "readers": runs.readers,
    "month_backfill": runs.month_backfill,
    "lab_month_backfill": runs.lab_month_backfill,
}


def scenario(name: str, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run one scenario in this process and return its figures, with the process's peak memory."""
    from arxiv_pipeline.core.ingest.calendar import announcement_date_of

    if name not in SCENARIOS:
        raise SystemExit(f"unknown scenario {name}; one of: {', '.join(SCENARIOS)}")
    os.environ["BENCH_LLM_KEY"] = "bench-key"
    today = announcement_date_of(datetime.now(UTC))
    out = {"scenario": name, **SCENARIOS[name](root, today, args.latency_ms / 1000, args)}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in args.only or list(SCENARIOS):
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.pipeline",
                "--scenario",
                name,
                "--workdir",
                tmp,
                "--papers",
                str(args.papers),
                "--big-papers",
                str(args.big_papers),
                "--backfill-days",
                str(args.backfill_days),
                "--latency-ms",
                str(args.latency_ms),
                "--concurrency",
                str(args.concurrency),
            ]
            print(f"running {name} ...", flush=True)
            proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "latency_ms": args.latency_ms,
    }
    if args.only:
        return results
    day, base = results["day"], results["serial_baseline"]
    llm_stage = day["asset_s"].get("paper_summaries", day["wall_s"])
    shipped = results["day_shipped_limits"]
    shipped_llm = shipped["asset_s"].get("paper_summaries", shipped["wall_s"])
    fw, cold, over = results["full_window"], results["cold_cli"], results["overhead"]
    results["headline"] = {
        "shipped_limits_end_to_end_speedup_vs_serial": base["wall_s"] / shipped["wall_s"],
        "shipped_limits_llm_stage_vs_bound": shipped_llm / shipped["llm_bound_s"],
        "llm_stage_speedup_vs_serial": base["wall_s"] / llm_stage,
        "end_to_end_speedup_vs_serial": base["wall_s"] / day["wall_s"],
        "concurrency_limit": args.concurrency,
        "rerun_llm_calls": results["rerun"]["rerun_llm_calls"],
        # From wall time (no LLM, no network in this scenario), not from the steps' timers.
        "overhead_ms_per_paper": 1000 * over["wall_s"] / over["papers"],
        "full_window_rerun_s": fw["wall_s"],
        "full_window_backfill_peak_mb": fw["backfill_peak_rss_mb"],
        "cold_cli_after_imports_s": cold["cli_after_imports_s"],
        "scheduled_vs_cli": cold["scheduled_s"] / cold["cli_s"],
        "warm_fixed_cost_s": results["fixed_cost"]["warm_run_s"],
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--papers", type=int, default=400)
    parser.add_argument("--big-papers", type=int, default=2000)
    parser.add_argument("--backfill-days", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check it works")
    parser.add_argument("--output", type=Path, default=REPO / "test-artifacts" / "benchmark.json")
    parser.add_argument(
        "--only", type=lambda v: v.split(","), help=f"comma-separated scenarios of: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--run-day", type=date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.papers, args.big_papers, args.backfill_days, args.latency_ms = 40, 120, 3, 50.0
    if args.run_day:  # one run of the concurrent_runs scenario; --workdir is its config file
        print(json.dumps(run_day_process(args.workdir, args.run_day)))
        return
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.workdir, args)))
        return
    results = run_all(args)
    print_table(results)
    write_json(args.output, results)


if __name__ == "__main__":
    main()
