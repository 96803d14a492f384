from __future__ import annotations

import re
from pathlib import Path

import pytest

from arxiv_pipeline.core.config import (
    DEFAULT_CONFIG_PATH,
    ConfigError,
    PipelineConfig,
    load_config,
    parse_config,
)
from arxiv_pipeline_tests.conftest import ConfigFactory

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_packaged_default_is_valid_and_the_only_copy() -> None:
    default = load_config(DEFAULT_CONFIG_PATH)
    assert default.categories == ["cs.AI", "cs.CL", "cs.LG"]
    assert default.source.kind == "replay"
    assert not (REPO_ROOT / "arxiv_pipeline.yaml").exists()  # `arxiv-pipeline init` writes one


def test_init_writes_the_commented_default_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from arxiv_pipeline.cli import main

    target = tmp_path / "arxiv_pipeline.yaml"
    assert main(["--config", str(target), "init"]) == 0
    modeline = "# yaml-language-server: $schema=./arxiv_pipeline.schema.json\n"
    assert target.read_text() == modeline + DEFAULT_CONFIG_PATH.read_text()
    assert load_config(target).categories == ["cs.AI", "cs.CL", "cs.LG"]
    target.write_text("categories: [cs.LG]\n")
    assert main(["--config", str(target), "init"]) == 2  # never overwrites an edited file...
    assert "already exists" in capsys.readouterr().err and target.read_text() == "categories: [cs.LG]\n"
    assert main(["--config", str(target), "init", "--force"]) == 0  # ...unless asked to
    assert target.read_text() == modeline + DEFAULT_CONFIG_PATH.read_text()


def test_relative_paths_resolve_against_the_config_file(config_files: ConfigFactory) -> None:
    config = load_config(config_files.write())
    assert config.database_path == (config_files.root / "data" / "arxiv_pipeline.duckdb").resolve()
    assert config.output_dir == (config_files.root / "data" / "digests").resolve()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"categories": ["cs.Ai"]}, ["categories", "'cs.Ai' is not an arXiv category", "'cs.AI'"]),
        ({"categories": []}, ["categories", "at least one"]),
        ({"categories": ["cs.LG", "cs.LG"]}, ["categories", "more than once"]),
        ({"keywords": {"includ": ["x"]}}, ["keywords.includ", "unknown key", "'include'"]),
        ({"colour": "blue"}, ["colour: unknown key", "categories"]),
        ({"keywords": {"include": ["ok", " "]}}, ["keywords.include", "non-empty"]),
        ({"keywords": {"weights": {"LLM": 0}}}, ["keywords.weights", "greater than 0"]),
        ({"digest": {"max_papers": 0}}, ["digest.max_papers", "greater than or equal to 1", "got 0"]),
        ({"digest": {"summarize_top": -1}}, ["digest.summarize_top", "got -1"]),
        ({"digest": {"max_papers": "many"}}, ["digest.max_papers", "integer", "'many'"]),
        ({"summary": {"language": "klingon"}}, ["summary.language", "en, zh", "'klingon'"]),
        (
            {"filter": {"announce_types": ["new", "old"]}},
            ["filter.announce_types.1", "'new'", "replace-cross"],
        ),
        ({"filter": {"announce_types": []}}, ["filter.announce_types", "at least one"]),
        ({"filter": {"require_keyword": "sometimes"}}, ["filter.require_keyword", "boolean"]),
        ({"scoring": {"title_weight": -1}}, ["scoring.title_weight", "greater than or equal to 0"]),
        ({"source": {"kind": "scholar"}}, ["source.kind", "'replay'", "'arxiv'"]),
    ],
)
def test_each_bad_value_names_its_key_and_what_is_allowed(data: dict, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data, source="my.yaml")
    message = str(info.value)
    assert message.startswith("invalid configuration in my.yaml")
    for fragment in expected:
        assert fragment in message


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"digest": {"max_papers": 0}, "summary": {"language": "xx"}})
    assert "digest.max_papers" in str(info.value) and "summary.language" in str(info.value)


