"""The DuckDB file's single-writer lock: another process holding it makes a connection wait (not
fail), and the wait is counted for the benchmark's lock report."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from arxiv_pipeline.core.store import LOCK_WAITS, StoreBusyError, Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

HOLD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_connection_waits_for_another_process_and_the_wait_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse(path).query("SELECT 1 AS one")  # the file and its tables exist
    before = LOCK_WAITS.as_dict()
    holder = _hold(path, 1.5)
    started = time.monotonic()
    assert Warehouse(path).query("SELECT count(*) AS n FROM digests") == [{"n": 0}]
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    after = LOCK_WAITS.as_dict()
    assert waited >= 0.5
    assert after["waits"] == before["waits"] + 1
    assert after["total_s"] - before["total_s"] == pytest.approx(waited, abs=0.3)
    assert after["max_s"] >= waited - 0.3


def test_a_file_held_past_the_timeout_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse(path).query("SELECT 1 AS one")
    holder = _hold(path, 3.0)
    with pytest.raises(StoreBusyError, match="stayed locked by another process for 1s"):
        Warehouse(path, lock_timeout_s=1.0).query("SELECT 1 AS one")
    holder.wait(timeout=30)
