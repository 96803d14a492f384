"""The warehouse on PostgreSQL (``storage.database: postgresql://...``), against a real server: the
same rows and digests as the DuckDB file, days built in several processes at once (readers
included) with no summary paid twice, delivery claims that hold across processes, and the
password kept out of everything written."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.config import ConfigError, load_config
from arxiv_pipeline.core.store import TABLES, open_warehouse, table_columns
from arxiv_pipeline.core.store.postgres import PostgresWarehouse, WarehouseUnavailableError
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.fakes.postgres_server import PASSWORD, USER, PostgresServer
from arxiv_pipeline_tests.test_backfill_in_flight import (
    DAYS,
    _backfill,
    _max_in_flight,
    _picks,
    _project,
    _recordings,
)

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

# When and by which run a row was written: differs between any two runs, whatever the store.
VOLATILE = {
    "run_id",
    "fetched_at",
    "decided_at",
    "scored_at",
    "created_at",
    "rendered_at",
    "updated_at",
    "written_at",
    "recorded_at",
    "seconds",
    "built_at",
    "delivered_at",
    # What a published file was made from: the stores' own row hashes, which differ by design.
    "inputs",
}
READERS = [
    {"name": "ana"},
    {"name": "bo", "keywords": {"include": ["graph learning", "retrieval"]}},
]


@pytest.fixture()
def warehouse_url(
    postgres: PostgresServer, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A fresh database for each test; the password only in the environment, as users give it."""
    name = "wh_" + request.node.name.removeprefix("test_")[:40]
    postgres.create_database(name)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return f"postgresql://{USER}@127.0.0.1:{postgres.port}/{name}"


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _contents(
    location: str | Path, reader: str | None = None, leave_out: set[str] = VOLATILE
) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (less when and by which run they were written), in a stable order."""
    store = open_warehouse(location, reader=reader)
    found = {}
    for table in TABLES:
        columns = [c for c, _, _ in table_columns(table) if c not in leave_out]
        rows = store.query(f"SELECT {', '.join(columns)} FROM {table}")
        found[table] = sorted((tuple(_normal(r[c]) for c in columns) for r in rows), key=repr)
    return found


def test_days_on_postgres_store_what_duckdb_stores(
    config_files: ConfigFactory, materialize_day: Materialize, warehouse_url: str, tmp_path: Path
) -> None:
    # The same two sample days, once into a DuckDB file and once into PostgreSQL, each time into
    # the same output folder (the feeds name it); the DuckDB run's files are then moved aside.
    out = tmp_path / "out"
    results = {}
    for kind, database in (("duckdb", str(tmp_path / "digest.duckdb")), ("postgres", warehouse_url)):
        path = config_files.write(storage={"database": database, "output_dir": str(out)})
        for day in (DAY_1, DAY_2):
            assert materialize_day(path, day).success
        results[kind] = (database, tmp_path / kind, path)
        out.rename(tmp_path / kind)

    duck, pg = (_contents(database) for database, _, _ in results.values())
    for found in (duck, pg):
        # papers.jsonl holds the run ids, so its hash differs between any two runs.
        found["published_files"] = [
            (path, None, size) if path.endswith("papers.jsonl") else (path, sha, size)
            for path, sha, size in found["published_files"]
        ]
    assert sum(len(rows) for rows in pg.values()) > 100
    for table in TABLES:
        assert pg[table] == duck[table], table
    for day in (DAY_1, DAY_2):
        for name in ("README.md", "daily_digest.md"):
            files = [(folder / day.isoformat() / name).read_text() for _, folder, _ in results.values()]
            assert files[0] == files[1], (day, name)

    # A rerun with nothing changed rewrites nothing: the stored rows keep the run that made them.
    database, _, path = results["postgres"]
    (tmp_path / "postgres").rename(out)
    store = open_warehouse(database)
    before = store.query("SELECT kind, run_id, rendered_at FROM digests ORDER BY 1, 2")
    written = store.query("SELECT path, written_at FROM published_files ORDER BY 1")
    assert materialize_day(path, DAY_2).success
    assert store.query("SELECT kind, run_id, rendered_at FROM digests ORDER BY 1, 2") == before
    assert store.query("SELECT path, written_at FROM published_files ORDER BY 1") == written

    # The reader's ratings from the command line land in PostgreSQL too.
    assert main(["--config", str(path), "rate", "2611.10001", "up"]) == 0
    assert main(["--config", str(path), "rate", "2611.10001", "down"]) == 0
    assert {k: v["rating"] for k, v in store.current_ratings().items()} == {"2611.10001": -1}

    # The password was only ever in the environment.
    assert PASSWORD not in path.read_text()
    for file in out.rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), file


def test_backfill_with_runs_in_flight_on_postgres_for_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three processes write the warehouse at once (no single-writer lock to queue on), for two
    readers whose tables are their own schemas; the result is a one-day-at-a-time DuckDB backfill's."""
    monkeypatch.setenv("BACKFILL_LLM_KEY", "sk-backfill-test")
    recordings = _recordings(tmp_path)
    with FakeOpenAI(latency_s=0.3) as llm:
        serial_root = tmp_path / "serial"
        serial_root.mkdir()
        config = _project(serial_root, recordings, llm.base_url, readers=READERS)
        _backfill(serial_root, config, monkeypatch)
        serial_calls = llm.calls_for("summary")

        flight_root = tmp_path / "in_flight"
        flight_root.mkdir()
        config = _project(flight_root, recordings, llm.base_url, database=warehouse_url, readers=READERS)
        runs = _backfill(flight_root, config, monkeypatch, "--runs-in-flight", "3")
        assert llm.calls_for("summary") == 2 * serial_calls
    out = capsys.readouterr().out
    assert "5 of 5 announcement days built" in out
    # A run per reader and day (after each day's shared fetch), every (day, reader) partition once.
    partitions = [r.dagster_run.tags["dagster/partition"] for r in runs]
    assert sorted(partitions) == sorted(f"{d}|{name}" for d in DAYS for name in ("ana", "bo"))
    assert _max_in_flight(runs) >= 2

    serial_db = serial_root / "digest.duckdb"
    for reader in ("ana", "bo"):
        assert _picks(warehouse_url, reader) == _picks(serial_db, reader), reader
        for day in DAYS:
            readme = Path("readers") / reader / day.isoformat() / "README.md"
            assert (flight_root / "out" / readme).read_text() == (serial_root / "out" / readme).read_text()
    assert _picks(warehouse_url, "ana") != _picks(warehouse_url, "bo")
    # One paid summary per paper version, model, prompt and language, across readers and runs.
    shared = open_warehouse(warehouse_url)
    keys = shared.query(
        "SELECT count(*) AS calls, count(DISTINCT (arxiv_id, version, language)) AS keys FROM summary_cache"
    )[0]
    logged = shared.query("SELECT count(*) AS n FROM llm_calls WHERE purpose = 'summary'")[0]["n"]
    assert keys["calls"] == keys["keys"] == logged == serial_calls


