"""The lab deployment, for real: the files `arxiv-pipeline deployment` writes, on a real PostgreSQL
server, with the three services of the README (code server, webserver, daemon) as processes. A
3-day backfill launched through the webserver's GraphQL API (what the UI's "Materialize" does) is
run by the daemon's queue with several runs in flight, writing the warehouse in the same
PostgreSQL server (``storage.database: postgresql://...``); the run history then survives a
restart of the webserver and the daemon."""

from __future__ import annotations

import os
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
import requests
import yaml

from arxiv_pipeline.cli import main as cli_main
from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.store import open_warehouse
from arxiv_pipeline_tests.conftest import default_test_config
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.fakes.postgres_server import PASSWORD, USER, PostgresServer
from arxiv_pipeline_tests.synthetic_days import synthetic_papers, write_day
from arxiv_pipeline_tests.test_webserver import free_port

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

BIN = Path(sys.executable).parent
# Three days: a reader's day waits for their previous one, so runs chain and queue behind the
# limit of 3 in flight; more days only repeat that (five took 6.6 minutes of CI's 21).
DAYS = [date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)]
SUMMARIZE_TOP = 3
# Three readers with different interests; Chen reads in Chinese.
READERS = [
    {"name": "ana"},
    {"name": "bo", "keywords": {"include": ["graph learning", "federated optimization", "retrieval"]}},
    {
        "name": "chen",
        "keywords": {"include": ["quantization", "tokenization"]},
        "summary": {"language": "zh"},
    },
]
NAMES = [r["name"] for r in READERS]
LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
    ... on UnauthorizedError { message }
  }
}
"""
ASSET_NODES = "query { assetNodes { assetKey { path } isPartitioned } }"
RUNS = """
query { runsOrError(limit: 100) { ... on Runs { results { runId status tags { key value } } } } }
"""


class Service:
    """One long-running Dagster process, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], root: Path) -> None:
        self.name, self.log_path = name, root / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            args, cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()


class Lab:
    def __init__(self, root: Path, env: dict[str, str], code_port: int) -> None:
        self.root, self.env, self.code_port = root, env, code_port
        self.web_port = free_port()
        self.services: dict[str, Service] = {}

    def start(self, *names: str) -> None:
        commands = {
            "code": [
                str(BIN / "dagster"),
                "code-server",
                "start",
                "-m",
                "arxiv_pipeline.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.code_port),
            ],
            "webserver": [
                str(BIN / "dagster-webserver"),
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.web_port),
            ],
            "daemon": [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        }
        for name in names:
            self.services[name] = Service(name, commands[name], self.env, self.root)

    def stop(self, *names: str) -> None:
        for name in names or list(self.services):
            self.services.pop(name).stop()

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = requests.post(
            f"http://127.0.0.1:{self.web_port}/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=60,
        )
        assert response.ok, f"{response.status_code}: {response.text[:3000]}"
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def wait_for_definitions(self, timeout_s: float = 180) -> None:
        """Until the webserver answers and has loaded the pipeline from the code server."""
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            for service in self.services.values():
                assert service.proc.poll() is None, f"{service.name} exited:\n{service.tail()}"
            try:
                data = self.graphql(ASSET_NODES)
                if len(data["assetNodes"]) >= 13:
                    return
            except (requests.RequestException, AssertionError) as exc:
                last = str(exc)
            time.sleep(1)
        raise AssertionError(f"the webserver did not load the definitions: {last}")


