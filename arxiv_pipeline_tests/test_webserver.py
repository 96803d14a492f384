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

from arxiv_pipeline_tests.conftest import ConfigFactory

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


@pytest.fixture
def dagster_dev(config_files: ConfigFactory, tmp_path: Path):
    home = tmp_path / "dagster_home"
    home.mkdir()
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


def test_launch_the_sample_day_through_graphql(dagster_dev: int, config_files: ConfigFactory) -> None:
    client = DagsterGraphQLClient("127.0.0.1", port_number=dagster_dev)
    run_id = client.submit_job_execution("daily_digest_job", tags={"dagster/partition": "2026-11-17"})
    deadline = time.monotonic() + 240
    status = None
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id).value
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    assert status == "SUCCESS"

    result = client._execute(METADATA_QUERY, {"path": ["digest_markdown"]})
    [mat] = result["assetOrError"]["assetMaterializations"]
    assert mat["partition"] == "2026-11-17" and mat["runId"] == run_id
    entries = {e["label"]: e for e in mat["metadataEntries"]}
    assert entries["dagster/row_count"]["intValue"] == 21
    assert "Speculative Decoding" in entries["preview"]["mdStr"]
    assert (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").exists()
