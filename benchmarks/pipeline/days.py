"""One day and its variants against the serial baseline: a day end to end (also on the packaged LLM
limits), the same day again, a big day, a backfill, the cost of everything but the LLM, the feed
check, what every run pays, a full feed window, and cold processes."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.synthetic_days import one_paper_day, synthetic_papers, write_day
from benchmarks.pipeline.harness import (
    REPO,
    SAMPLE_DAY,
    ServersApart,
    bench_config,
    materialize_days,
    past_weekdays,
)


def _one_day(root: Path, today: date, latency: float, args: argparse.Namespace, n: int) -> dict[str, Any]:
    write_day(root / "recordings", today, synthetic_papers(n, today, seed=7))
    with (
        FakeArxiv(today.isoformat(), root=root / "recordings") as arxiv,
        FakeOpenAI(latency_s=latency) as llm,
    ):
        config = bench_config(root, arxiv.base_url, llm.base_url, n, "llm", args.concurrency)
        first = materialize_days(config, [today])
        return {"papers": n, "llm_calls": llm.calls, "peak_in_flight": llm.peak_in_flight, **first}


def day(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """--papers papers, every top paper summarized by the LLM, end to end."""
    return _one_day(root, today, latency, args, args.papers)


def big_day(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    return _one_day(root, today, latency, args, args.big_papers)


def day_shipped_limits(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """The day on the packaged llm.* settings, only the endpoint and key pointed here, beside the
    fastest those limits allow."""
    from arxiv_pipeline.core.config import load_config

    n = args.papers
    write_day(root / "recordings", today, synthetic_papers(n, today, seed=7))
    with (
        FakeArxiv(today.isoformat(), root=root / "recordings") as arxiv,
        FakeOpenAI(latency_s=latency) as llm,
    ):
        config = bench_config(
            root, arxiv.base_url, llm.base_url, n, "llm", args.concurrency, shipped_limits=True
        )
        limits = load_config(config).llm
        rpm = limits.requests_per_minute
        out: dict[str, Any] = {
            # The client's limiter is a token bucket that starts full, as the OpenAI cookbook's
            # parallel processor does: a minute's requests may go at once, the rest at rpm/60 a second.
            "llm_bound_s": max(n * latency / limits.max_concurrency, max(0, n - rpm) * 60 / rpm),
            # The same limits read as an even spread over the minute.
            "llm_steady_bound_s": max(n * latency / limits.max_concurrency, n * 60 / rpm),
            "limits": {
                "max_concurrency": limits.max_concurrency,
                "requests_per_minute": limits.requests_per_minute,
                "tokens_per_minute": limits.tokens_per_minute,
            },
        }
        first = materialize_days(config, [today])
        out.update(papers=n, llm_calls=llm.calls, peak_in_flight=llm.peak_in_flight, **first)
    return out


def rerun(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """The day, then the same day again with nothing changed: LLM calls and time of the second."""
    n = args.papers
    write_day(root / "recordings", today, synthetic_papers(n, today, seed=7))
    with (
        FakeArxiv(today.isoformat(), root=root / "recordings") as arxiv,
        FakeOpenAI(latency_s=latency) as llm,
    ):
        config = bench_config(root, arxiv.base_url, llm.base_url, n, "llm", args.concurrency)
        out = {"papers": n, **materialize_days(config, [today])}
        calls = llm.calls
        again = materialize_days(config, [today])
        out.update(
            llm_calls=calls,
            rerun_wall_s=again["wall_s"],
            rerun_llm_calls=llm.calls - calls,
            rerun_asset_s=again["asset_s"],
        )
    return out


def backfill(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """--backfill-days past days, one run each in this process, oldest first."""
    days = past_weekdays(today, args.backfill_days)
    for i, d in enumerate(days):
        write_day(root / "recordings", d, synthetic_papers(args.papers, d, seed=100 + i, id_offset=i * 5000))
    with FakeArxiv(None, root=root / "recordings") as arxiv, FakeOpenAI(latency_s=latency) as llm:
        config = bench_config(root, arxiv.base_url, llm.base_url, args.papers, "llm", args.concurrency)
        figures = materialize_days(config, days)
        return {"days": len(days), "papers": args.papers * len(days), **figures, "llm_calls": llm.calls}


def serial_baseline(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """The way today's scripts do it: one summary call after another, no cache."""
    from arxiv_pipeline.core.config import LLMConfig
    from arxiv_pipeline.core.llm.client import ChatClient
    from arxiv_pipeline.core.models import Paper
    from arxiv_pipeline.core.summarize.llm import LLMSummarizer

    papers = [
        Paper(arxiv_id=p.arxiv_id, version=1, title=p.title, abstract=p.abstract)
        for p in synthetic_papers(args.papers, today, seed=7)
    ]
    with FakeOpenAI(latency_s=latency) as llm:
        config = LLMConfig(
            base_url=llm.base_url,
            model="bench-model",
            max_concurrency=1,
            requests_per_minute=100000,
            tokens_per_minute=100_000_000,
        )
        summarizer = LLMSummarizer(ChatClient(config, "bench-key"))
        started = time.perf_counter()
        outcomes = [summarizer.summarize([p], "en")[0] for p in papers]
        return {
            "papers": len(papers),
            "wall_s": time.perf_counter() - started,
            "llm_calls": llm.calls,
            "failed": sum(not o.ok for o in outcomes),
            "peak_in_flight": llm.peak_in_flight,
        }


