"""A write that fails reports its own cause: the rollback after it must not replace the error
with "cannot rollback - no transaction is active"."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline_tests.conftest import ConfigFactory


def test_a_commit_that_fails_reports_its_own_error(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "store.duckdb")
    with store.connect() as other:
        other.execute("CREATE TABLE keys (k INTEGER PRIMARY KEY)")
        other.execute("BEGIN TRANSACTION")
        # Another writer commits the same key first: this COMMIT fails and ends the transaction.
        failed = pytest.raises(duckdb.TransactionException, match="Failed to commit")
        with failed, store._transaction() as conn:
            other.execute("INSERT INTO keys VALUES (1)")
            conn.execute("INSERT INTO keys VALUES (1)")
            other.execute("COMMIT")
    with store._transaction() as conn:  # and nothing is left blocking the next write
        conn.execute("INSERT INTO keys VALUES (2)")
    with store.connect() as conn:
        assert conn.execute("SELECT k FROM keys ORDER BY k").fetchall() == [(1,), (2,)]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system (tmpfs): where mounting is not allowed, the test is skipped."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_reported_as_a_full_disk(
    config_files: ConfigFactory, tiny_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_files.write(storage={"database": str(tiny_disk / "warehouse.duckdb")})
    (tiny_disk / "filler").write_bytes(b"\0" * 900_000)
    code = main(["--config", str(path), "run", "--date", "2026-11-17"])
    out, err = capsys.readouterr()
    assert code in (1, 2), out + err
    assert "No space left on device" in out + err
    assert "cannot rollback" not in out + err
