"""A crash is a normal event: `arxiv-pipeline run` killed with SIGKILL at each stage (or stopped
with SIGTERM), then run again, gives the same data as a run that was never interrupted; no paid
call is made twice (only calls in flight at the kill can be lost); nothing blocks the rerun.

Real processes on a real (SQLite) Dagster instance, the live arXiv source against a local arXiv
server, full texts from a local full-text server (no text fetched twice), and the LLM against a
local chat-completions server.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef

from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.store import TABLES, open_warehouse
from arxiv_pipeline_tests.conftest import ConfigFactory
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv, Fault
from arxiv_pipeline_tests.fakes.fulltext_server import FakeFulltext
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.fakes.postgres_server import PASSWORD, USER
from arxiv_pipeline_tests.sample_papers import DAY_1_PAPERS

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

KEY_ENV = "ARXIV_TEST_CRASH_KEY"
CONCURRENCY = 2
SUMMARIZE_TOP = 10
FULLTEXT_TOP = 3
VOLATILE = {
    "run_id", "fetched_at", "decided_at", "scored_at", "created_at", "rendered_at", "recorded_at",
    "updated_at", "seconds", "cached", "path", "failed_at", "config_hash", "sha256", "built_at", "rated_at",
    "inputs", "written_at",
}  # fmt: skip
_FETCHED = re.compile(r"\*\*Last Updated\*\*: [^\n]*")
OUTPUTS = [
    "2026-11-17/daily_digest.md",
    "2026-11-17/digest.json",
    "site/2026-11-17.html",
    "site/feed.rss.xml",
]


@pytest.fixture(scope="module")
def fulltexts():
    """One full-text server for the module, so every run's stored URLs and outputs are alike."""
    with FakeFulltext() as server:
        yield server


def _config(
    root: Path,
    arxiv: FakeArxiv,
    llm: FakeOpenAI,
    fulltexts: FakeFulltext,
    database: str | None = None,
    readers: list[dict] | None = None,
) -> Path:
    storage = {"storage": {"database": database}} if database else {}
    lab = {"readers": readers} if readers else {}
    return ConfigFactory(root).write(
        **storage,
        **lab,
        source={
            "kind": "arxiv",
            "rss_url": f"{arxiv.base_url}/rss/{{}}",
            "api_url": f"{arxiv.base_url}/api/query?{{}}",
            "min_interval_s": 0,
            "backoff_base_s": 0,
            "timeout_s": 120,
        },
        digest={"summarize_top": SUMMARIZE_TOP},
        fulltext={"top": FULLTEXT_TOP, "html_url": fulltexts.html_url, "pdf_url": fulltexts.pdf_url},
        # Fixed links: without a site_url the feeds name their folder, which differs per test.
        publish={"site_url": "https://digest.example.org/"},
        summary={"summarizer": "llm"},
        llm={
            "base_url": llm.base_url,
            "model": "fake-model",
            "api_key_env": KEY_ENV,
            "max_concurrency": CONCURRENCY,
            "backoff_base_s": 0.01,
        },
    )


