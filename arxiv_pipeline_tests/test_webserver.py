"""The real thing: `dagster dev` (webserver + daemon) on 127.0.0.1, driven through its GraphQL
API with the dagster-graphql client: launch the sample day, wait for success, read metadata."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dagster_graphql import DagsterGraphQLClient

from arxiv_pipeline.cli import INSTANCE_CONFIG
from arxiv_pipeline_tests.conftest import ConfigFactory, warehouse_for

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

REPO = Path(__file__).resolve().parents[1]
METADATA_QUERY = """
query($path: [String!]!) {
  assetOrError(assetKey: {path: $path}) {
    ... on Asset {
      assetMaterializations(limit: 1) {
        partition
        runId
        metadataEntries {
          label
          ... on IntMetadataEntry { intValue }
          ... on MarkdownMetadataEntry { mdStr }
        }
      }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def config_files(tmp_path_factory: pytest.TempPathFactory) -> ConfigFactory:
    return ConfigFactory(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def dagster_dev(config_files: ConfigFactory):
    tmp_path = config_files.root
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The instance settings `arxiv-pipeline` writes (pools, run monitoring), as users have them.
    (home / "dagster.yaml").write_text(INSTANCE_CONFIG, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "ARXIV_PIPELINE_CONFIG": str(config_files.write())}
    log = (tmp_path / "dagster-dev.log").open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / "dagster-dev.log").read_text()[-3000:])
            time.sleep(1)
        else:
            raise RuntimeError("dagster dev did not answer within 120 s")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # dagster dev and the processes it started
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def wait_for_run(client: DagsterGraphQLClient, run_id: str) -> str | None:
    deadline = time.monotonic() + 240
    status = None
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id).value
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    return status


def test_launch_the_sample_day_through_graphql(dagster_dev: int, config_files: ConfigFactory) -> None:
    client = DagsterGraphQLClient("127.0.0.1", port_number=dagster_dev)
    run_id = client.submit_job_execution("daily_digest_job", tags={"dagster/partition": "2026-11-17"})
    assert wait_for_run(client, run_id) == "SUCCESS"

    result = client._execute(METADATA_QUERY, {"path": ["digest_markdown"]})
    [mat] = result["assetOrError"]["assetMaterializations"]
    assert mat["partition"] == "2026-11-17" and mat["runId"] == run_id
    entries = {e["label"]: e for e in mat["metadataEntries"]}
    assert entries["dagster/row_count"]["intValue"] == 21
    assert "Speculative Decoding" in entries["preview"]["mdStr"]
    assert (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").exists()


def test_every_failed_run_is_recorded_once(dagster_dev: int, config_files: ConfigFactory) -> None:
    """A run launched in the UI and one started by the CLI both fail (no recording of that day);
    the running daemon's recorder writes one row for each, and no more on later ticks."""
    client = DagsterGraphQLClient("127.0.0.1", port_number=dagster_dev)
    ui_run = client.submit_job_execution("daily_digest_job", tags={"dagster/partition": "2026-11-19"})
    assert wait_for_run(client, ui_run) == "FAILURE"
    home = config_files.root / "dagster_home"
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "arxiv-pipeline"), "run", "--date", "2026-11-20"],
        env={**os.environ, "DAGSTER_HOME": str(home), "ARXIV_PIPELINE_CONFIG": str(config_files.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 1, cli.stderr
    store = warehouse_for(config_files.path)
    deadline = time.monotonic() + 180
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = store.query("SELECT * FROM run_failures ORDER BY partition")
        if len(rows) >= 2:
            break
        time.sleep(3)
    assert [r["partition"] for r in rows] == ["2026-11-19", "2026-11-20"]
    assert rows[0]["run_id"] == ui_run and {r["trigger"] for r in rows} == {"ui", "cli"}
    assert all("no recorded arXiv day" in r["error"] for r in rows)
    time.sleep(35)  # at least one more tick of the recorder
    assert store.row_count("run_failures") == 2


JOB_RUNS_QUERY = """
query {
  pipelineOrError(params: {pipelineName: "daily_digest_job", repositoryName: "__repository__",
                           repositoryLocationName: "arxiv_pipeline"}) {
    ... on Pipeline {
      pipelineSnapshotId
      runs { runId pipelineSnapshotId tags { key value } }
    }
  }
}
"""


def test_a_cli_run_shows_on_the_jobs_page_like_a_ui_run(
    dagster_dev: int, config_files: ConfigFactory
) -> None:
    """What the job's Runs tab and the Overview timeline list: runs of this code location's job
    (its origin tag), here with the job's current snapshot, so re-executing one warns of nothing."""
    home = config_files.root / "dagster_home"
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "arxiv-pipeline"), "run", "--date", "2026-11-18"],
        env={**os.environ, "DAGSTER_HOME": str(home), "ARXIV_PIPELINE_CONFIG": str(config_files.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    client = DagsterGraphQLClient("127.0.0.1", port_number=dagster_dev)
    job = client._execute(JOB_RUNS_QUERY)["pipelineOrError"]
    cli_runs = [r for r in job["runs"] if {"key": "arxiv_pipeline/trigger", "value": "cli"} in r["tags"]]
    partitions = {t["value"] for r in cli_runs for t in r["tags"] if t["key"] == "dagster/partition"}
    assert "2026-11-18" in partitions
    [run] = [r for r in cli_runs if {"key": "dagster/partition", "value": "2026-11-18"} in r["tags"]]
    # The job's runs are those tagged with this location's origin: only then is a run listed.
    assert {"key": "dagster/code_location", "value": "arxiv_pipeline"} in run["tags"]
    assert run["pipelineSnapshotId"] == job["pipelineSnapshotId"]
