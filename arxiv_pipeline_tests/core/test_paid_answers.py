"""Paid answers and their call log: a call is logged with the answer it paid for, never before it,
and a stop in the main thread still stores every answer that came back. Real calls through the
`openai` client to a local chat-completions server, into a real DuckDB file."""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType

import pytest

from arxiv_pipeline.core.config import LLMConfig
from arxiv_pipeline.core.llm.client import ChatClient
from arxiv_pipeline.core.llm.paid import AnswerWriter
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.records import cache_row
from arxiv_pipeline.core.store import Warehouse, open_warehouse
from arxiv_pipeline.core.summarize.base import SummaryOutcome
from arxiv_pipeline.core.summarize.llm import LLMSummarizer
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.sample_papers import DAY_1_PAPERS

DAY = date(2026, 11, 17)
PAPERS = [
    Paper(arxiv_id=p.arxiv_id, version=p.version, title=p.title, abstract=p.abstract) for p in DAY_1_PAPERS
]


def _summarizer(server: FakeOpenAI, concurrency: int = 1, attempts: int = 4) -> LLMSummarizer:
    config = LLMConfig(
        base_url=server.base_url, model="fake-model", max_concurrency=concurrency, max_attempts=attempts
    )
    return LLMSummarizer(ChatClient(config, "sk-test"))


def _row(outcome: SummaryOutcome) -> dict:
    return {**cache_row(outcome), "created_at": datetime.now(UTC)}


def _logged(store: Warehouse) -> list[str]:
    rows = store.query("SELECT paper_ids FROM llm_calls WHERE status = 'ok'")
    return sorted(r["paper_ids"][0] for r in rows)


def _cached(store: Warehouse) -> list[str]:
    return sorted(f"{r['arxiv_id']}v{r['version']}" for r in store.query("SELECT * FROM summary_cache"))


def test_a_call_is_logged_with_its_answer_not_before(tmp_path: Path) -> None:
    store = open_warehouse(tmp_path / "w.duckdb")
    first, second = PAPERS[:2]
    with FakeOpenAI() as server:
        summarizer = _summarizer(server)
        with AnswerWriter(store, "summary_cache", summarizer.chat, DAY, "run-1") as writer:
            # Both replies are in (and both calls recorded by the client); only the second is handed over.
            a, b = summarizer.summarize([first, second], "en")
            writer.put([_row(b)], settled=[second.versioned_id])
            deadline = time.monotonic() + 10
            while not _cached(store) and time.monotonic() < deadline:
                time.sleep(0.01)
            # A crash here would lose the first answer; its call must not be on record as paid and
            # stored, or the rerun that pays for it again would log it twice.
            assert _cached(store) == [second.versioned_id]
            assert _logged(store) == [second.versioned_id]
            writer.put([_row(a)], settled=[first.versioned_id])
    assert _cached(store) == _logged(store) == sorted([first.versioned_id, second.versioned_id])


def test_a_failed_paper_settles_its_calls_without_a_row(tmp_path: Path) -> None:
    store = open_warehouse(tmp_path / "w.duckdb")
    with FakeOpenAI() as server:
        server.paper_faults[PAPERS[0].versioned_id].append("500")
        summarizer = _summarizer(server, attempts=1)
        with AnswerWriter(store, "summary_cache", summarizer.chat, DAY, "run-1") as writer:
            (outcome,) = summarizer.summarize(PAPERS[:1], "en")
            assert not outcome.ok
            writer.put([], settled=[PAPERS[0].versioned_id])
            deadline = time.monotonic() + 10
            while not store.row_count("llm_calls") and time.monotonic() < deadline:
                time.sleep(0.01)
            statuses = [r["status"] for r in store.query("SELECT status FROM llm_calls")]
    assert len(statuses) == 1 and statuses[0].startswith("HTTP 500") and _cached(store) == []


def test_a_stop_mid_run_stores_every_answer_that_came_back(tmp_path: Path) -> None:
    """SIGINT lands in the main thread while calls are in flight: each call under way finishes and
    is stored with its log line, the calls not started are never made."""
    store = open_warehouse(tmp_path / "w.duckdb")
    armed = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        if armed.is_set():
            armed.clear()
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGUSR1, stop)
    try:
        with FakeOpenAI(latency_s=0.3) as server:
            summarizer = _summarizer(server, concurrency=2)

            def kill_after_three() -> None:
                while server.completed < 3:
                    time.sleep(0.005)
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)

            armed.set()
            threading.Thread(target=kill_after_three, daemon=True).start()
            with (
                pytest.raises(KeyboardInterrupt),
                AnswerWriter(store, "summary_cache", summarizer.chat, DAY, "run-1") as writer,
            ):
                summarizer.summarize(
                    PAPERS,
                    "en",
                    on_result=lambda paper, outcome: writer.put(
                        [_row(outcome)] if outcome.ok else [], settled=[paper.versioned_id]
                    ),
                )
            answered = server.completed
    finally:
        armed.clear()
        signal.signal(signal.SIGUSR1, previous)
    assert 3 <= answered < len(PAPERS)
    assert len(_cached(store)) == answered and _cached(store) == _logged(store)
