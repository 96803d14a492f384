"""Score: relevance and rank of every kept paper, leaving out what an earlier day showed."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.llm.client import ChatClient, LLMAuthError, usage_report
from arxiv_pipeline.core.llm.paid import AnswerWriter
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.profile.stage import load_profile
from arxiv_pipeline.core.records import candidate_from_row, score_row
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.score.scoring import (
    SCORER_NAME,
    SCORER_VERSION,
    PaperScore,
    Rating,
    Weights,
    already_seen,
    best_first,
    combine_with_llm,
    explained,
    keyword_scores,
    rank_scores,
    with_reader,
)
from arxiv_pipeline.core.store import Warehouse


def score_papers(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, chat: ChatClient | None = None
) -> StageReport:
    """Keyword scores, blended with the LLM's ratings when ranking.llm_weight > 0 and ``chat`` is
    given; then one ranking, in which papers selected on an earlier day are left out."""
    clock = Stopwatch()
    candidates = [candidate_from_row(r) for r in store.read_day("candidate_papers", day)]
    papers = {c.listing.arxiv_id: c.listing for c in candidates}
    seen, resurface = store.seen_before(day), config.filter.resurface_new_versions
    weights = Weights.of(config.keywords, config.scoring, config.ranking, config.reader)
    scores = keyword_scores(candidates, config.keywords.include, weights)
    counts: dict[str, Any] = {}
    scorer = SCORER_NAME
    profile = load_profile(store) if config.reader.weight > 0 else None
    if profile is not None and profile.model is not None:
        kept = [papers[s.arxiv_id] for s in scores]
        got = profile.model.score([f"{p.title}. {p.abstract}" for p in kept])
        reader = {p.arxiv_id: (r.value, r.reasons) for p, r in zip(kept, got, strict=True)}
        scores = with_reader(scores, reader, profile.kind, profile.fingerprint, weights)
        scorer = f"{SCORER_NAME}+{profile.kind}"
        counts["reader_profile"] = f"{profile.kind} ({profile.fingerprint})"
        counts["reader_score_max"] = max((r[0] for r in reader.values()), default=0.0)
    if config.ranking.llm_weight > 0 and chat is None:
        counts["llm_ranking"] = "skipped: no API key in the environment"
    elif config.ranking.llm_weight > 0 and chat is not None:
        unseen = [s for s in best_first(scores) if not already_seen(s, seen, resurface)]
        pool = [papers[s.arxiv_id] for s in unseen[: config.ranking.top_candidates]]
        ratings, errors = _llm_ratings(config, day, store, run_id, chat, pool, counts)
        scores = combine_with_llm(scores, ratings, errors, weights)
        scorer += "+llm"
    ranked = explained(rank_scores(scores, config.digest.max_papers, seen, resurface), weights)
    stamp = {
        "scorer": scorer,
        "scorer_version": SCORER_VERSION,
        "run_id": run_id,
        "scored_at": datetime.now(UTC),
    }
    written = store.sync_day("paper_scores", day, [{**score_row(s), **stamp} for s in ranked])
    selected = [s for s in ranked if s.selected]
    counts.update(
        {
            "selected": len(selected),
            "below_cutoff": sum(1 for s in ranked if s.rank is not None and not s.selected),
            "already_shown": sum(1 for s in ranked if s.rank is None),
            "max_score": max((s.score for s in ranked), default=0.0),
            "scorer": scorer,
            "unchanged": not written,
        }
    )
    return StageReport(rows=len(ranked), counts=counts, seconds=clock(), preview=_preview(selected[:10]))


def _preview(top: list[PaperScore]) -> str:
    def line(s: PaperScore) -> str:
        text = f"{s.rank}. {s.arxiv_id} — {s.score:g}: {'; '.join(s.explanation)}"
        if s.llm_reason:
            text += f" — LLM: {s.llm_reason}"
        return text

    return "\n".join(map(line, top))


def _llm_ratings(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    chat: ChatClient,
    pool: list[Paper],
    counts: dict[str, Any],
) -> tuple[dict[str, Rating], dict[str, str]]:
    """LLM relevance/novelty for the best keyword hits, paying once per paper version and interests."""
    from arxiv_pipeline.core.score.ranking import LLMRanker

    ranker = LLMRanker(chat, config.ranking.batch_size)
    interests_hash = hashlib.sha256(config.ranking.interests.strip().encode()).hexdigest()[:16]
    rows = store.cached_ratings(chat.model, ranker.version, interests_hash, [p.versioned_id for p in pool])
    ratings: dict[str, Rating] = {r["arxiv_id"]: (r["relevance"], r["novelty"], r["reason"]) for r in rows}
    todo = [p for p in pool if p.arxiv_id not in ratings]
    with AnswerWriter(store, "ranking_cache", chat, day, run_id) as writer:
        fresh, errors = ranker.rate(
            todo,
            config.ranking.interests,
            on_batch=lambda batch, got: writer.put(
                _rating_rows(list(batch), got, chat.model, ranker.version, interests_hash),
                settled=[p.versioned_id for p in batch],
            ),
        )
    if chat.auth_error:
        raise LLMAuthError(chat.auth_error)
    ratings.update(fresh)
    counts.update(
        {"llm_rated": len(ratings), "llm_rating_cache_hits": len(rows), "llm_rating_failures": len(errors)}
    )
    counts.update(usage_report(chat))
    return ratings, errors


def _rating_rows(
    papers: list[Paper], ratings: dict[str, Rating], model: str, prompt_version: str, interests_hash: str
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "arxiv_id": p.arxiv_id,
            "version": p.version,
            "model": model,
            "prompt_version": prompt_version,
            "interests_hash": interests_hash,
            "relevance": ratings[p.arxiv_id][0],
            "novelty": ratings[p.arxiv_id][1],
            "reason": ratings[p.arxiv_id][2],
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "created_at": now,
        }
        for p in papers
        if p.arxiv_id in ratings
    ]