def _project(root: Path, llm_url: str, warehouse: str) -> Path:
    recordings = root / "recordings"
    for i, day in enumerate(DAYS):
        write_day(recordings, day, synthetic_papers(12, day, seed=i, id_offset=100 * i))
    data = default_test_config()
    data["categories"] = ["cs.AI", "cs.CL", "cs.LG"]
    data["keywords"] = {"include": ["large language model"], "exclude": [], "authors": []}
    data["digest"] = {"max_papers": 5, "summarize_top": SUMMARIZE_TOP}
    data["readers"] = READERS
    data["summary"] = {"summarizer": "llm", "language": "en"}
    data["llm"].update(base_url=llm_url, model="lab-model", api_key_env="LAB_LLM_KEY")
    data["source"] = {"kind": "replay", "replay_dir": str(recordings)}
    data["fulltext"] = {"top": 0}
    data["storage"] = {"database": warehouse, "output_dir": str(root / "out")}
    path = root / "arxiv_pipeline.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def llm_server() -> Iterator[FakeOpenAI]:
    # Calls take a moment, as real ones do: runs then wait on the llm pool, in flight together
    # (at 0.3 s a call, runs on this warehouse finished too soon to overlap three at a time).
    with FakeOpenAI(latency_s=1.0) as server:
        yield server


@pytest.fixture(scope="module")
def lab(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer, llm_server: FakeOpenAI
) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab")
    # The files a user gets, as they get them; only the code server's port is this test's.
    assert cli_main(["deployment", str(root)]) == 0
    code_port = free_port()
    workspace = root / "workspace.yaml"
    workspace.write_text(workspace.read_text().replace("4266", str(code_port)), encoding="utf-8")
    home = root / "dagster_home"
    home.mkdir()
    (root / "dagster.yaml").rename(home / "dagster.yaml")
    postgres.create_database("dagster_lab")
    postgres.create_database("lab_warehouse")
    warehouse = f"postgresql://{USER}@127.0.0.1:{postgres.port}/lab_warehouse"
    env = {
        **os.environ,
        **postgres.env("dagster_lab"),
        "PGPASSWORD": PASSWORD,  # the warehouse's, as arxiv-pipeline.env gives it
        "DAGSTER_HOME": str(home),
        "ARXIV_PIPELINE_CONFIG": str(_project(root, llm_server.base_url, warehouse)),
        "LAB_LLM_KEY": "sk-lab-test",
    }
    lab = Lab(root, env, code_port)
    lab.start("code", "webserver", "daemon")
    try:
        lab.wait_for_definitions()
        yield lab
    finally:
        lab.stop()


def _instance(lab: Lab) -> dg.DagsterInstance:
    """The same PostgreSQL instance, read from this process."""
    for key in (
        "DAGSTER_PG_HOST",
        "DAGSTER_PG_PORT",
        "DAGSTER_PG_USER",
        "DAGSTER_PG_PASSWORD",
        "DAGSTER_PG_DB",
        "PGPASSWORD",
    ):
        os.environ[key] = lab.env[key]
    return dg.DagsterInstance.from_config(lab.env["DAGSTER_HOME"])


def _max_in_flight(records: list[Any]) -> int:
    edges = []
    for record in records:
        edges += [(record.start_time, 1), (record.end_time, -1)]
    peak = current = 0
    for _, step in sorted(edges):
        current += step
        peak = max(peak, current)
    return peak


