from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core.config import parse_config
from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.definitions import defs
from arxiv_pipeline.defs.stages import assets_for
from arxiv_pipeline.resources import default_resources
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_definitions_hold_the_whole_lineage() -> None:
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {
        "arxiv_listings",
        "candidate_papers",
        "reader_profile",
        "paper_scores",
        "paper_fulltext",
        "paper_summaries",
        "digest_markdown",
        "daily_digest",
        "digest_export",
        "site_day_page",
        "site_index",
        "digest_feeds",
        "digest_delivery",
    }
    parents = {
        k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys}
        for k in graph.get_all_asset_keys()
    }
    assert parents["candidate_papers"] == {"arxiv_listings"}
    # What earlier days showed is part of a day's ranking: paper_scores depends on its previous day,
    # and on what the reader likes (the stored history is the profile's background).
    assert parents["paper_scores"] == {"candidate_papers", "paper_scores", "reader_profile"}
    assert parents["reader_profile"] == {"arxiv_listings"}
    assert parents["paper_fulltext"] == {"paper_scores"}
    assert parents["paper_summaries"] == {"paper_fulltext"}
    assert parents["digest_markdown"] == parents["daily_digest"] == {"paper_summaries"}
    assert parents["digest_export"] == {"paper_summaries"}
    assert parents["site_day_page"] == parents["digest_feeds"] == {"digest_markdown"}
    assert parents["site_index"] == {"site_day_page"}
    # Delivery waits for everything a target may send: the digest, the day's page, the site, the feeds.
    assert parents["digest_delivery"] == {"digest_markdown", "site_day_page", "site_index", "digest_feeds"}
    job = defs.resolve_job_def("daily_digest_job")
    assert job.partitions_def is not None
    assert "2026-06-24" in job.partitions_def.get_partition_keys(  # the bundled day
        dynamic_partitions_store=None, current_time=__import__("datetime").datetime(2026, 11, 22)
    )


def test_all_days_outputs_are_not_partitioned_and_the_rest_are() -> None:
    synthetic = parse_config({"source": {"replay_dir": str(SYNTHETIC_DAYS_DIR)}})
    graph = dg.Definitions(assets=assets_for(synthetic), resources=default_resources()).resolve_asset_graph()
    unpartitioned = {
        k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).is_partitioned
    }
    assert unpartitioned == {"site_index", "digest_feeds", "reader_profile"}
    scores = graph.get(dg.AssetKey("paper_scores"))
    mapping = scores.partition_mappings[dg.AssetKey("paper_scores")]
    assert mapping.get_upstream_mapped_partitions_result_for_partitions(
        scores.partitions_def.subset_with_partition_keys(["2026-11-18"]),
        scores.partitions_def,
        scores.partitions_def,
    ).partitions_subset.get_partition_keys() == ["2026-11-17"]


def test_every_asset_declares_its_version_owner_and_tables() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.code_version, key
        assert node.owners == ["team:arxiv-pipeline"], key
    for name in ("arxiv_listings", "candidate_papers", "paper_scores", "paper_summaries", "digest_markdown"):
        schema = graph.get(dg.AssetKey(name)).metadata["dagster/column_schema"]
        columns = {c.name for c in schema.columns}
        assert {"announce_date", "run_id"} <= columns, name
    listing_columns = {
        c.name for c in graph.get(dg.AssetKey("arxiv_listings")).metadata["dagster/column_schema"].columns
    }
    # The paper's fields, declared once, are the table's paper columns.
    assert {f.name for f in __import__("dataclasses").fields(Listing)} <= listing_columns


def _tool_output(home: Path, *command: str, config: Path | None = None) -> str:
    """Run one of the venv's Dagster tools from the repository root; its output, if it succeeded."""
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    if config is not None:
        env["ARXIV_PIPELINE_CONFIG"] = str(config)
    proc = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_dagster_cli_validates_the_workspace(tmp_path: Path) -> None:
    assert "Validation successful" in _tool_output(
        tmp_path, "dagster", "definitions", "validate", "-w", "workspace.yaml"
    )


