"""Weekends and holidays: only announcement days are partitions, a holiday is recorded as a day
without an announcement and never becomes the newest digest, and the CLI refuses other dates."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.partitions import announcement_days, announcement_partitions
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR, build_day
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for

# A weekday made a holiday in a copy of the recordings: every feed rebuilt empty.
HOLIDAY = date(2026, 11, 19)


def test_partitions_are_announcement_days_only() -> None:
    at = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # a Monday, after Sunday evening's announcement
    keys = announcement_days.get_partition_keys(current_time=at)
    assert keys[0] == "2024-01-01" and keys[-1] == "2026-11-23"
    assert all(date.fromisoformat(k).weekday() < 5 for k in keys)
    # 2024-01-01 .. 2026-11-23 holds 1,058 dates, of which 302 are Saturdays and Sundays.
    assert len(keys) == 1058 - 302
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert announcement_days.get_partition_keys(current_time=saturday)[-1] == "2026-11-20"
    later = announcement_partitions(date(2026, 11, 2))
    assert later.get_partition_keys(current_time=at)[:2] == ["2026-11-02", "2026-11-03"]


def _recordings_with_a_holiday(root: Path) -> Path:
    shutil.copytree(SYNTHETIC_DAYS_DIR / DAY_1.isoformat(), root / DAY_1.isoformat())
    build_day(root, HOLIDAY.isoformat(), [])
    return root


def test_a_holiday_never_becomes_the_newest_day(
    config_files: ConfigFactory, materialize_day: Materialize, tmp_path: Path
) -> None:
    replay = _recordings_with_a_holiday(tmp_path / "recordings")
    path = config_files.write(source={"replay_dir": str(replay)})
    out = config_files.root / "data" / "digests"
    materialize_day(path, DAY_1)
    newest = {name: (out / name).read_bytes() for name in ("README.md", "daily_digest.md")}
    site = out / "site"
    index, atom = (site / "index.html").read_text(), (site / "feed.atom.xml").read_text()

    materialize_day(path, HOLIDAY)

    said = "arXiv made no announcement on Thursday, 19 November 2026 (a holiday)"
    for name in ("README.md", "daily_digest.md"):
        assert said in (out / HOLIDAY.isoformat() / name).read_text()
        assert (out / name).read_bytes() == newest[name]  # still the last real day
    assert said in (site / f"{HOLIDAY.isoformat()}.html").read_text()
    assert "No paper matched" not in (out / HOLIDAY.isoformat() / "README.md").read_text()
    assert (site / "index.html").read_text() == index  # no "0 · 0 · 0" row
    assert (site / "feed.atom.xml").read_text() == atom  # `updated` did not move
    store = warehouse_for(path)
    assert {r["status"] for r in store.read_day("feed_reports", HOLIDAY)} == {"empty"}
    assert store.latest_digest_day("readme") == DAY_1


def test_the_cli_refuses_weekends_and_days_out_of_range(
    config_files: ConfigFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_files.write()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["run", "--date", "2026-11-21", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "2026-11-21 is a Saturday" in err and "2026-11-20 (Fri) and 2026-11-23 (Mon)" in err
    assert main(["run", "--date", "2023-12-29", "--config", str(path)]) == 2
    assert "before automation.first_day (2024-01-01)" in capsys.readouterr().err
    assert main(["run", "--date", "2099-01-02", "--config", str(path)]) == 2
    assert "has not been announced yet" in capsys.readouterr().err
    assert not (config_files.root / "data").exists() and not (tmp_path / "home").exists()
