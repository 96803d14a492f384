"""summary.summarizer: local — a small model served on 127.0.0.1 for the summary step. Without the
`local` extra the step stops with what to install (nothing stored is replaced); with it (marker
local_model), the real SmolLM2-135M-Instruct summarizes the sample day and a full text."""

from __future__ import annotations

import importlib.util
import socket
import time
from pathlib import Path

import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, load_config
from arxiv_pipeline.core.llm.local import bundled_model, local_model_server, local_settings, model_path
from arxiv_pipeline.errors import root_message
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for

pytestmark = pytest.mark.slow

HAVE_MODEL = importlib.util.find_spec("llama_cpp") is not None and bundled_model() is not None
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="the local extra is not installed")


def test_without_the_model_the_summary_step_says_what_to_install_and_keeps_what_was_stored(
    config_files: ConfigFactory, materialize_day: Materialize, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)  # offline summaries first
    store = warehouse_for(path)
    before = store.query("SELECT arxiv_id, tldr FROM paper_summaries ORDER BY 1")
    assert before
    missing = config_files.root / "no-such-model.gguf"
    path = config_files.write(summary={"summarizer": "local"}, llm={"local_model": str(missing)})
    assert main(["--config", str(path), "check-config"]) == 0
    assert f"warning: llm.local_model: {missing} is not a file" in capsys.readouterr().out
    result = materialize_day(path, DAY_1, raise_on_error=False)
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "paper_summaries"
    assert "llm.local_model" in root_message(failure.step_failure_data.error)
    assert store.query("SELECT arxiv_id, tldr FROM paper_summaries ORDER BY 1") == before


def _port_open(url: str) -> bool:
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


@pytest.mark.local_model
@needs_model
def test_the_real_small_model_summarizes_the_sample_day(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write(summary={"summarizer": "local"}, digest={"summarize_top": 3})
    started = time.perf_counter()
    result = materialize_day(path, DAY_1)
    seconds = time.perf_counter() - started
    assert result.success
    store = warehouse_for(path)
    rows = store.query("SELECT status, model, error, summarizer FROM paper_summaries ORDER BY arxiv_id")
    summarized = [r for r in rows if r["summarizer"] == "llm"]
    assert len(summarized) == 3 and {r["model"] for r in summarized} == {bundled_model().name}
    # Every paper has its outcome recorded; a refusal is about what the reply said, never the
    # protocol (a format the server refused, a reply that could not be read as JSON).
    for row in summarized:
        assert row["status"] in ("ok", "failed")
        if row["error"]:
            assert "HTTP" not in row["error"], row["error"]
    calls = store.query("SELECT count(*) AS n FROM llm_calls")[0]["n"]
    ok = sum(r["status"] == "ok" for r in summarized)
    print(f"\nlocal model, sample day: {ok}/3 ok, {calls} calls, {seconds:.1f} s for the whole day")


@pytest.mark.local_model
@needs_model
def test_the_real_small_model_answers_an_abstract_and_a_full_text_prompt(tmp_path: Path) -> None:
    from arxiv_pipeline.core.fulltext.html import extract_html
    from arxiv_pipeline.core.llm.client import ChatClient
    from arxiv_pipeline.core.models import Paper
    from arxiv_pipeline.core.summarize.llm import LLMSummarizer
    from arxiv_pipeline_tests.paper_documents import make_paper, paper_html

    config = load_config(DEFAULT_CONFIG_PATH)
    text = make_paper("2611.00042", paragraphs=1)
    fulltext = extract_html(paper_html(text))
    paper = Paper(arxiv_id="2611.00042", version=1, title=text.title, abstract=text.abstract)
    model = model_path(config.llm, config.resolve)
    with local_model_server(model, config.llm) as base_url:
        client = ChatClient(local_settings(config.llm, base_url, model), "local-model")
        summarizer = LLMSummarizer(client)
        started = time.perf_counter()
        [abstract] = summarizer.summarize([paper], "en")
        [full] = summarizer.summarize([paper], "en", fulltexts={("2611.00042", 1): fulltext})
        seconds = time.perf_counter() - started
    assert not _port_open(base_url)  # stopped with the block
    assert full.source == "html" and full.sections_used
    for outcome in (abstract, full):
        assert outcome.ok or "HTTP" not in (outcome.error or ""), outcome.error
    by_purpose = {call.purpose: call for call in client.calls}
    # One schema-constrained format from the first try: no refusal to fall back from.
    assert {call.json_mode for call in client.calls} == {"json_object_schema"}
    assert by_purpose["fulltext_summary"].prompt_tokens > by_purpose["summary"].prompt_tokens > 0
    print(f"\nlocal model: abstract ok={abstract.ok}, full text ok={full.ok}, {seconds:.1f} s for both")
