from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline_tests.conftest import ConfigFactory


def test_run_builds_the_sample_day_and_prints_where_it_is(
    config_files: ConfigFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_files.write()
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir(config_files.root)
    assert main(["--config", str(path), "run"]) == 0
    out = capsys.readouterr().out
    readme = config_files.root / "data" / "digests" / "2026-11-17" / "README.md"
    assert str(readme) in out and readme.exists()
    assert "digest_markdown" in out
    # The run landed in a persistent instance, so `dagster dev` can show it afterwards.
    assert (config_files.root / "data" / "dagster_home" / "dagster.yaml").exists()
    assert any((config_files.root / "data" / "dagster_home").rglob("*.db"))


def test_run_reports_a_bad_config_by_key(
    config_files: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_files.write(summary={"language": "elvish"})
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert "summary.language" in err and "'elvish'" in err


def test_missing_day_fails_with_the_cause(
    config_files: ConfigFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_files.write()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["--config", str(path), "run", "--date", "2026-11-20"]) == 1
    err = capsys.readouterr().err
    assert "FAILED arxiv_listings" in err and "no recorded arXiv day 2026-11-20" in err


def test_check_config(config_files: ConfigFactory, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_files.write()), "check-config"]) == 0
    assert "cs.AI, cs.CL, cs.LG" in capsys.readouterr().out


def test_backfill_builds_each_day_oldest_first_and_reports_failures(
    config_files: ConfigFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_files.write()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    # 19th and 20th were not recorded: they fail, the other days are still built.
    code = main(["--config", str(path), "backfill", "--start", "2026-11-17", "--end", "2026-11-22"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "4 of 6 days built" in out
    assert "FAILED 2026-11-19" in err and "FAILED 2026-11-20" in err
    digests = config_files.root / "data" / "digests"
    assert sorted(p.name for p in digests.iterdir() if p.is_dir() and p.name != "site") == [
        "2026-11-17",
        "2026-11-18",
        "2026-11-21",
        "2026-11-22",
    ]
    runs = [r for r in _runs(tmp_path / "home")]
    assert [r.tags["dagster/partition"] for r in runs] == [
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
        "2026-11-21",
        "2026-11-22",
    ]


def _runs(home: Path) -> list:
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        return list(reversed(instance.get_runs()))


def test_an_unwritable_database_stops_the_run_before_anything_is_written(
    config_files: ConfigFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the database folder should be")
    path = config_files.write(storage={"database": str(blocker / "db.duckdb")})
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert "storage.database" in err and "cannot write" in err and "Traceback" not in err
    assert not home.exists() and not (config_files.root / "data").exists()
