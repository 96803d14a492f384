"""What every scenario uses: the local servers in a process of their own, a config on them, and
the whole lineage materialized for some days with each step's time from Dagster's event log."""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from arxiv_pipeline.core.ingest.replay import SAMPLE_DAY as BUNDLED_DAY

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DAY = BUNDLED_DAY.isoformat()  # the shipped default config's day: a real one


def run_multiprocess(day: str) -> None:
    """The daily job on the multiprocess executor (each step its own process), as deployments
    that scale out run it; the shipped Definitions run a run's steps in one process."""
    import dagster as dg

    from arxiv_pipeline_tests.multiprocess_job import digest_job

    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(digest_job), instance=instance, tags={"dagster/partition": day}
        )
        assert result.success, "the multiprocess run failed"


def _serve(conn: Any, day: str | None, root: Path, latency_s: float) -> None:
    from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
    from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

    with FakeArxiv(day, root=root) as arxiv, FakeOpenAI(latency_s=latency_s) as llm:
        conn.send((arxiv.base_url, llm.base_url))
        while conn.recv() == "counts":
            conn.send({"llm_calls": llm.calls, "arxiv_requests": len(arxiv.requests)})


class ServersApart:
    """The local arXiv and LLM servers in a child process, so that the peak memory measured in
    this process is the pipeline's alone (the fake arXiv holds every recorded entry in memory)."""

    def __init__(self, day: str | None, root: Path, latency_s: float) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, day, root, latency_s), daemon=True)
        self._proc.start()
        self.arxiv_url, self.llm_url = self._conn.recv()

    def counts(self) -> dict[str, int]:
        self._conn.send("counts")
        return self._conn.recv()

    def close(self) -> None:
        self._conn.send("stop")
        self._proc.join(timeout=30)


# -- one scenario, in its own process ---------------------------------------------------------
def bench_config(
    root: Path,
    arxiv_url: str,
    llm_url: str,
    papers: int,
    summarizer: str,
    concurrency: int,
    source: str = "arxiv",
    shipped_limits: bool = False,
    summarize_top: int | None = None,
) -> Path:
    data = yaml.safe_load((REPO / "arxiv_pipeline" / "default_config.yaml").read_text())
    data["categories"] = ["cs.AI", "cs.CL", "cs.LG"]
    data["keywords"] = {"include": ["large language model"], "exclude": [], "authors": []}
    top = max(1, papers) if summarize_top is None else summarize_top
    data["digest"] = {"max_papers": max(1, papers, top), "summarize_top": top}
    data["summary"] = {"summarizer": summarizer, "language": "en"}
    if shipped_limits:
        # What users run: the packaged llm.* settings, only the endpoint and key pointed here.
        data["llm"].update(base_url=llm_url, model="bench-model", api_key_env="BENCH_LLM_KEY")
    else:
        data["llm"] = {
            "base_url": llm_url,
            "model": "bench-model",
            "max_concurrency": concurrency,
            "requests_per_minute": 100000,
            "tokens_per_minute": 100_000_000,
            "api_key_env": "BENCH_LLM_KEY",
            "backoff_base_s": 0.01,
        }
    data["source"] = {
        "kind": source,
        "rss_url": f"{arxiv_url}/rss/{{}}",
        "api_url": f"{arxiv_url}/api/query?{{}}",
        "min_interval_s": 0,
        "replay_dir": str(root / "recordings"),
    }
    # Full texts have their own scenario; here only the local arXiv server is reached.
    data["fulltext"] = {"top": 0}
    data["storage"] = {"database": str(root / "bench.duckdb"), "output_dir": str(root / "out")}
    path = root / "bench.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _step_seconds(instance: Any, run_id: str) -> dict[str, float]:
    """Each step's wall time from the run's own event log (start to success or failure): the
    asset's work with its checks, its metadata and Dagster's handling of them."""
    import dagster as dg

    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            seconds[entry.step_key] = entry.timestamp - started.get(entry.step_key, entry.timestamp)
    return seconds


def materialize_days(config: Path, days: list[date], lab: bool = False) -> dict[str, Any]:
    """Run the whole lineage for each day in this (warm) process; imports are done before the
    clock starts, since they are paid once per process (the cold_cli scenario measures them).
    A lab's day is its runs as Dagster makes them: the shared fetch, then one per reader."""
    import dagster as dg

    from arxiv_pipeline.core.config import load_config
    from arxiv_pipeline.defs.stages import ALL_ASSETS, assets_for
    from arxiv_pipeline.jobs import DIGEST_JOB, LISTINGS_JOB, jobs_for
    from arxiv_pipeline.partitions import reader_day_key
    from arxiv_pipeline.resources import pipeline_resources

    settings = load_config(config)
    resources = pipeline_resources(config_path=str(config))
    if lab:
        defs = dg.Definitions(assets=assets_for(settings), jobs=jobs_for(settings), resources=resources)
        listings, digest = defs.resolve_job_def(LISTINGS_JOB), defs.resolve_job_def(DIGEST_JOB)
    per_asset: dict[str, float] = {}
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    started = time.perf_counter()
    with dg.DagsterInstance.ephemeral() as instance:
        for day in days:
            if lab:
                results = [
                    listings.execute_in_process(
                        partition_key=day.isoformat(), instance=instance, run_config=quiet
                    )
                ]
                results += [
                    digest.execute_in_process(
                        partition_key=reader_day_key(day, reader), instance=instance, run_config=quiet
                    )
                    for reader in settings.reader_names
                ]
            else:
                results = [
                    dg.materialize(
                        ALL_ASSETS,
                        partition_key=day.isoformat(),
                        instance=instance,
                        resources=resources,
                        run_config=quiet,
                    )
                ]
            for result in results:
                assert result.success, f"run {result.run_id} for {day} failed"
                for key, secs in _step_seconds(instance, result.run_id).items():
                    per_asset[key] = per_asset.get(key, 0.0) + secs
    return {"wall_s": time.perf_counter() - started, "asset_s": per_asset}


def past_weekdays(today: date, n: int) -> list[date]:
    """The n announcement days (Monday to Friday) before today, oldest first."""
    days, d = [], today - timedelta(days=1)
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d -= timedelta(days=1)
    return days[::-1]


def served_config(root: Path, servers: ServersApart, args: argparse.Namespace, summarize_top: int) -> Path:
    """A scenario's config on the local servers of another process, the LLM summarizing the top."""
    return bench_config(
        root,
        servers.arxiv_url,
        servers.llm_url,
        args.papers,
        "llm",
        args.concurrency,
        summarize_top=summarize_top,
    )


def run_day_process(config: Path, day: date) -> dict[str, Any]:
    """One day's run in this fresh process, as the daemon launches each run: its wall time after
    imports, and how long it waited for other processes' hold on the DuckDB file."""
    from arxiv_pipeline.core.store import LOCK_WAITS

    figures = materialize_days(config, [day])
    return {"wall_s": figures["wall_s"], "lock": LOCK_WAITS.as_dict()}