def _start(config: Path, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DAGSTER_HOME": str(home), KEY_ENV: "sk-crash-test"}
    command = [
        sys.executable,
        "-m",
        "arxiv_pipeline.cli",
        "--config",
        str(config),
        "run",
        "--date",
        "2026-11-17",
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out
    return out


def _started_steps(home: Path) -> set[str]:
    if not (home / "dagster.yaml").exists():
        return set()
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        records = instance.get_run_records(limit=1)
        if not records:
            return set()
        events = instance.all_logs(records[0].dagster_run.run_id, of_type=dg.DagsterEventType.STEP_START)
        return {e.step_key for e in events if e.step_key}


def _wait_until(condition: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the run ended before the kill point: {proc.communicate()[0]}"
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.02)


def _stored(database: str | Path, table: str) -> int:
    if isinstance(database, Path) and not database.exists():
        return 0
    return open_warehouse(database).row_count(table)


def _text(column: str, value: object) -> str:
    # A digest's text is stored compressed; its "Last Updated" line differs from run to run.
    if column == "content_zlib" and isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8")
    return str(value)


def _table_rows(database: str | Path, reader: str | None = None) -> dict[str, list[tuple]]:
    store = open_warehouse(database, reader=reader)
    out = {}
    for table in TABLES:
        if table in ("llm_calls", "run_failures", "feed_reports", "published_files"):
            # Logs of what happened (the kill included), compared separately; published_files
            # records the files' sizes, and papers.jsonl holds run ids and cache flags.
            continue
        rows = [
            tuple(sorted((k, _FETCHED.sub("", _text(k, v))) for k, v in r.items() if k not in VOLATILE))
            for r in store.query(f"SELECT * FROM {table}")
        ]
        out[table] = sorted(rows)
    return out


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, fulltexts: FakeFulltext
) -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    """What an uninterrupted run stores and writes."""
    root = tmp_path_factory.mktemp("reference")
    with FakeArxiv(None) as arxiv, FakeOpenAI() as llm:
        config = _config(root, arxiv, llm, fulltexts)
        _finish(_start(config, root / "home"))
    out_dir = load_config(config).output_dir
    return _table_rows(load_config(config).warehouse_location), {
        f: (out_dir / f).read_bytes() for f in OUTPUTS
    }


KILL_POINTS: dict[str, Callable[[Path, FakeArxiv, FakeOpenAI, int], bool]] = {
    # The API answers the fetch after 20 s; the kill comes while it waits.
    "fetch": lambda home, arxiv, llm, texts: any("/api/" in path for _, path in arxiv.requests),
    "select": lambda home, arxiv, llm, texts: "candidate_papers" in _started_steps(home),
    # Each full text takes 1 s: the first is stored, the second is on its way.
    "fulltext": lambda home, arxiv, llm, texts: texts >= 2,
    # Some summaries are answered (and must be kept), others are in flight or not asked yet.
    "summaries": lambda home, arxiv, llm, texts: llm.completed >= 4,
    "publish": lambda home, arxiv, llm, texts: "digest_markdown" in _started_steps(home),
}


@pytest.mark.parametrize(
    ("stage", "sig", "warehouse"),
    [(stage, signal.SIGKILL, "duckdb") for stage in KILL_POINTS]
    + [("summaries", signal.SIGTERM, "duckdb")]
    # (Publishing on PostgreSQL ends too soon after its first step starts for a kill to land there.)
    + [("summaries", signal.SIGKILL, "postgres")],
    ids=[f"kill-9-during-{s}" for s in KILL_POINTS]
    + ["sigterm-during-summaries"]
    + ["kill-9-during-summaries-on-postgres"],
)
def test_a_killed_run_then_a_rerun_gives_the_uninterrupted_result(
    stage: str,
    sig: signal.Signals,
    warehouse: str,
    tmp_path: Path,
    reference: tuple[dict, dict],
    fulltexts: FakeFulltext,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    database = None
    if warehouse == "postgres":
        # The same run with the warehouse in PostgreSQL: a killed connection's transaction is
        # rolled back by the server, and its locks go with it.
        server = request.getfixturevalue("postgres")
        name = f"crash_{stage}"
        server.create_database(name)
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
        database = f"postgresql://{USER}@127.0.0.1:{server.port}/{name}"
    fulltexts.requests.clear()
    fulltexts.faults.clear()
    fulltexts.slow_s = 1.0
    if stage == "fulltext":
        for paper in DAY_1_PAPERS:
            fulltexts.fault(f"{paper.arxiv_id}v{paper.version}", "slow")
    with FakeArxiv(None) as arxiv, FakeOpenAI(latency_s=0.4) as llm:
        config = _config(tmp_path, arxiv, llm, fulltexts, database)
        if stage == "fetch":
            arxiv.faults.append(Fault(status=503, delay_s=20, path_prefix="/api/"))
        proc = _start(config, home)
        _wait_until(lambda: KILL_POINTS[stage](home, arxiv, llm, sum(fulltexts.requests.values())), proc)
        answered_before_kill = llm.completed
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=60)
        if sig == signal.SIGTERM:
            assert proc.returncode == 130 and "Stopped. Rerun the same command" in out, out
        arxiv.faults.clear()
        # The server finishes (and counts) the calls that were in flight at the kill.
        deadline = time.monotonic() + 30
        while llm.in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
        answered_to_killed_run = llm.completed
        location = load_config(config).warehouse_location
        stored_by_killed_run = _stored(location, "summary_cache")
        texts_stored_by_killed_run = _stored(location, "paper_fulltext")
        started = time.monotonic()
        rerun = _finish(_start(config, home), timeout=180)
        rerun_seconds = time.monotonic() - started
        total_answered = llm.completed
    fulltexts.faults.clear()

    cfg = load_config(config)
    tables, outputs = reference
    assert _table_rows(cfg.warehouse_location) == tables
    assert {f: (cfg.output_dir / f).read_bytes() for f in OUTPUTS} == outputs
    # Every paper's summary was paid for once in the log: what the killed run was answered is in the
    # cache and the call log; at most the calls in flight at the kill were asked again.
    ok_calls = Counter(
        tuple(r["paper_ids"])
        for r in open_warehouse(cfg.warehouse_location).query(
            "SELECT paper_ids FROM llm_calls WHERE status = 'ok'"
        )
    )
    assert len(ok_calls) == SUMMARIZE_TOP and set(ok_calls.values()) == {1}
    # The rerun pays for exactly the papers whose answer was not stored: nothing stored twice.
    assert total_answered - answered_to_killed_run == SUMMARIZE_TOP - stored_by_killed_run
    if stage == "fulltext":
        assert 1 <= texts_stored_by_killed_run < FULLTEXT_TOP
    # Each full text was fetched once, bar the one on its way at the kill.
    fetched = Counter(path.rsplit("/", 1)[1] for path in fulltexts.requests.elements())
    assert len(fetched) == FULLTEXT_TOP and sum(fetched.values()) <= FULLTEXT_TOP + (stage == "fulltext")
    if stage == "summaries":
        assert answered_before_kill >= 4 and stored_by_killed_run >= 1
        # Lost at the kill: the calls in flight, and answers received but not yet committed
        # (one write batch); SIGTERM lets the writer commit what had arrived.
        lost = answered_to_killed_run - stored_by_killed_run
        assert lost <= (CONCURRENCY if sig == signal.SIGTERM else 2 * CONCURRENCY), lost
    # The killed run was found dead (SIGKILL) or ended itself (SIGTERM); either way it blocked nothing.
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        statuses = [r.dagster_run.status for r in instance.get_run_records()]
        for pool in ("arxiv_api", "llm"):
            assert not instance.event_log_storage.get_concurrency_info(pool).claimed_slots
    assert statuses == [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
    if sig == signal.SIGKILL:
        assert "had died" in rerun, rerun
    assert rerun_seconds < 120


# A lab: Bo reads Ana's papers in Chinese, so each paper is summarized twice (once per language).
LAB_READERS = [{"name": "ana"}, {"name": "bo", "summary": {"language": "zh"}}]


def _lab_state(config: Path) -> tuple[dict, dict]:
    cfg = load_config(config)
    tables = {r["name"]: _table_rows(cfg.warehouse_location, r["name"]) for r in LAB_READERS}
    files = {
        f"{r['name']}/{f}": (cfg.output_dir / "readers" / r["name"] / f).read_bytes()
        for r in LAB_READERS
        for f in OUTPUTS
    }
    return tables, files


def test_a_lab_killed_during_a_readers_run_then_rerun_gives_the_uninterrupted_result(
    tmp_path: Path, fulltexts: FakeFulltext
) -> None:
    """A lab's day is the fetch's run, then a run per reader: kill -9 during Bo's summaries (Ana's
    run done), then `run` again: the same rows and files as a lab run never interrupted, and no
    summary paid twice."""
    fulltexts.requests.clear()
    fulltexts.faults.clear()
    fulltexts.slow_s = 1.0
    for folder in ("reference", "killed"):
        (tmp_path / folder).mkdir()
    with FakeArxiv(None) as arxiv, FakeOpenAI() as llm:
        reference = tmp_path / "reference"
        config = _config(reference, arxiv, llm, fulltexts, readers=LAB_READERS)
        _finish(_start(config, reference / "home"))
    expected = _lab_state(config)

    fulltexts.requests.clear()
    root, home = tmp_path / "killed", tmp_path / "killed" / "home"
    with FakeArxiv(None) as arxiv, FakeOpenAI(latency_s=0.4) as llm:
        config = _config(root, arxiv, llm, fulltexts, readers=LAB_READERS)
        proc = _start(config, home)
        # Ana's ten summaries, then some of Bo's.
        _wait_until(lambda: llm.completed >= SUMMARIZE_TOP + 5, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        deadline = time.monotonic() + 30
        while llm.in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
        answered_to_killed_run = llm.completed
        stored_by_killed_run = _stored(load_config(config).warehouse_location, "summary_cache")
        rerun = _finish(_start(config, home), timeout=180)
        total_answered = llm.completed

    assert _lab_state(config) == expected
    # Killed in Bo's run: Ana's summaries all stored, Bo's not all answered.
    assert stored_by_killed_run >= SUMMARIZE_TOP and answered_to_killed_run < 2 * SUMMARIZE_TOP, (
        stored_by_killed_run,
        answered_to_killed_run,
    )
    # The rerun paid only for the summaries the killed run had not stored: nothing twice.
    assert total_answered - answered_to_killed_run == 2 * SUMMARIZE_TOP - stored_by_killed_run
    # In the call log, each paper was paid for once per language.
    ok_calls = Counter(
        tuple(r["paper_ids"])
        for r in open_warehouse(load_config(config).warehouse_location).query(
            "SELECT paper_ids FROM llm_calls WHERE status = 'ok'"
        )
    )
    assert len(ok_calls) == SUMMARIZE_TOP and set(ok_calls.values()) == {2}
    assert "had died" in rerun, rerun
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = [r.dagster_run for r in instance.get_run_records()]
        for pool in ("arxiv_api", "llm"):
            assert not instance.event_log_storage.get_concurrency_info(pool).claimed_slots
    # Killed: fetch and Ana succeeded, Bo's run failed (found dead); the rerun's three succeeded.
    by_partition = Counter((r.tags["dagster/partition"], r.status) for r in runs)
    assert by_partition == Counter(
        {
            ("2026-11-17", dg.DagsterRunStatus.SUCCESS): 2,
            ("2026-11-17|ana", dg.DagsterRunStatus.SUCCESS): 2,
            ("2026-11-17|bo", dg.DagsterRunStatus.SUCCESS): 1,
            ("2026-11-17|bo", dg.DagsterRunStatus.FAILURE): 1,
        }
    )
