"""`arxiv-pipeline backfill --runs-in-flight N`: several days at once, each run in its own process
on one instance and one DuckDB file, with the same digests as one day after another."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.store import open_warehouse
from arxiv_pipeline.defs.run_health.health import PID_TAG
from arxiv_pipeline_tests.conftest import default_test_config
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.synthetic_days import synthetic_papers, write_day

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)]


def _recordings(root: Path) -> Path:
    """Five days; each lists again the first papers of the day before, so a day's digest depends
    on what the days before it showed (a paper already shown is left out)."""
    recordings = root / "recordings"
    previous: list[Any] = []
    for i, day in enumerate(DAYS):
        fresh = synthetic_papers(10, day, seed=i, id_offset=100 * i)
        again = previous[:4]
        write_day(recordings, day, fresh + again)
        previous = fresh
    return recordings


def _project(
    root: Path,
    recordings: Path,
    llm_url: str,
    database: str | None = None,
    readers: list[dict[str, Any]] | None = None,
) -> Path:
    """The backfill project: a DuckDB file under ``root`` unless ``database`` says otherwise."""
    data = default_test_config()
    data["categories"] = ["cs.AI", "cs.CL", "cs.LG"]
    data["keywords"] = {"include": ["large language model"], "exclude": [], "authors": []}
    data["digest"] = {"max_papers": 6, "summarize_top": 3}
    data["summary"] = {"summarizer": "llm", "language": "en"}
    data["llm"].update(base_url=llm_url, model="backfill-model", api_key_env="BACKFILL_LLM_KEY")
    data["source"] = {"kind": "replay", "replay_dir": str(recordings)}
    data["fulltext"] = {"top": 0}
    data["automation"] = {"first_day": DAYS[0].isoformat()}
    data["storage"] = {"database": database or str(root / "digest.duckdb"), "output_dir": str(root / "out")}
    if readers:
        data["readers"] = readers
    path = root / "arxiv_pipeline.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def llm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    # Calls take a moment, as real ones do, so a day's summaries overlap the next day's start.
    monkeypatch.setenv("BACKFILL_LLM_KEY", "sk-backfill-test")
    with FakeOpenAI(latency_s=0.4) as server:
        yield server


def _backfill(root: Path, config: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> list[Any]:
    home = root / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    args = ["backfill", "--start", DAYS[0].isoformat(), "--end", DAYS[-1].isoformat(), *extra]
    assert main([*args, "--config", str(config)]) == 0
    with dg.DagsterInstance.get() as instance:
        return instance.get_run_records(dg.RunsFilter(job_name="daily_digest_job"))


def _picks(database: str | Path, reader: str | None = None) -> dict[str, Any]:
    store = open_warehouse(database, reader=reader)
    return {
        "scores": store.query(
            "SELECT announce_date, arxiv_id, rank, selected, reason FROM paper_scores ORDER BY 1, 2"
        ),
        "candidates": store.query(
            "SELECT announce_date, arxiv_id, status, reason FROM candidate_papers ORDER BY 1, 2"
        ),
        "summaries": store.query(
            "SELECT announce_date, arxiv_id, tldr FROM paper_summaries WHERE status = 'ok' ORDER BY 1, 2"
        ),
        "digests": store.query("SELECT announce_date, kind, papers FROM digests ORDER BY 1, 2"),
    }


def _max_in_flight(records: list[Any]) -> int:
    edges = sorted(e for r in records for e in ((r.start_time, 1), (r.end_time, -1)))
    peak = current = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak


def test_backfill_with_runs_in_flight_gives_the_same_digests(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    llm_server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recordings = _recordings(tmp_path)

    serial_root = tmp_path / "serial"
    serial_root.mkdir()
    serial = _backfill(serial_root, _project(serial_root, recordings, llm_server.base_url), monkeypatch)
    serial_calls = llm_server.calls
    capsys.readouterr()

    flight_root = tmp_path / "in_flight"
    flight_root.mkdir()
    config = _project(flight_root, recordings, llm_server.base_url)
    runs = _backfill(flight_root, config, monkeypatch, "--runs-in-flight", "3")
    out = capsys.readouterr().out
    assert "5 of 5 announcement days built" in out
    assert all(f"{d} {d:%a}  ok" in out for d in DAYS)

    # One run per day, each in its own process, and they overlapped.
    assert len(runs) == len(serial) == len(DAYS)
    assert {r.dagster_run.tags["dagster/partition"] for r in runs} == {d.isoformat() for d in DAYS}
    assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    assert len({r.dagster_run.tags.get(PID_TAG) for r in runs}) == 3  # one process per run in flight
    assert _max_in_flight(runs) >= 2
    # Every day was scored after the day before it.
    with dg.DagsterInstance.get() as instance:
        scored = [
            instance.fetch_materializations(
                dg.AssetRecordsFilter(
                    asset_key=dg.AssetKey("paper_scores"), asset_partitions=[d.isoformat()]
                ),
                limit=1,
            )
            .records[0]
            .timestamp
            for d in DAYS
        ]
    assert scored == sorted(scored)

    # The same selections, exclusions ("already shown") and summaries as one day after another,
    # and no summary paid twice.
    expected = _picks(serial_root / "digest.duckdb")
    shown = [r for r in expected["scores"] if r["rank"] is None]
    assert shown and all(r["announce_date"] > DAYS[0] for r in shown), expected["scores"]
    assert _picks(flight_root / "digest.duckdb") == expected
    assert llm_server.calls - serial_calls == serial_calls
    for day in DAYS:
        same = [
            (root / "out" / day.isoformat() / "README.md").read_text() for root in (serial_root, flight_root)
        ]
        assert same[0] == same[1], day


def test_backfill_in_flight_reports_failed_days_and_builds_the_rest(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    llm_server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recordings = _recordings(tmp_path)
    # A day arXiv's record of is missing: its run fails at the fetch; the later days still run.
    shutil.rmtree(recordings / DAYS[1].isoformat())
    config = _project(tmp_path, recordings, llm_server.base_url)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    args = [
        "backfill",
        "--start",
        DAYS[0].isoformat(),
        "--end",
        DAYS[2].isoformat(),
        "--runs-in-flight",
        "2",
    ]
    assert main([*args, "--config", str(config)]) == 1
    out, err = capsys.readouterr()
    assert "2 of 3 announcement days built" in out
    assert f"{DAYS[1]} {DAYS[1]:%a}  FAILED arxiv_listings" in err
    assert f"no recorded arXiv day {DAYS[1]}" in err
    built = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name != "site")
    assert built == [DAYS[0].isoformat(), DAYS[2].isoformat()]
    assert (
        main(
            [
                "backfill",
                "--start",
                "2026-11-02",
                "--end",
                "2026-11-03",
                "--runs-in-flight",
                "0",
                "--config",
                str(config),
            ]
        )
        == 2
    )
    assert "--runs-in-flight must be 1 or more" in capsys.readouterr().err
    assert os.environ["DAGSTER_HOME"] == str(tmp_path / "home")


def test_stopping_a_backfill_in_flight_ends_every_run_and_a_rerun_pays_nothing_twice(
    tmp_path: Path, llm_server: FakeOpenAI
) -> None:
    config = _project(tmp_path, _recordings(tmp_path), llm_server.base_url)
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "arxiv_pipeline.cli", "--config", str(config), "backfill"]
    command += ["--start", DAYS[0].isoformat(), "--end", DAYS[-1].isoformat(), "--runs-in-flight", "3"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = tmp_path / "out" / DAYS[0].isoformat() / "README.md"
    deadline = time.monotonic() + 180
    while not first.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert first.exists() and proc.poll() is None, "the first day was not built in time"
    proc.send_signal(signal.SIGTERM)  # as systemd or `kill` stops it
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err
    assert "Stopped. Rerun the same command to finish" in err and "Traceback" not in out + err
    env_home = tmp_path / "home"
    with dg.DagsterInstance.from_config(str(env_home)) as instance:
        statuses = {r.tags["dagster/partition"]: r.status for r in instance.get_runs()}
    # No run is left "started" to block the next one, and some days were still to do.
    assert all(s in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE) for s in statuses.values())
    assert len([s for s in statuses.values() if s == dg.DagsterRunStatus.SUCCESS]) < len(DAYS)

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "5 of 5 announcement days built" in rerun.stdout
    summarized = open_warehouse(tmp_path / "digest.duckdb").query(
        "SELECT count(*) AS n FROM llm_calls WHERE purpose = 'summary' AND status = 'ok'"
    )[0]["n"]
    assert llm_server.calls_for("summary") == summarized == 3 * len(DAYS)