def test_one_delivery_claim_wins_across_connections(warehouse_url: str) -> None:
    """Two runs claim the same day's send at the same moment, over and over: exactly one wins each
    time (on DuckDB the single writer guarantees it; here a lock on the row's key does)."""
    stores = [open_warehouse(warehouse_url), open_warehouse(warehouse_url)]
    stores[0].query("SELECT 1")  # the schema, made once
    for round_ in range(15):
        day = date(2026, 10, 1 + round_)
        barrier = threading.Barrier(2)
        won: list[str] = []

        def claim(
            store: Any, run: str, day: date = day, barrier: threading.Barrier = barrier, won: list[str] = won
        ) -> None:
            row = {
                "announce_date": day,
                "target": "lab-mail",
                "kind": "email",
                "status": "sending",
                "attempts": 1,
                "papers": 3,
                "message_id": f"<{run}@test>",
                "run_id": run,
                "updated_at": datetime.now(UTC),
            }
            barrier.wait()
            if store.claim_delivery(row, force=False, lease_s=600) is None:
                won.append(run)

        threads = [threading.Thread(target=claim, args=(s, f"run-{i}")) for i, s in enumerate(stores)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1, (round_, won)
        assert stores[0].delivery(day, "lab-mail")["run_id"] == won[0]


def test_two_runs_replacing_the_same_day_go_one_after_the_other(warehouse_url: str) -> None:
    """On DuckDB one process writes at a time; here two runs of one day (the schedule and a manual
    run, say) replace the same rows at once: neither fails, and one run's rows are left whole."""
    stores = [open_warehouse(warehouse_url), open_warehouse(warehouse_url)]
    stores[0].query("SELECT 1")
    day = date(2026, 11, 17)
    errors: list[BaseException] = []
    for round_ in range(10):
        barrier = threading.Barrier(2)

        def replace(store: Any, run: str, barrier: threading.Barrier = barrier) -> None:
            # Enough rows that the two transactions overlap.
            rows = [
                {
                    "category": f"cat.{i:04d}",
                    "status": "ok",
                    "items": i,
                    "source": run,
                    "fetched_at": datetime.now(UTC),
                    "run_id": run,
                }
                for i in range(2000)
            ]
            barrier.wait()
            try:
                store.replace_day("feed_reports", day, rows)
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)

        threads = [
            threading.Thread(target=replace, args=(s, f"run-{round_}-{i}")) for i, s in enumerate(stores)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        rows = stores[0].query("SELECT run_id FROM feed_reports WHERE announce_date = ?", [day])
        assert len(rows) == 2000 and len({r["run_id"] for r in rows}) == 1, round_


def test_store_round_trips_and_errors(warehouse_url: str, config_files: ConfigFactory) -> None:
    store = open_warehouse(warehouse_url)
    assert isinstance(store, PostgresWarehouse)
    # A fitted model (bytes) comes back as bytes; the newest rating wins, ties by write order.
    model = bytes(range(256)) * 40
    profile = {
        "fingerprint": "f1",
        "kind": "tfidf",
        "ranker": "tfidf",
        "library_entries": 1,
        "ratings_up": 0,
        "ratings_down": 0,
        "metrics": "{}",
        "model": model,
        "built_at": datetime.now(UTC),
    }
    store.save_reader_profile(profile, [])
    assert store.reader_profile()["model"] == model
    at = datetime(2026, 11, 20, tzinfo=UTC)
    for rating in (1, -1, 1):
        store.rate("2611.00001", 1, rating, "cli", at)
    assert store.current_ratings()["2611.00001"]["rating"] == 1

    # A password in the URL is refused by key, with the fix; so is a URL naming no database.
    with_password = warehouse_url.replace(f"{USER}@", f"{USER}:{PASSWORD}@")
    for url, fix in ((with_password, "PGPASSWORD"), ("postgresql://u@localhost", "names no database")):
        config_files.write(storage={"database": url})
        with pytest.raises(ConfigError) as err:
            load_config(config_files.path)
        assert "storage.database" in str(err.value) and fix in str(err.value)
        assert PASSWORD not in str(err.value)

    # No server there: a clear error naming the URL, after waiting out the configured time.
    gone = PostgresWarehouse("postgresql://u@127.0.0.1:9/nowhere", lock_timeout_s=1)
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailableError, match="cannot connect to the warehouse postgresql://u@"):
        gone.query("SELECT 1")
    assert time.monotonic() - started < 15


