"""Scaled out: the multiprocess executor, each step in its own process, with steps that write the
same DuckDB file at the same time (the two digests)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.errors import root_message
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, warehouse_for
from arxiv_pipeline_tests.multiprocess_job import digest_job

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def test_partition_runs_in_subprocesses_without_lock_errors(
    config_files: ConfigFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = [DAY_1, DAY_2]
    path = config_files.write()
    monkeypatch.setenv("ARXIV_PIPELINE_CONFIG", str(path))
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    # One instance (its SQLite storage created once), two days at once, each step in its own
    # process: up to four writers on one DuckDB file.
    with dg.DagsterInstance.get() as instance:

        def run(day) -> list[str]:
            result = dg.execute_job(
                dg.reconstructable(digest_job), instance=instance, tags={"dagster/partition": day.isoformat()}
            )
            return [
                root_message(e.step_failure_data.error) for e in result.all_events if e.is_step_failure
            ] + ([] if result.success else ["run failed"])

        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(run, days)) == [[], []]
    store = warehouse_for(path)
    kinds = store.query("SELECT announce_date, kind FROM digests ORDER BY 1, 2")
    assert store.query("SELECT count(*) AS n FROM candidate_papers")[0]["n"] == 42 + 8
    assert [(r["announce_date"], r["kind"]) for r in kinds] == [
        (d, k) for d in days for k in ("daily", "readme")
    ]
