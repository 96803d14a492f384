from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from arxiv_pipeline.definitions import defs

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_definitions_hold_the_whole_lineage() -> None:
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {
        "arxiv_listings",
        "candidate_papers",
        "paper_scores",
        "paper_summaries",
        "digest_markdown",
        "daily_digest",
        "digest_export",
        "digest_feeds",
        "digest_site",
    }
    parents = {
        k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys}
        for k in graph.get_all_asset_keys()
    }
    assert parents["candidate_papers"] == {"arxiv_listings"}
    assert parents["paper_scores"] == {"candidate_papers"}
    assert parents["paper_summaries"] == {"paper_scores"}
    assert parents["digest_markdown"] == parents["daily_digest"] == {"paper_summaries"}
    assert parents["digest_export"] == {"paper_summaries"}
    assert parents["digest_feeds"] == parents["digest_site"] == {"digest_markdown"}
    job = defs.resolve_job_def("daily_digest_job")
    assert job.partitions_def is not None
    assert "2026-11-17" in job.partitions_def.get_partition_keys(
        dynamic_partitions_store=None, current_time=__import__("datetime").datetime(2026, 11, 22)
    )


def test_dagster_cli_validates_the_workspace(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful" in proc.stdout + proc.stderr


def test_core_never_imports_dagster() -> None:
    code = (
        "import sys, importlib, pkgutil, arxiv_pipeline.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'arxiv_pipeline.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('dagster' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_settings_come_from_the_environment(monkeypatch) -> None:
    from arxiv_pipeline.resources import default_settings

    monkeypatch.setenv("ARXIV_PIPELINE_CONFIG", "/somewhere/cfg.yaml")
    settings = default_settings()
    assert isinstance(settings.config_path, dg.EnvVar)
    monkeypatch.delenv("ARXIV_PIPELINE_CONFIG")
    assert isinstance(default_settings().config_path, str)
