from __future__ import annotations

import json
import sys
from pathlib import Path

import dagster as dg
import jsonschema
import pytest
import yaml

import arxiv_pipeline
from arxiv_pipeline import __version__
from arxiv_pipeline.cli import main
from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, config_json_schema, load_config
from arxiv_pipeline_tests.conftest import ConfigFactory

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def test_run_builds_the_sample_day_and_prints_where_it_is(
    config_files: ConfigFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped config as it is: the quick start's bundled real day.
    path = config_files.root / "arxiv_pipeline.yaml"
    path.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir(config_files.root)
    assert main(["--config", str(path), "run"]) == 0
    out = capsys.readouterr().out
    readme = config_files.root / "data" / "digests" / "2026-06-24" / "README.md"
    assert str(readme) in out and readme.exists()
    assert "digest_markdown" in out
    # The run landed in a persistent instance, so `dagster dev` can show it afterwards.
    # Its settings are the shipped file's, and the instance reads them: pools of one slot.
    written = config_files.root / "data" / "dagster_home" / "dagster.yaml"
    shipped = Path(arxiv_pipeline.__file__).parent / "deploy" / "_local_instance.yaml"
    assert written.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    with dg.DagsterInstance.from_config(str(written.parent)) as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    assert any((config_files.root / "data" / "dagster_home").rglob("*.db"))
    assert "unchanged" not in out
    # The hint names the dg installed beside this Python (a bare `dg` is not on a new user's PATH).
    dg_bin = Path(sys.executable).parent / "dg"
    assert f"{dg_bin if dg_bin.exists() else 'dg'} dev" in out
    # The same day again: nothing changed, and each step says so instead of repeating "ok N rows".
    assert main(["--config", str(path), "run"]) == 0
    again = capsys.readouterr().out
    unchanged = [line.split()[1] for line in again.splitlines() if line.endswith("unchanged")]
    assert {
        "arxiv_listings",
        "candidate_papers",
        "paper_scores",
        "paper_summaries",
        "digest_markdown",
    } <= set(unchanged)


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
    out, err = capsys.readouterr()
    assert "FAILED arxiv_listings" in err and "no recorded arXiv day 2026-11-20" in err
    # Quiet by default: the header, one line for the failed step, one for the steps not run,
    # the cause and a hint; no Dagster log, no traceback.
    assert len(out.splitlines()) + len(err.splitlines()) <= 7 and "Traceback" not in err
    assert main(["run", "--date", "2026-11-20", "--verbose", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "STEP_FAILURE" in out + err


def test_check_config(config_files: ConfigFactory, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_files.write()), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "cs.AI, cs.CL, cs.LG" in out
    assert "warning: publish.site_url is not set" in out and "can subscribe" in out
    assert (
        main(
            [
                "--config",
                str(config_files.write(publish={"site_url": "https://me.example/a"})),
                "check-config",
            ]
        )
        == 0
    )
    assert "warning" not in capsys.readouterr().out
    # --config works after the subcommand too.
    bad = config_files.write(
        automation={"schedule_cron": "30 25 * * *"}, digest={"max_papers": 5, "summarize_top": 10}
    )
    assert main(["check-config", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "automation.schedule_cron" in err and "hour (0-23)" in err
    assert "summarize_top (10) is larger than max_papers (5)" in err


def test_version_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"arxiv-pipeline {__version__}"
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == config_json_schema()


def test_init_writes_a_config_that_editors_check_against_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "arxiv_pipeline.yaml"
    assert main(["init", "--config", str(target)]) == 0
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=./arxiv_pipeline.schema.json\n")
    schema = json.loads((tmp_path / "arxiv_pipeline.schema.json").read_text())
    # As an editor's YAML 1.2 language server reads it: dates are strings.
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    jsonschema.validate(data, schema)
    load_config(target)
    data["llm"]["modle"] = "gpt-4o"  # a typo the editor underlines
    with pytest.raises(jsonschema.ValidationError, match="modle"):
        jsonschema.validate(data, schema)
    # The copy in the package (for editors pointed at it) is the model's current schema.
    shipped = Path(arxiv_pipeline.__file__).with_name("config.schema.json")
    assert json.loads(shipped.read_text()) == schema


def test_backfill_builds_each_day_oldest_first_and_reports_failures(
    config_files: ConfigFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_files.write()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    # 19th and 20th were not recorded: they fail, the other days are still built; the weekend
    # (21st, 22nd) holds no announcement and is not run at all.
    code = main(["backfill", "--start", "2026-11-17", "--end", "2026-11-22", "--config", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "2 of 4 announcement days built (2 weekend days skipped)" in out
    assert "2026-11-19 Thu  FAILED arxiv_listings" in err and "2026-11-20 Fri  FAILED arxiv_listings" in err
    # One line per day and a closing summary: each failure is told once, with its cause.
    assert len(out.splitlines()) + len(err.splitlines()) <= 8
    assert err.count("no recorded arXiv day 2026-11-19") == 1
    digests = config_files.root / "data" / "digests"
    assert sorted(p.name for p in digests.iterdir() if p.is_dir() and p.name != "site") == [
        "2026-11-17",
        "2026-11-18",
    ]
    runs = [r for r in _runs(tmp_path / "home")]
    assert [r.tags["dagster/partition"] for r in runs] == [
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
    ]
    assert {r.job_name for r in runs} == {"daily_digest_job"}
    assert {r.tags["arxiv_pipeline/trigger"] for r in runs} == {"cli"}


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


def test_rate_stores_changes_and_undoes_a_rating_of_a_stored_paper(
    config_files: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from arxiv_pipeline_tests.conftest import warehouse_for

    path = config_files.write()
    assert main(["--config", str(path), "rate", "2611.10001", "up"]) == 2  # nothing stored yet
    assert "not a paper of any stored day" in capsys.readouterr().err
    assert main(["--config", str(path), "run", "--date", "2026-11-17"]) == 0
    assert main(["--config", str(path), "rate", "https://arxiv.org/abs/2611.10001v1", "down"]) == 0
    assert "Rated 2611.10001v1: less like this" in capsys.readouterr().out
    assert main(["rate", "2611.10001", "up", "--config", str(path)]) == 0
    assert main(["--config", str(path), "rate", "2611.10001", "up", "--paper-version", "3"]) == 2
    assert "versions 1 to 1" in capsys.readouterr().err
    store = warehouse_for(path)
    assert {k: v["rating"] for k, v in store.current_ratings().items()} == {"2611.10001": 1}
    assert main(["--config", str(path), "rate", "2611.10001", "clear"]) == 0
    assert store.current_ratings() == {}
    assert [r["source"] for r in store.query("SELECT source FROM ratings")] == ["cli"] * 3


def test_serve_needs_a_built_site(config_files: ConfigFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_files.write()
    assert main(["--config", str(path), "serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "no site in" in err and "arxiv-pipeline run" in err


def test_serve_serves_the_site_until_stopped(config_files: ConfigFactory) -> None:
    import re
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    path = config_files.write()
    assert main(["--config", str(path), "run", "--date", "2026-11-17"]) == 0
    # --port 0: any free port, the one chosen printed (it used to mean the default, 8765).
    proc = subprocess.Popen(
        [sys.executable, "-m", "arxiv_pipeline.cli", "--config", str(path), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        found = re.search(r"at http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
        assert found and found.group(1) != "8765"
        port = int(found.group(1))
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/2026-11-17.html", timeout=5) as r:
                    assert b"More like this" in r.read()
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_runs_in_one_process_for_two_configurations_each_use_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI loads the code location for the configuration it is given; a second command in the
    same process (a lab, then one reader) must not run the first one's jobs."""
    lab, solo = ConfigFactory(tmp_path / "lab"), ConfigFactory(tmp_path / "solo")
    (tmp_path / "lab").mkdir()
    (tmp_path / "solo").mkdir()
    lab_path = lab.write(readers=[{"name": "ana"}])
    solo_path = solo.write()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["--config", str(lab_path), "run", "--date", "2026-11-17"]) == 0
    assert "ana/digest_markdown" in capsys.readouterr().out
    assert main(["--config", str(solo_path), "run", "--date", "2026-11-17"]) == 0
    out = capsys.readouterr().out
    assert "ana/" not in out and "digest_markdown" in out
    assert (tmp_path / "solo" / "data" / "digests" / "2026-11-17" / "README.md").exists()


def test_a_step_whose_papers_all_failed_says_so(
    config_files: ConfigFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

    monkeypatch.setenv("OPENAI_API_KEY", "sk-cli-test")
    with FakeOpenAI() as llm:
        llm.next_faults.extend(["poem"] * 500)  # every reply is verse, not the JSON asked for
        path = config_files.write(
            digest={"summarize_top": 5},
            summary={"summarizer": "llm"},
            llm={"base_url": llm.base_url, "model": "fake-model", "max_attempts": 1, "backoff_base_s": 0},
        )
        main(["--config", str(path), "run", "--date", "2026-11-17"])
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "paper_summaries" in line and "rows" in line]
    # It used to read "ok paper_summaries 5 rows", as if all were summarized.
    assert "5 FAILED" in line