def test_unreadable_files_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("categories: [cs.LG\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- cs.LG\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(listy)


def test_empty_file_means_all_defaults(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_config(empty).digest.max_papers == PipelineConfig().digest.max_papers


def test_whole_archives_are_accepted() -> None:
    assert parse_config({"categories": ["cs", "quant-ph"]}).categories == ["cs", "quant-ph"]


def test_a_key_pasted_as_the_variable_name_is_refused_and_never_echoed() -> None:
    key = "sk-proj-AbCdEf0123456789AbCdEf0123456789"
    with pytest.raises(ConfigError) as err:
        parse_config({"llm": {"api_key_env": key}})
    assert "looks like an API key" in str(err.value) and "NAME" in str(err.value)
    assert key not in str(err.value) and "AbCdEf" not in str(err.value)
    with pytest.raises(ConfigError) as err:
        parse_config({"llm": {"api_key_env": ["not", "a", "string", key]}})
    assert key not in str(err.value)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"llm": {"base_url": "http://my host:8000/v1"}}, "llm.base_url"),
        ({"source": {"api_url": "https://export arxiv.org/api/query?{}"}}, "source.api_url"),
        ({"publish": {"site_url": "https://exa mple.org/digest"}}, "publish.site_url"),
        ({"llm": {"base_url": "http:///v1"}}, "llm.base_url"),
    ],
)
def test_urls_with_no_usable_host_are_refused(data: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert key in str(err.value)


def test_every_key_can_come_from_the_environment(
    config_files: ConfigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_files.write()
    monkeypatch.setenv("ARXIV_PIPELINE__LLM__MODEL", "gpt-4o")
    monkeypatch.setenv("ARXIV_PIPELINE__CATEGORIES", "[cs.LG, stat.ML]")
    monkeypatch.setenv("ARXIV_PIPELINE__DIGEST__MAX_PAPERS", "12")
    monkeypatch.setenv("ARXIV_PIPELINE__PUBLISH__SITE_URL", "https://me.example.org/arxiv")
    config = load_config(path)
    assert config.llm.model == "gpt-4o" and config.categories == ["cs.LG", "stat.ML"]
    assert config.digest.max_papers == 12 and config.digest.summarize_top == 10  # the rest from the file
    assert config.publish.site_url == "https://me.example.org/arxiv"
    monkeypatch.setenv("ARXIV_PIPELINE__LLM__MODLE", "x")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "ARXIV_PIPELINE__LLM__MODLE" in str(err.value) and "from the environment" in str(err.value)
    assert "llm.modle: unknown key (did you mean 'model'?)" in str(err.value)


@pytest.mark.parametrize(
    ("automation", "expected"),
    [
        ({"schedule_cron": "30 25 * * *"}, "hour (0-23)"),
        ({"schedule_cron": "0 0 31 2 *"}, "never fires"),
        ({"schedule_cron": "0 0 * * * *"}, "5-field"),
        ({"schedule_timezone": "Mars/Olympus"}, "IANA time zone"),
        ({"first_day": "someday"}, "automation.first_day"),
    ],
)
def test_the_schedule_is_checked_when_the_config_loads(automation: dict, expected: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(expected)):
        parse_config({"automation": automation})


def test_every_cron_the_config_accepts_dagster_accepts_too() -> None:
    from dagster._utils.schedules import is_valid_cron_string

    for cron in ("30 0 * * *", "0 1 * * 1-5", "*/15 * * * *", "0 0 29 2 *", "0 6 1,15 * *"):
        assert parse_config({"automation": {"schedule_cron": cron}}).automation.schedule_cron == cron
        assert is_valid_cron_string(cron)


def test_summarize_top_cannot_exceed_the_digest() -> None:
    with pytest.raises(ConfigError, match=r"summarize_top \(40\) is larger than max_papers \(30\)"):
        parse_config({"digest": {"summarize_top": 40}})
    # Left at its default, it follows a smaller digest.
    assert parse_config({"digest": {"max_papers": 4}}).digest.summarize_top == 4
