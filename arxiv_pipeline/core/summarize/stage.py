"""Summarize: the day's top papers, from their full text where ``paper_fulltext`` has it, each
answer paid for once and cached by paper version, source (abstract, or the full text's HTML or
PDF), model, prompt version and language."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.fulltext import FullText, Section
from arxiv_pipeline.core.llm.client import LLMAuthError, usage_report
from arxiv_pipeline.core.llm.paid import AnswerWriter
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.records import (
    cache_kind,
    cache_row,
    listing_from_row,
    outcome_from_cache,
    summary_row,
)
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.core.summarize import Summarizer, SummaryOutcome
from arxiv_pipeline.core.summarize.base import FullTexts
from arxiv_pipeline.core.summarize.llm import LLMSummarizer

Key = tuple[str, int]
LongText = tuple[str | None, str | None]  # (long summary, error)


def _key(p: Paper | SummaryOutcome) -> Key:
    return (p.arxiv_id, p.version)


def summarize_papers(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, summarizer: Summarizer
) -> StageReport:
    """Summarize the day's top ``digest.summarize_top`` papers; LLM answers come from the cache
    when already paid for, and a failure is recorded for its paper without stopping the others."""
    clock = Stopwatch()
    language = config.summary.language
    top = store.papers_to_summarize(day, config.digest.summarize_top)
    papers = [listing_from_row(r, listed_in=",".join(r["listed_in"])) for r in top]
    llm = summarizer if isinstance(summarizer, LLMSummarizer) else None
    fulltexts = stored_fulltexts(store, papers)
    outcomes, cached = _structured(summarizer, llm, papers, language, store, day, run_id, fulltexts)
    long_texts = _long(llm, papers, outcomes, config.summary.long_summary_top, language, store, day, run_id)
    ranks = {r["arxiv_id"]: r["rank"] for r in top}
    created_at = datetime.now(UTC)
    rows = [
        {
            **summary_row(o, ranks[o.arxiv_id], o_key in cached, *long_texts.get(o.arxiv_id, (None, None))),
            "run_id": run_id,
            "created_at": created_at,
        }
        for o, o_key in ((o, _key(o)) for o in outcomes)
    ]
    written = store.sync_day("paper_summaries", day, rows)
    counts = {**_counts(summarizer, outcomes, len(cached), long_texts), "unchanged": not written}
    counts["from_fulltext"] = sum(1 for o in outcomes if o.ok and o.source != "abstract")
    if llm is not None:
        counts.update(usage_report(llm.chat))
    return StageReport(rows=len(outcomes), counts=counts, seconds=clock())


def stored_fulltexts(store: Warehouse, papers: list[Paper]) -> dict[Key, FullText]:
    """The full texts ``paper_fulltext`` holds for these paper versions."""
    rows = store.fulltexts([_key(p) for p in papers])
    return {
        key: FullText(
            row["source"],
            [Section(s["title"], s["kind"], s["text"]) for s in json.loads(row["sections"])],
            pages=row["pages"],
        )
        for key, row in rows.items()
        if row["status"] == "ok" and row["sections"]
    }


def _structured(
    summarizer: Summarizer,
    llm: LLMSummarizer | None,
    papers: list[Paper],
    language: str,
    store: Warehouse,
    day: date,
    run_id: str | None,
    fulltexts: FullTexts,
) -> tuple[list[SummaryOutcome], set[Key]]:
    """One outcome per paper, in order, and the keys that came from the cache."""
    if llm is None:
        return summarizer.summarize(papers, language, fulltexts=fulltexts), set()
    cached: dict[Key, dict[str, Any]] = {}
    for source in ("abstract", "html", "pdf"):
        group = [
            p.versioned_id
            for p in papers
            if (fulltexts[_key(p)].source if _key(p) in fulltexts else "abstract") == source
        ]
        version = llm.version if source == "abstract" else llm.fulltext_version
        cached.update(store.cached_summaries(cache_kind(source), llm.chat.model, version, language, group))
    misses = [p for p in papers if _key(p) not in cached]
    with AnswerWriter(store, "summary_cache", llm.chat, day, run_id) as writer:

        def store_answer(paper: Paper, outcome: SummaryOutcome) -> None:
            rows = [{**cache_row(outcome), "created_at": datetime.now(UTC)}] if outcome.ok else []
            writer.put(rows, settled=[paper.versioned_id])

        fresh = {
            _key(o): o
            for o in summarizer.summarize(misses, language, on_result=store_answer, fulltexts=fulltexts)
        }
    if llm.chat.auth_error:
        raise LLMAuthError(llm.chat.auth_error)  # every paper would fail the same way: stop here
    outcomes = [
        outcome_from_cache(cached[k], summarizer.name) if k in cached else fresh[k] for k in map(_key, papers)
    ]
    return outcomes, set(cached)


def _long(
    llm: LLMSummarizer | None,
    papers: list[Paper],
    outcomes: list[SummaryOutcome],
    top: int,
    language: str,
    store: Warehouse,
    day: date,
    run_id: str | None,
) -> dict[str, LongText]:
    """Long-form summaries of the very top papers that have a summary, also paid for once."""
    chosen = [p for p, o in zip(papers, outcomes, strict=True) if o.ok][:top] if llm else []
    if llm is None or not chosen:
        return {}
    version, model = llm.long_prompt.version, llm.chat.model
    hits = store.cached_summaries("long", model, version, language, [p.versioned_id for p in chosen])
    todo = [p for p in chosen if _key(p) not in hits]
    with AnswerWriter(store, "summary_cache", llm.chat, day, run_id) as writer:
        results = llm.long_summaries(
            todo,
            language,
            on_result=lambda paper, result: writer.put(
                _long_cache_rows([paper], [result], model, version, language), settled=[paper.versioned_id]
            ),
        )
    texts: dict[str, LongText] = {
        p.arxiv_id: (hits[_key(p)]["long_summary"], None) for p in chosen if _key(p) in hits
    }
    texts.update({p.arxiv_id: (text, err) for p, (text, err, _pt, _ct) in zip(todo, results, strict=True)})
    return texts


def _long_cache_rows(
    papers: list[Paper],
    results: list[tuple[str | None, str | None, int, int]],
    model: str,
    version: str,
    language: str,
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "arxiv_id": p.arxiv_id,
            "version": p.version,
            "kind": "long",
            "model": model,
            "prompt_version": version,
            "language": language,
            "long_summary": text,
            "prompt_tokens": pt,
            "completion_tokens": ct,
            "created_at": now,
        }
        for p, (text, _err, pt, ct) in zip(papers, results, strict=True)
        if text
    ]


def _counts(
    summarizer: Summarizer, outcomes: list[SummaryOutcome], cache_hits: int, long_texts: dict[str, LongText]
) -> dict[str, Any]:
    failed = [o for o in outcomes if not o.ok]
    counts: dict[str, Any] = {
        "summarizer": f"{summarizer.name} (version {summarizer.version}): {summarizer.description}",
        "summarized": len(outcomes) - len(failed),
        "failed": len(failed),
        "cache_hits": cache_hits,
        "long_summaries": sum(1 for text, _ in long_texts.values() if text),
        "llm_calls": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
    }
    if failed:
        counts["failures"] = {f"{o.arxiv_id}v{o.version}": o.error for o in failed}
    return counts
