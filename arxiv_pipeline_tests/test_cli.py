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
    config_files: ConfigFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
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
