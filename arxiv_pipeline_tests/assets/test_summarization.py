"""`paper_summaries` with an LLM endpoint (a local OpenAI-compatible server), through Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core.llm.prompts import _DIR as PROMPTS_DIR
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.slow

SECRET = "sk-test-0123456789abcdefSECRET"


def llm_config(config_files: ConfigFactory, server: FakeOpenAI, **changes: object) -> Path:
    llm = {
        "base_url": server.base_url,
        "model": "fake-model",
        "backoff_base_s": 0.01,
        "max_attempts": 2,
        "api_key_env": "ARXIV_TEST_LLM_KEY",
        "prices": {"fake-model": {"input_per_million": 1.0, "output_per_million": 2.0}},
    }
    llm.update(changes.pop("llm", {}))  # type: ignore[arg-type]
    return config_files.write(
        summary={"summarizer": "auto", **changes.pop("summary", {})},  # type: ignore[dict-item]
        llm=llm,
        **changes,
    )


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ARXIV_TEST_LLM_KEY", SECRET)
    return SECRET


def summaries_meta(result: dg.ExecuteInProcessResult) -> dict:
    event = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "paper_summaries"
    )
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_llm_summaries_are_paid_for_once(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    with FakeOpenAI() as server:
        path = llm_config(config_files, server)
        meta = summaries_meta(materialize_day(path, DAY_1))
        assert server.calls == 10 and meta["llm_calls"] == 10 and meta["cache_hits"] == 0
        assert meta["estimated_cost_usd"] > 0 and meta["prompt_tokens"] > 0
        store = warehouse_for(path)
        rows = store.read_day("paper_summaries", DAY_1, order_by="rank")
        assert {r["summarizer"] for r in rows} == {"llm"} and {r["model"] for r in rows} == {"fake-model"}
        assert all(r["prompt_version"].startswith("summary.v1+") for r in rows)
        readme = (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").read_text()
        assert (
            "AI Summary (by fake-model, from the abstract)" in readme and "Summaries by fake-model" in readme
        )
        assert "Paper 2611.10001v1 is about" in readme

        # Unchanged day: zero calls.
        meta = summaries_meta(materialize_day(path, DAY_1))
        assert server.calls == 10 and meta["llm_calls"] == 0 and meta["cache_hits"] == 10

        # Two more papers to summarize: only those two are called.
        path = llm_config(config_files, server, digest={"summarize_top": 12})
        materialize_day(path, DAY_1)
        assert server.calls == 12

        # A new prompt version re-summarizes everything that prompt produced; so does a new model.
        prompts = config_files.root / "prompts"
        prompts.mkdir()
        text = (PROMPTS_DIR / "summary.v1.md").read_text() + "\nBe concise.\n"
        (prompts / "summary.v1.md").write_text(text)
        path = llm_config(config_files, server, digest={"summarize_top": 12}, llm={"prompts_dir": "prompts"})
        materialize_day(path, DAY_1)
        assert server.calls == 24
        path = llm_config(config_files, server, digest={"summarize_top": 12}, llm={"model": "other"})
        materialize_day(path, DAY_1)
        assert server.calls == 36
        # Back to the first model and prompt: all cached.
        path = llm_config(config_files, server, digest={"summarize_top": 12})
        materialize_day(path, DAY_1)
        assert server.calls == 36
        calls = store.query("SELECT count(*) AS n, sum(prompt_tokens) AS t FROM llm_calls")[0]
        assert calls["n"] == 36 and calls["t"] > 0


def test_a_replaced_paper_is_summarized_again(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    from arxiv_pipeline_tests.conftest import DAY_2

    with FakeOpenAI() as server:
        path = llm_config(
            config_files,
            server,
            filter={"announce_types": ["new", "cross", "replace"], "resurface_new_versions": True},
        )
        materialize_day(path, DAY_1)
        before = server.calls
        materialize_day(path, DAY_2)
        day2_ids = [
            r["arxiv_id"] + "v" + str(r["version"])
            for r in warehouse_for(path).read_day("paper_summaries", DAY_2)
        ]
        assert "2611.10001v2" in day2_ids
        assert server.calls - before == len(day2_ids)


def test_failed_papers_keep_the_day_and_are_retried_next_run(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    with FakeOpenAI() as server:
        path = llm_config(config_files, server)
        for paper in ("2611.10036v1", "2611.10020v1"):
            server.paper_faults[paper].extend(["500", "not_json"])
        result = materialize_day(path, DAY_1)
        assert result.success and server.calls == 12  # 8 good + 2 papers x 2 tries
        store = warehouse_for(path)
        rows = {r["arxiv_id"]: r for r in store.read_day("paper_summaries", DAY_1)}
        failed = {k for k, r in rows.items() if r["status"] == "failed"}
        assert failed == {"2611.10036", "2611.10020"}
        assert "HTTP 500" in rows["2611.10036"]["error"] or "JSON" in rows["2611.10036"]["error"]
        readme = (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").read_text()
        assert readme.count("_Summary unavailable:") == 2
        assert "Detecting Hallucinated Citations" in readme  # the paper is there, with its abstract
        meta = summaries_meta(result)
        assert meta["failed"] == 2 and set(meta["failures"]) == {"2611.10036v1", "2611.10020v1"}

        materialize_day(path, DAY_1)
        assert server.calls == 14  # only the two failed papers again
        assert all(r["status"] == "ok" for r in store.read_day("paper_summaries", DAY_1))


def test_long_summaries_for_the_top_papers(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    with FakeOpenAI() as server:
        path = llm_config(config_files, server, summary={"long_summary_top": 2, "language": "zh"})
        materialize_day(path, DAY_1)
        assert server.calls_for("long_summary") == 2
        rows = warehouse_for(path).read_day("paper_summaries", DAY_1, order_by="rank")
        assert [bool(r["long_summary"]) for r in rows[:3]] == [True, True, False]
        assert "论文" in rows[0]["tldr"]
        readme = (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").read_text()
        assert readme.count("#### Detailed summary") == 2 and "##### Contributions" in readme
        materialize_day(path, DAY_1)
        assert server.calls_for("long_summary") == 2


def test_without_a_key_the_offline_summarizer_runs(
    config_files: ConfigFactory, materialize_day: Materialize, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARXIV_TEST_LLM_KEY")
    with FakeOpenAI() as server:
        path = llm_config(config_files, server)
        materialize_day(path, DAY_1)
        assert server.calls == 0
    readme = (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").read_text()
    assert "Extractive summaries" in readme


def test_the_api_key_never_leaves_the_environment(
    config_files: ConfigFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with FakeOpenAI() as server, dg.DagsterInstance.get() as instance:
        path = llm_config(config_files, server)
        server.paper_faults["2611.10001v1"].extend(["500", "500"])  # errors get logged too
        for _ in range(2):
            dg.materialize(
                ALL_ASSETS,
                partition_key=DAY_1.isoformat(),
                instance=instance,
                resources=pipeline_resources(config_path=str(path)),
            )
        auth = {h.get("authorization") for h in server.headers}
    assert auth == {f"Bearer {SECRET}"}  # the key was used, in the header only
    leaked = [p for p in config_files.root.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    leaked += [p for p in home.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    assert (config_files.root / "data" / "arxiv_pipeline.duckdb").exists()


def test_a_refused_key_stops_the_stage_after_one_call(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    with FakeOpenAI() as server:
        path = llm_config(config_files, server)
        materialize_day(path, DAY_1)  # a good day is stored first
    store = warehouse_for(path)
    stored = store.read_day("paper_summaries", DAY_1)
    with FakeOpenAI(valid_key="sk-the-right-one") as server:
        path = llm_config(config_files, server, llm={"model": "needs-new-answers"})
        result = materialize_day(path, DAY_1, raise_on_error=False)
        calls = server.calls
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.cause.message  # the error our code raised
    assert failure.step_key == "paper_summaries" and "HTTP 401" in message
    assert "ARXIV_TEST_LLM_KEY" in message and SECRET not in message
    assert calls == 1  # not one call per paper (max_concurrency is 8: the others never went out)
    assert store.read_day("paper_summaries", DAY_1) == stored  # nothing stored was lost