def test_backfill_on_postgres_with_runs_in_flight_survives_restart(lab: Lab, llm_server: FakeOpenAI) -> None:
    from dagster._core.execution.backfill import BulkActionStatus

    # What the UI's "Materialize all" for 3 days sends: the shared fetch, partitioned by day, and
    # every reader's stages, partitioned by (day, reader), which Dagster maps from the days.
    nodes = lab.graphql(ASSET_NODES)["assetNodes"]
    assert len(nodes) == 13 and all(n["isPartitioned"] for n in nodes)
    launched = lab.graphql(
        LAUNCH_BACKFILL,
        {
            "params": {
                "partitionNames": [d.isoformat() for d in DAYS],
                "assetSelection": [n["assetKey"] for n in nodes],
            }
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]

    with _instance(lab) as instance:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            backfill = instance.get_backfill(backfill_id)
            if backfill.status not in (BulkActionStatus.REQUESTED,):
                break
            for service in lab.services.values():
                assert service.proc.poll() is None, f"{service.name} exited:\n{service.tail()}"
            time.sleep(2)
        assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS, lab.services["daemon"].tail()
        runs = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        assert runs and all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        # Every day's fetch, and every reader's day.
        assert {r.dagster_run.tags["dagster/partition"] for r in runs} == {d.isoformat() for d in DAYS} | {
            f"{d}|{name}" for d in DAYS for name in NAMES
        }
        in_flight = _max_in_flight(runs)
        backfill_runs = {r.dagster_run.run_id for r in runs}
    print(f"\n{len(runs)} runs, at most {in_flight} in flight")
    assert in_flight >= 3

    # The warehouse in PostgreSQL (this process has its password from _instance).
    database = load_config(Path(lab.env["ARXIV_PIPELINE_CONFIG"])).warehouse_location
    picks: dict[str, dict[date, list[str]]] = {}
    wanted: set[tuple[str, int, str]] = set()
    for name in NAMES:
        store = open_warehouse(database, reader=name)
        digests = store.query("SELECT announce_date FROM digests WHERE kind = 'daily' ORDER BY 1")
        assert [r["announce_date"] for r in digests] == DAYS, name
        picks[name] = {d: [] for d in DAYS}
        for r in store.query("SELECT announce_date, arxiv_id FROM paper_scores WHERE selected ORDER BY rank"):
            picks[name][r["announce_date"]].append(r["arxiv_id"])
        rows = store.query("SELECT arxiv_id, version, language FROM paper_summaries WHERE status = 'ok'")
        wanted |= {(r["arxiv_id"], r["version"], r["language"]) for r in rows}
    # Each reader's digest follows their interests.
    assert all(picks["ana"][d] != picks["bo"][d] and picks["bo"][d] != picks["chen"][d] for d in DAYS)
    # One paid summary per (paper version, model, prompt, language), however the runs and the
    # readers interleaved; Chen's are in Chinese.
    assert {lang for _, _, lang in wanted} == {"en", "zh"}
    assert llm_server.calls_for("summary") == len(wanted)
    shared = open_warehouse(database)
    assert shared.query("SELECT count(*) AS n FROM llm_calls WHERE purpose = 'summary'") == [
        {"n": len(wanted)}
    ]

    # The history is in PostgreSQL, not in the processes: restart the webserver and the daemon.
    lab.stop("webserver", "daemon")
    lab.start("webserver", "daemon")
    lab.wait_for_definitions()
    listed = lab.graphql(RUNS)["runsOrError"]["results"]
    assert backfill_runs <= {r["runId"] for r in listed}
    assert all(r["status"] == "SUCCESS" for r in listed if r["runId"] in backfill_runs)
    # And the restarted daemon drains the queue: a day's fetch launched from the UI, then (the
    # reader_runs_sensor) every reader's run of that day, all answered from the caches.
    calls_before = llm_server.calls
    rerun = lab.graphql(
        """mutation($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) {
             __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }""",
        {
            "p": {
                "selector": {
                    "repositoryLocationName": "arxiv_pipeline",
                    "repositoryName": "__repository__",
                    "jobName": "arxiv_listings_job",
                },
                "executionMetadata": {"tags": [{"key": "dagster/partition", "value": DAYS[2].isoformat()}]},
            }
        },
    )["launchPipelineExecution"]
    assert rerun["__typename"] == "LaunchRunSuccess", rerun
    with _instance(lab) as instance:
        deadline = time.monotonic() + 300
        followers: list[Any] = []
        while time.monotonic() < deadline:
            followers = instance.get_run_records(
                dg.RunsFilter(job_name="daily_digest_job", tags={"dagster/sensor_name": "reader_runs_sensor"})
            )
            if len(followers) == len(NAMES) and all(r.dagster_run.is_finished for r in followers):
                break
            time.sleep(2)
        fetch = instance.get_run_by_id(rerun["run"]["runId"])
        assert fetch and fetch.status == dg.DagsterRunStatus.SUCCESS, lab.services["daemon"].tail()
        assert {r.dagster_run.tags["dagster/partition"] for r in followers} == {
            f"{DAYS[2]}|{name}" for name in NAMES
        }, lab.services["daemon"].tail()
        assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in followers)
    assert llm_server.calls == calls_before