def overhead(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """No LLM and no network: replayed files, extractive summaries. What the pipeline costs."""
    n = args.big_papers
    write_day(root / "recordings", today, synthetic_papers(n, today, seed=7))
    unreachable = "http://127.0.0.1:9"
    config = bench_config(
        root, unreachable, f"{unreachable}/v1", n, "extractive", args.concurrency, source="replay"
    )
    res = materialize_days(config, [today])
    return {
        "papers": n,
        **res,
        "per_paper_ms": {k: 1000 * v / n for k, v in res["asset_s"].items()},
        "total_per_paper_ms": 1000 * sum(res["asset_s"].values()) / n,
    }


def feed_check(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """The feeds asset's check on a full window (publish.feed_days of big days): the old check
    (feedparser, forgiving) against the new (lxml, strict), on the same two documents."""
    import dataclasses

    import feedparser

    from arxiv_pipeline.core import checks
    from arxiv_pipeline.core.publish.feeds import render_feeds

    template = one_paper_day(
        "A title about speculative decoding", "An abstract. " * 40, "A TL;DR.", "A. One", "cs.LG"
    )
    first = template.papers[0]
    days = [
        dataclasses.replace(
            template,
            announce_date=today - timedelta(days=d),
            papers=[
                dataclasses.replace(
                    first,
                    rank=i + 1,
                    paper=dataclasses.replace(first.paper, arxiv_id=f"2611.{d * 10000 + i:05d}"),
                )
                for i in range(args.big_papers)
            ],
        )
        for d in range(7)
    ]
    atom, rss = render_feeds(days, "Digest", "https://digest.example.org/")
    started = time.perf_counter()
    for doc in (atom, rss):
        assert not feedparser.parse(doc).bozo
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = checks.feeds_parse(atom, rss)
    check_s = time.perf_counter() - started
    assert outcome.passed, outcome.description
    return {
        "entries": outcome.metadata["atom_entries"],
        "feed_mb": round((len(atom) + len(rss)) / 1e6, 1),
        "feedparser_s": baseline_s,
        "wall_s": check_s,
    }


def fixed_cost(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """What every run pays whatever its size: the sample day (21 ranked papers, extractive
    summaries) materialized again in a warm process, best of three. The baseline, in the same run,
    opens a DuckDB connection per store call (as before Warehouse.held)."""
    import contextlib

    import dagster as dg

    from arxiv_pipeline.core import store as store_mod
    from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH
    from arxiv_pipeline.defs.stages import ALL_ASSETS
    from arxiv_pipeline.resources import pipeline_resources

    config = root / "arxiv_pipeline.yaml"
    config.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    out: dict[str, Any] = {}
    opened = [0]
    real_open = store_mod.Warehouse._open

    def counting_open(self: Any, read_only: bool) -> Any:
        opened[0] += 1
        return real_open(self, read_only)

    store_mod.Warehouse._open = counting_open  # type: ignore[method-assign]

    def warm(label: str) -> None:
        times = []
        for _ in range(4):  # the first run warms the process up
            opened[0] = 0
            started = time.perf_counter()
            with dg.DagsterInstance.ephemeral() as instance:
                dg.materialize(
                    ALL_ASSETS,
                    partition_key=SAMPLE_DAY,
                    resources=pipeline_resources(config_path=str(config)),
                    instance=instance,
                )
            times.append(time.perf_counter() - started)
        out[f"{label}_s"] = min(times[1:])
        out[f"{label}_connections"] = opened[0]

    warm("warm_run")
    held = store_mod.Warehouse.held
    store_mod.Warehouse.held = lambda self: contextlib.nullcontext(self)  # type: ignore[method-assign]
    warm("per_call_connections_baseline")
    store_mod.Warehouse.held = held  # type: ignore[method-assign]
    out["wall_s"] = out["warm_run_s"]
    return out


def full_window(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """Big days once the feed window is full: publish.feed_days (7) past days and today, each with
    --big-papers papers, built one run per day in this process (an 8-day backfill: the process's
    peak memory is its peak), then today again with nothing changed. The LLM answers at once here:
    this scenario is about everything around it."""
    days = [*past_weekdays(today, 7), today]
    rec = root / "recordings"
    for i, d in enumerate(days):
        write_day(rec, d, synthetic_papers(args.big_papers, d, seed=200 + i, id_offset=i * 5000))
    servers = ServersApart(today.isoformat(), rec, 0.0)
    try:
        config = bench_config(
            root, servers.arxiv_url, servers.llm_url, args.big_papers, "llm", args.concurrency
        )
        build = materialize_days(config, days)
        backfill_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        before = servers.counts()
        again = materialize_days(config, [today])
        after = servers.counts()
    finally:
        servers.close()
    feed = root / "out" / "site" / "feed.atom.xml"
    return {
        "days": len(days),
        "papers": args.big_papers * len(days),
        "backfill_wall_s": build["wall_s"],
        "backfill_peak_rss_mb": backfill_peak,
        "llm_calls": before["llm_calls"],
        "wall_s": again["wall_s"],
        "asset_s": again["asset_s"],
        "rerun_llm_calls": after["llm_calls"] - before["llm_calls"],
        "rerun_arxiv_requests": after["arxiv_requests"] - before["arxiv_requests"],
        "feed_entries": feed.read_text(encoding="utf-8").count("<entry>"),
        "feed_mb": round(feed.stat().st_size / 1e6, 2),
    }


def cold_cli(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """What a user or cron pays: a fresh process per run. The sample day on the packaged config
    (replayed, extractive summaries), through `arxiv-pipeline run`, through `dagster asset
    materialize` (what the schedule and the UI launch: one process, the Definitions' in-process
    executor), and through the daily job on the multiprocess executor (each step its own process),
    all recorded in a real instance on disk."""
    from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH

    config = root / "arxiv_pipeline.yaml"
    config.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(root / "data" / "dagster_home"),
        "ARXIV_PIPELINE_CONFIG": str(config),
        "PYTHONPATH": str(REPO),  # the multiprocess run imports its job from this repository
    }
    bindir = Path(sys.executable).parent

    def timed(cmd: list[str]) -> float:
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        return time.perf_counter() - started

    out: dict[str, Any] = {}
    imports = "import arxiv_pipeline.cli, arxiv_pipeline.definitions, dagster"
    out["imports_s"] = min(timed([sys.executable, "-c", imports]) for _ in range(3))
    cli = [str(bindir / "arxiv-pipeline"), "run", "--date", SAMPLE_DAY]
    out["first_run_s"] = timed(cli)  # a new database and a new instance
    out["cli_runs_s"] = [timed(cli) for _ in range(3)]
    out["cli_s"] = min(out["cli_runs_s"])
    out["cli_after_imports_s"] = out["cli_s"] - out["imports_s"]
    materialize = [str(bindir / "dagster"), "asset", "materialize", "-m", "arxiv_pipeline.definitions"]
    out["scheduled_runs_s"] = [
        timed([*materialize, "--select", "*", "--partition", SAMPLE_DAY]) for _ in range(3)
    ]
    out["scheduled_s"] = min(out["scheduled_runs_s"])
    multi = f"from benchmarks.pipeline.harness import run_multiprocess; run_multiprocess({SAMPLE_DAY!r})"
    out["multiprocess_s"] = min(timed([sys.executable, "-c", multi]) for _ in range(2))
    out["wall_s"] = out["cli_s"]
    return out