def test_copy_warehouse_moves_a_lab_into_postgres_and_it_carries_on(
    config_files: ConfigFactory,
    warehouse_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    duck = tmp_path / "digest.duckdb"
    storage = {"database": str(duck), "output_dir": str(tmp_path / "out")}
    path = config_files.write(storage=storage, readers=READERS)
    for day in (DAY_1, DAY_2):
        assert main(["--config", str(path), "run", "--date", day.isoformat()]) == 0
    for rating in ("up", "down", "up"):
        assert main(["--config", str(path), "rate", "2611.10001", rating, "--reader", "bo"]) == 0
    capsys.readouterr()

    assert main(["--config", str(path), "copy-warehouse", "--to", warehouse_url]) == 0
    out = capsys.readouterr().out
    assert "bo/ratings" in out and f"set storage.database: {warehouse_url}" in out
    # Everything, provenance included, for the shared tables and each reader's.
    for reader in (None, "ana", "bo"):
        assert _contents(warehouse_url, reader, set()) == _contents(duck, reader, set()), reader
    assert open_warehouse(warehouse_url, reader="bo").current_ratings()["2611.10001"]["rating"] == 1

    # Copying again would mix two histories: refused unless asked to replace.
    assert main(["--config", str(path), "copy-warehouse", "--to", warehouse_url]) == 2
    assert "already holds rows" in capsys.readouterr().err
    assert main(["--config", str(path), "copy-warehouse", "--to", warehouse_url, "--replace"]) == 0
    assert _contents(warehouse_url, "ana", set()) == _contents(duck, "ana", set())
    assert main(["--config", str(path), "copy-warehouse", "--to", str(duck)]) == 2

    # The lab switches over: the next run of a built day finds nothing to redo.
    before = open_warehouse(warehouse_url, reader="ana").query(
        "SELECT kind, run_id, rendered_at FROM digests"
    )
    path = config_files.write(storage={**storage, "database": warehouse_url}, readers=READERS)
    assert main(["--config", str(path), "run", "--date", DAY_2.isoformat()]) == 0
    after = open_warehouse(warehouse_url, reader="ana").query("SELECT kind, run_id, rendered_at FROM digests")
    assert sorted(after, key=repr) == sorted(before, key=repr)
