"""A git delivery target cannot make git run a command, and a token in its URL is never stored or
logged: with the real git binary against local bare repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import dagster as dg
import pytest
import yaml

from arxiv_pipeline.core.config import ConfigError, GitTarget, load_config, parse_config
from arxiv_pipeline.core.deliver import DeliveryError
from arxiv_pipeline.core.deliver.site_copy import public_url, push_site
from arxiv_pipeline_tests.delivery.conftest import Site

TOKEN = "ghp_s3cretT0kenValue42"


def injections(marker: Path) -> list[dict[str, str]]:
    command = f"--upload-pack=touch {marker};true"
    return [
        {"repository": "REMOTE", "branch": command},
        {"repository": command, "branch": "gh-pages"},
        {"repository": f"ext::sh -c touch% {marker}", "branch": "gh-pages"},
    ]


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("case", [0, 1, 2])
def test_an_option_or_a_remote_helper_in_a_git_target_is_refused_by_the_config(
    case: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = injections(tmp_path / "pwned")[case]
    values = {k: v.replace("REMOTE", str(tmp_path / "pages.git")) for k, v in values.items()}
    target = {"kind": "git", "name": "pages", **values}
    key = "branch" if case == 0 else "repository"
    with pytest.raises(ConfigError, match=rf"delivery\.targets\.0\.git\.{key}"):
        parse_config({"delivery": {"targets": [target]}})
    # The same value through the environment and through a reader's own delivery section.
    path = tmp_path / "arxiv_pipeline.yaml"
    path.write_text("categories: [cs.CL]\n", encoding="utf-8")
    monkeypatch.setenv("ARXIV_PIPELINE__DELIVERY__TARGETS", yaml.safe_dump([target]))
    with pytest.raises(ConfigError, match=key):
        load_config(path)
    monkeypatch.delenv("ARXIV_PIPELINE__DELIVERY__TARGETS")
    with pytest.raises(ConfigError, match=key):
        parse_config({"readers": [{"name": "ana", "delivery": {"targets": [target]}}]})
    assert not (tmp_path / "pwned").exists()


@pytest.mark.slow  # builds the sample days' site
@pytest.mark.parametrize("case", [0, 1, 2])
def test_push_site_runs_no_command_even_for_a_target_that_skipped_validation(
    case: int, site: Site, tmp_path: Path
) -> None:
    remote = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(remote))
    marker = tmp_path / "pwned"
    values = {k: v.replace("REMOTE", str(remote)) for k, v in injections(marker)[case].items()}
    target = GitTarget.model_construct(kind="git", name="pages", author="a <a@b>", **values)
    built = site.root / "data" / "digests" / "site"
    with pytest.raises(DeliveryError) as raised:
        push_site(built, target, tmp_path / "work", "arXiv digest")
    assert not marker.exists()
    assert not raised.value.retriable  # refused before git ran, not a failure worth retrying
    assert git("for-each-ref", cwd=remote) == ""  # nothing pushed either


@pytest.mark.slow  # builds the sample days' site
def test_a_branch_that_looks_odd_but_is_a_plain_name_still_publishes(site: Site, tmp_path: Path) -> None:
    remote = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(remote))
    target = GitTarget(kind="git", name="pages", repository=str(remote), branch="site/v1-pages")
    built = site.root / "data" / "digests" / "site"
    assert push_site(built, target, tmp_path / "work", "arXiv digest").revision
    assert "refs/heads/site/v1-pages" in git("for-each-ref", cwd=remote)


@pytest.mark.slow  # builds the sample days' site
def test_a_token_in_the_git_url_is_blanked_in_the_ledger_and_the_run_logs(
    site: Site, instance: dg.DagsterInstance
) -> None:
    url = f"http://bot:{TOKEN}@127.0.0.1:9/site.git"
    site.configure([{"kind": "git", "name": "pages", "repository": url}], max_attempts=1)
    site.deliver(instance)
    row = site.ledger()["pages"]
    assert row["status"] == "failed"
    assert "http://***@127.0.0.1:9/site.git" in row["detail"] and TOKEN not in row["detail"]
    for record in instance.get_records_for_run(instance.get_runs()[0].run_id).records:
        assert TOKEN not in str(record.event_log_entry)
    with site.store.connect() as conn:
        for (table,) in conn.execute("SELECT table_name FROM information_schema.tables").fetchall():
            assert TOKEN not in str(conn.execute(f'SELECT * FROM "{table}"').fetchall()), table


def test_public_url_blanks_user_and_password_only() -> None:
    assert (
        public_url(f"https://bot:{TOKEN}@git.example.org/site.git") == "https://***@git.example.org/site.git"
    )
    assert public_url("git@github.com:me/site.git") == "git@github.com:me/site.git"
    assert public_url("/srv/pages.git") == "/srv/pages.git"