def test_core_never_imports_dagster() -> None:
    code = (
        "import sys, importlib, pkgutil, arxiv_pipeline.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'arxiv_pipeline.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('dagster' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_resources_come_from_the_environment(monkeypatch) -> None:
    from arxiv_pipeline.resources import default_resources

    monkeypatch.setenv("ARXIV_PIPELINE_CONFIG", "/somewhere/cfg.yaml")
    monkeypatch.setenv("ARXIV_PIPELINE_LLM_API_KEY", "sk-test")
    resources = default_resources()
    assert set(resources) == {"config_file", "warehouse", "paper_source", "llm"}
    assert isinstance(resources["config_file"].path, dg.EnvVar)
    assert isinstance(resources["llm"].api_key, dg.EnvVar)
    monkeypatch.delenv("ARXIV_PIPELINE_CONFIG")
    monkeypatch.delenv("ARXIV_PIPELINE_LLM_API_KEY")
    resources = default_resources()
    assert isinstance(resources["config_file"].path, str)
    assert resources["llm"].api_key is None


def test_dg_checks_the_definitions(tmp_path: Path) -> None:
    assert "All definitions loaded successfully" in _tool_output(tmp_path, "dg", "check", "defs")


def test_a_broken_config_never_stops_the_code_location_from_loading(tmp_path: Path) -> None:
    """An hour of 25 once passed the config check and then broke the UI; now the config check
    refuses it, and the definitions still load (on the defaults, saying why)."""
    bad = tmp_path / "arxiv_pipeline.yaml"
    bad.write_text('automation:\n  schedule_cron: "30 25 * * *"\n', encoding="utf-8")
    out = _tool_output(tmp_path, "dagster", "definitions", "validate", "-w", "workspace.yaml", config=bad)
    assert "Validation successful" in out
    assert "automation.schedule_cron" in out and "hour (0-23)" in out


_LOADED = """
import json, datetime
from arxiv_pipeline.definitions import defs
job = defs.resolve_job_def("daily_digest_job")
keys = job.partitions_def.get_partition_keys(current_time=datetime.datetime(2026, 12, 2))
repo = defs.get_repository_def()
sensors = {s.name: s.default_status.value for s in repo.sensor_defs}
schedule = defs.resolve_schedule_def("daily_digest_schedule")
print(json.dumps({"keys": keys, "sensors": sensors, "cron": schedule.cron_schedule}))
"""


def _loaded(tmp_path: Path, config_text: str, **env: str) -> dict:
    import json

    config = tmp_path / "arxiv_pipeline.yaml"
    config.write_text(config_text, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ARXIV_PIPELINE", "OPENAI"))}
    environ.update(ARXIV_PIPELINE_CONFIG=str(config), **env)
    done = subprocess.run(
        [sys.executable, "-c", _LOADED],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_offline_the_partitions_are_the_recorded_days_and_only_useful_sensors_start(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "categories: [cs.AI, cs.CL, cs.LG]\n")
    # The bundled day alone, not the 763 from 2024-01-01 that a click on "Missing" would queue;
    # the synthetic days (17, 18 and 27 November) bound theirs: nine weekdays.
    assert loaded["keys"] == ["2026-06-24"]
    synthetic = _loaded(tmp_path, f"source:\n  replay_dir: {SYNTHETIC_DAYS_DIR}\n")
    assert synthetic["keys"][0] == "2026-11-17" and synthetic["keys"][-1] == "2026-11-27"
    assert len(synthetic["keys"]) == 9
    assert loaded["sensors"] == {
        "announcement_sensor": "STOPPED",  # nothing is announced offline
        "config_change_sensor": "STOPPED",  # rebuilding on a saved file surprises a new user
        "failed_summary_sensor": "STOPPED",  # extractive summaries do not fail
        "failed_fulltext_sensor": "STOPPED",
        "failed_delivery_sensor": "STOPPED",  # no targets
        "reader_profile_sensor": "RUNNING",  # a rating refits the profile
        "run_failure_recorder": "RUNNING",
        "dead_run_reaper": "RUNNING",
    }
    assert loaded["cron"] == "30 0 * * 1-5"  # no weekend ticks that only skip


def test_live_with_an_llm_and_targets_every_sensor_that_can_act_starts(tmp_path: Path) -> None:
    loaded = _loaded(
        tmp_path,
        "source:\n  kind: arxiv\nautomation:\n  rebuild_on_config_change: true\n"
        "delivery:\n  targets:\n    - kind: directory\n      name: copy\n      path: out\n",
        OPENAI_API_KEY="sk-test",
    )
    assert loaded["keys"][0] == "2024-01-01" and len(loaded["keys"]) > 700
    assert set(loaded["sensors"].values()) == {"RUNNING"}
    explicit = _loaded(tmp_path, "automation:\n  first_day: 2026-11-02\n")
    assert explicit["keys"][0] == "2026-11-02" and explicit["keys"][-1] == "2026-12-02"
