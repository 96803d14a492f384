"""paper_fulltext and full-text summaries, through Dagster, against arXiv's full-text endpoints
served on 127.0.0.1 (generated two-column PDFs and LaTeXML HTML pages) and, for the LLM path, the
local chat-completions server driven by the real openai client."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import feedparser
import pytest

from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.summarize.extractive import split_sentences
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, tick_sensor, warehouse_for
from arxiv_pipeline_tests.fakes.fulltext_server import FakeFulltext
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.paper_documents import make_paper

pytestmark = pytest.mark.slow

UPSTREAM = ["arxiv_listings", "candidate_papers", "reader_profile", "paper_scores"]
KEY_ENV = "FULLTEXT_TEST_KEY"
# The day comes from the recording; full texts from the local server, without arXiv's 3 s spacing.
LOCAL_SOURCE = {
    "rss_url": "http://127.0.0.1:9/rss/{}",
    "api_url": "http://127.0.0.1:9/api/query?{}",
    "min_interval_s": 0,
    "timeout_s": 1,
    "max_attempts": 2,
    "backoff_base_s": 0.01,
}


@pytest.fixture
def server():
    with FakeFulltext(slow_s=2.5) as fake:
        yield fake


def configure(config_files: ConfigFactory, server: FakeFulltext, **changes) -> Path:
    return config_files.write(
        fulltext={"top": 3, "fetch": "http", "html_url": server.html_url, "pdf_url": server.pdf_url},
        source=LOCAL_SOURCE,
        **changes,
    )


def build(path: Path, instance: dg.DagsterInstance, upstream_only: bool = False) -> dg.ExecuteInProcessResult:
    selection = [dg.AssetKey(k) for k in UPSTREAM] if upstream_only else None
    return dg.materialize(
        ALL_ASSETS,
        partition_key=DAY_1.isoformat(),
        resources=pipeline_resources(config_path=str(path)),
        instance=instance,
        selection=selection,
    )


def top_ids(path: Path, n: int = 3) -> list[str]:
    return [f"{r['arxiv_id']}v{r['version']}" for r in warehouse_for(path).papers_to_summarize(DAY_1, n)]


def test_top_papers_are_summarized_from_their_full_text_offline(
    config_files: ConfigFactory, server: FakeFulltext, instance: dg.DagsterInstance
) -> None:
    path = configure(config_files, server)
    build(path, instance, upstream_only=True)
    first, second, third = top_ids(path)
    server.fault(second, "no_html")  # not rendered as HTML: the PDF is read
    server.fault(third, "missing")  # neither: the abstract it is
    build(path, instance)
    store = warehouse_for(path)

    rows = {f"{r['arxiv_id']}v{r['version']}": r for r in store.query("SELECT * FROM paper_fulltext")}
    assert (rows[first]["status"], rows[first]["source"]) == ("ok", "html")
    assert (rows[second]["status"], rows[second]["source"]) == ("ok", "pdf")
    assert rows[second]["pages"] >= 2 and rows[second]["bytes"] > 0 and len(rows[second]["sha256"]) == 64
    assert rows[third]["status"] == "failed" and "not found (HTTP 404)" in rows[third]["error"]
    for ok in (first, second):
        kinds = [s["kind"] for s in json.loads(rows[ok]["sections"])]
        assert kinds == ["abstract", "introduction", "related", "method", "results", "conclusion"]
        text = rows[ok]["sections"]
        assert "NeurIPS" not in text and "hyperparameters" not in text  # references, appendix dropped

    summaries = {f"{r['arxiv_id']}v{r['version']}": r for r in store.read_day("paper_summaries", DAY_1)}
    assert [summaries[i]["source"] for i in (first, second, third)] == ["html", "pdf", "abstract"]
    for vid in (first, second):
        s = summaries[vid]
        paper = make_paper(*vid.split("v"))
        fields = [s["tldr"], s["motivation"], s["method"], s["result"], s["conclusion"]]
        assert len(set(fields)) == 5, fields  # no field repeats another
        abstract = store.query("SELECT abstract FROM candidate_papers WHERE arxiv_id = ?", [s["arxiv_id"]])
        quoted = set(split_sentences(abstract[0]["abstract"]))
        assert not quoted & set(fields)  # nor the abstract shown beside it
        assert s["method"].startswith(f"We propose {paper.method}")
        assert f"{paper.dataset}" in s["result"] and "%" in s["result"]
        assert "Introduction" in " ".join(s["sections_used"]) and "4 Experiments" in s["sections_used"]

    # Every output says where each summary came from.
    out = load_config(path).output_dir
    readme = (out / "2026-11-17" / "README.md").read_text(encoding="utf-8")
    assert "📄 Extracted Summary (extractive, extracted from the full text (HTML))" in readme
    assert "extracted from the full text (PDF)" in readme
    daily = (out / "2026-11-17" / "daily_digest.md").read_text(encoding="utf-8")
    assert "TL;DR (extracted from the full text (HTML)): " in daily
    assert "TL;DR (quoted from the abstract): " in daily
    page = (out / "site" / "2026-11-17.html").read_text(encoding="utf-8")
    assert "Built from the full text (HTML" in page and f'href="{server.html_url.format(first)}"' in page
    assert "Built from the full text (PDF" in page and "characters): 1 Introduction" in page
    digest = json.loads((out / "2026-11-17" / "digest.json").read_text(encoding="utf-8"))
    by_id = {f"{p['arxiv_id']}v{p['version']}": p for p in digest["papers"]}
    assert by_id[first]["summary_source"] == "html" and by_id[first]["fulltext_chars"] > 5000
    assert by_id[third]["summary_source"] == "abstract" and by_id[third]["fulltext_url"] is None
    atom = feedparser.parse((out / "site" / "feed.atom.xml").read_bytes())
    notes = [e.summary.split(":", 1)[0] for e in atom.entries[:3]]
    assert notes == [
        "Extracted from the full text (HTML)",
        "Extracted from the full text (PDF)",
        "Quoted from the abstract",
    ]

    # A rerun fetches nothing it has; the failed paper is tried again (and again fails).
    before = server.requests.copy()
    build(path, instance)
    assert server.requests - before == {f"html/{third}": 1, f"pdf/{third}": 1}
    row = store.query("SELECT attempts FROM paper_fulltext WHERE status = 'failed'")[0]
    assert row["attempts"] == 2


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("truncated_pdf", "the download broke off"),
        ("huge_pdf", "too large (900,000,000 bytes, over fulltext.max_bytes"),
        ("slow", "HTTP"),  # the timeout, retried, then given up
        ("error_page_pdf", "not a PDF (the server sent something else)"),
        ("scanned_pdf", "no text layer"),
        ("encrypted_pdf", "the PDF is encrypted"),
    ],
)
def test_a_full_text_that_cannot_be_had_is_recorded_and_the_paper_keeps_its_abstract_summary(
    config_files: ConfigFactory, server: FakeFulltext, instance: dg.DagsterInstance, fault: str, reason: str
) -> None:
    path = config_files.write(
        fulltext={"top": 1, "fetch": "http", "html_url": server.html_url, "pdf_url": server.pdf_url},
        source=LOCAL_SOURCE,
    )
    build(path, instance, upstream_only=True)
    [paper] = top_ids(path, 1)
    server.fault(paper, "no_html", fault)
    result = build(path, instance)
    assert result.success
    store = warehouse_for(path)
    [row] = store.query("SELECT * FROM paper_fulltext")
    assert row["status"] == "failed" and row["attempts"] == 1
    if fault == "slow":
        assert "no response" in row["error"] or "Timeout" in row["error"]
    else:
        assert "not found (HTTP 404)" in row["error"]  # the HTML first
        assert reason in row["error"], row["error"]
    [summary] = [s for s in store.read_day("paper_summaries", DAY_1) if s["rank"] == 1]
    assert summary["status"] == "ok" and summary["source"] == "abstract"
    readme = (load_config(path).output_dir / "2026-11-17" / "README.md").read_text(encoding="utf-8")
    assert "**TL;DR** (quoted from the abstract: what was done and found; no LLM configured): " in readme


def test_llm_summaries_from_the_full_text_reach_the_prompt_inside_the_delimiters_and_are_paid_once(
    config_files: ConfigFactory, server: FakeFulltext, instance: dg.DagsterInstance, monkeypatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with FakeOpenAI() as llm:
        path = configure(
            config_files,
            server,
            summary={"summarizer": "llm"},
            llm={
                "base_url": llm.base_url,
                "model": "fake-model",
                "api_key_env": KEY_ENV,
                "backoff_base_s": 0.01,
            },
        )
        build(path, instance, upstream_only=True)
        first, second, third = top_ids(path)
        server.fault(third, "missing")
        build(path, instance)
        store = warehouse_for(path)
        prompts = [r for r in llm.requests if "from the paper's full text" in r["messages"][0]["content"]]
        assert len(prompts) == 2 and llm.calls_for("fulltext_notes") == 0
        user = prompts[0]["messages"][1]["content"]
        body = user.split("<paper>", 1)[1].split("</paper>", 1)[0]
        assert "## 3 Method" in body and "We propose" in body and "## 4 Experiments" in body
        assert "NeurIPS" not in user  # no references
        summaries = {f"{r['arxiv_id']}v{r['version']}": r for r in store.read_day("paper_summaries", DAY_1)}
        for vid in (first, second):
            paper = make_paper(*vid.split("v"))
            assert summaries[vid]["result"].startswith("It reaches ") and "%" in summaries[vid]["result"]
            assert paper.limitation in summaries[vid]["conclusion"]
        assert summaries[third]["source"] == "abstract"
        calls = store.query("SELECT purpose, paper_ids, prompt_tokens FROM llm_calls ORDER BY recorded_at")
        fulltext_calls = [c for c in calls if c["purpose"] == "fulltext_summary"]
        abstract_calls = [c for c in calls if c["purpose"] == "summary"]
        assert (
            len(fulltext_calls) == 2
            and fulltext_calls[0]["prompt_tokens"] > 3 * abstract_calls[0]["prompt_tokens"]
        )

        # Paid once: a rerun makes no call and no fetch of what it has.
        calls_before, fetches_before = llm.calls, sum(server.requests.values())
        build(path, instance)
        assert llm.calls == calls_before
        assert sum(server.requests.values()) - fetches_before == 2  # only the failed paper, again

        # A paper too long for one call: notes on each part, then the summary from the notes.
        long_path = configure(
            config_files,
            server,
            summary={"summarizer": "llm"},
            llm={
                "base_url": llm.base_url,
                "model": "fake-model-2",
                "api_key_env": KEY_ENV,
                "backoff_base_s": 0.01,
                "max_fulltext_tokens": 1000,
            },
        )
        server.paragraphs = 12
        server._cache.clear()
        with store.connect() as conn:
            conn.execute("DELETE FROM paper_fulltext")
        build(long_path, instance)
        assert llm.calls_for("fulltext_notes") >= 4
        notes = [r for r in llm.requests if '{"notes": "..."}' in r["messages"][0]["content"]]
        assert all("<paper>" in r["messages"][1]["content"] for r in notes)
        reduce = [r for r in llm.requests if "from the paper's full text" in r["messages"][0]["content"]][-1]
        assert "## Notes on part 1" in reduce["messages"][1]["content"]


def test_the_sensor_reruns_a_day_whose_full_text_failed_until_it_comes(
    config_files: ConfigFactory, server: FakeFulltext, tmp_path: Path
) -> None:
    from arxiv_pipeline.defs.automation import retry_sensor
    from arxiv_pipeline.defs.fulltext.sensors import FAILED_FULLTEXTS

    failed_fulltext_sensor = retry_sensor(FAILED_FULLTEXTS)

    path = configure(config_files, server)
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:

        def tick(cursor: str | None = None) -> dg.SensorResult:
            return tick_sensor(failed_fulltext_sensor, path, instance, cursor)

        build(path, instance, upstream_only=True)
        first = top_ids(path)[0]
        server.fault(first, "missing")  # not rendered yet, no PDF yet
        build(path, instance)
        first_tick = tick()
        [request] = first_tick.run_requests
        assert request.partition_key == DAY_1.isoformat()
        selected = {k.to_user_string() for k in request.asset_selection}
        assert {"paper_fulltext", "paper_summaries", "digest_markdown"} <= selected
        assert "paper_scores" not in selected  # the ranking is not redone

        waiting = tick(first_tick.cursor)
        assert not waiting.run_requests and "next retry in" in waiting.skip_reason.skip_message

        server.faults.clear()  # arXiv has rendered it now
        rerun = dg.materialize(
            ALL_ASSETS,
            partition_key=request.partition_key,
            resources=pipeline_resources(config_path=str(path)),
            instance=instance,
            selection=request.asset_selection,
        )
        assert rerun.success
        store = warehouse_for(path)
        arxiv_id, version = first.split("v")
        [row] = store.query(
            "SELECT status, source, attempts FROM paper_fulltext WHERE arxiv_id = ? AND version = ?",
            [arxiv_id, int(version)],
        )
        assert (row["status"], row["source"], row["attempts"]) == ("ok", "html", 2)
        summary = {r["arxiv_id"]: r for r in store.read_day("paper_summaries", DAY_1)}[arxiv_id]
        assert summary["source"] == "html"
        healed = tick(first_tick.cursor)
        assert not healed.run_requests and "no full texts to retry" in healed.skip_reason.skip_message
        assert json.loads(healed.cursor) == {}
