"""The built site published to a folder and to a branch of a (local, bare) git repository:
nothing is written or committed when nothing changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2
from arxiv_pipeline_tests.delivery.conftest import Site

pytestmark = pytest.mark.slow


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_the_site_reaches_a_folder_and_a_branch_once_and_again_only_when_it_changed(
    site: Site, instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    remote = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(remote))
    www = tmp_path / "www"
    path = site.configure(
        [
            {"kind": "directory", "name": "www", "path": str(www)},
            {"kind": "git", "name": "pages", "repository": str(remote), "branch": "gh-pages"},
        ]
    )
    site.deliver(instance)
    built = site.root / "data" / "digests" / "site"
    for name in ("index.html", "2026-11-17.html", "feed.atom.xml", "assets/app.js"):
        assert (www / name).read_bytes() == (built / name).read_bytes()
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    assert {"index.html", "2026-11-17.html", "feed.rss.xml", ".nojekyll"} <= files
    assert git("rev-list", "--count", "gh-pages", cwd=remote).strip() == "1"
    assert git("log", "-1", "--format=%an <%ae> %s", "gh-pages", cwd=remote).strip() == (
        "arxiv-pipeline <arxiv-pipeline@localhost> arXiv digest for 2026-11-17"
    )
    ledger = site.ledger()
    assert ledger["pages"]["detail"].startswith(f"{len(files) - 1} files updated, 0 unchanged; pushed ")

    # Forced again with the same site: no file rewritten, no commit.
    mtimes = {p: p.stat().st_mtime_ns for p in www.rglob("*") if p.is_file()}
    site.deliver(instance, force=True)
    assert {p: p.stat().st_mtime_ns for p in www.rglob("*") if p.is_file()} == mtimes
    assert git("rev-list", "--count", "gh-pages", cwd=remote).strip() == "1"
    assert site.ledger()["pages"]["detail"].startswith("no change")
    assert site.ledger()["www"]["detail"].startswith("no change")

    # A new day changes the site: one more commit, and the folder gets the new files.
    with dg.DagsterInstance.ephemeral() as other:
        dg.materialize(
            ALL_ASSETS,
            partition_key=DAY_2.isoformat(),
            resources=pipeline_resources(config_path=str(path)),
            instance=other,
        )
    assert site.ledger(DAY_2)["pages"]["status"] == "sent"
    assert git("rev-list", "--count", "gh-pages", cwd=remote).strip() == "2"
    assert "2026-11-18.html" in git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert (www / "2026-11-18.html").is_file()
    assert site.ledger(DAY_1)["pages"]["status"] == "sent"  # the earlier day is not sent again


def test_a_push_that_fails_is_recorded_and_the_next_run_pushes(
    site: Site, instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    remote = tmp_path / "missing.git"
    site.configure([{"kind": "git", "name": "pages", "repository": str(remote)}], max_attempts=2)
    result = site.deliver(instance)
    [check] = result.get_asset_check_evaluations()
    assert not check.passed and "git fetch" in check.description
    assert site.ledger()["pages"]["attempts"] == 2
    git("init", "--quiet", "--bare", str(remote))
    site.deliver(instance)
    assert site.ledger()["pages"]["status"] == "sent"
    assert git("rev-list", "--count", "gh-pages", cwd=remote).strip() == "1"
