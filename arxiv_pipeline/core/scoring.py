"""Keyword relevance: title hits weigh more than abstract hits; followed authors get a boost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.matching import TermMatcher
from arxiv_pipeline.core.selection import REASON_BELOW_CUTOFF, Candidate

SCORER_NAME = "keyword"
SCORER_VERSION = "1"


@dataclass(frozen=True)
class PaperScore:
    arxiv_id: str
    version: int
    score: float
    keyword_score: float
    author_boost: float
    matched_keywords: list[str]
    title_hits: list[str]
    abstract_hits: list[str]
    followed_authors: list[str] = field(default_factory=list)
    rank: int = 0
    selected: bool = False
    reason: str | None = None
    llm_relevance: float | None = None
    llm_novelty: float | None = None
    llm_reason: str | None = None
    llm_error: str | None = None


def keyword_scores(candidates: Iterable[Candidate], config: PipelineConfig) -> list[PaperScore]:
    """Score the kept candidates and rank them; the top ``digest.max_papers`` are selected."""
    matcher = TermMatcher(config.keywords.include)
    weights = config.keywords.weights
    sc = config.scoring
    scored: list[PaperScore] = []
    for cand in candidates:
        if not cand.kept:
            continue
        title_hits = matcher.find(cand.listing.title)
        abstract_hits = matcher.find(cand.listing.abstract)
        kw = sum(weights.get(t, 1.0) * sc.title_weight for t in title_hits)
        kw += sum(weights.get(t, 1.0) * sc.abstract_weight for t in abstract_hits)
        boost = sc.author_boost if cand.followed_authors else 0.0
        matched = [t for t in matcher.terms if t in title_hits or t in abstract_hits]
        scored.append(
            PaperScore(
                arxiv_id=cand.listing.arxiv_id,
                version=cand.listing.version,
                score=round(kw + boost, 4),
                keyword_score=round(kw, 4),
                author_boost=boost,
                matched_keywords=matched,
                title_hits=title_hits,
                abstract_hits=abstract_hits,
                followed_authors=cand.followed_authors,
            )
        )
    return rank_scores(scored, config.digest.max_papers)


def rank_scores(scored: Iterable[PaperScore], limit: int) -> list[PaperScore]:
    # Ties go to more title hits, then to the lower (older) arXiv id: stable across reruns.
    ordered = sorted(scored, key=lambda s: (-s.score, -len(s.title_hits), s.arxiv_id))
    return [
        replace(s, rank=rank, selected=rank <= limit, reason=None if rank <= limit else REASON_BELOW_CUTOFF)
        for rank, s in enumerate(ordered, start=1)
    ]


def combine_with_llm(
    scores: Iterable[PaperScore],
    ratings: Mapping[str, tuple[float, float, str]],
    errors: Mapping[str, str],
    config: PipelineConfig,
) -> list[PaperScore]:
    """score = keyword_weight × keyword score (+ author boost) + llm_weight × mean(relevance, novelty)."""
    r = config.ranking
    out = []
    for s in scores:
        base = r.keyword_weight * (s.keyword_score + s.author_boost)
        rating = ratings.get(s.arxiv_id)
        if rating is None:
            out.append(replace(s, score=round(base, 4), llm_error=errors.get(s.arxiv_id)))
            continue
        relevance, novelty, why = rating
        total = base + r.llm_weight * (relevance + novelty) / 2
        out.append(
            replace(
                s,
                score=round(total, 4),
                llm_relevance=relevance,
                llm_novelty=novelty,
                llm_reason=why,
                llm_error=None,
            )
        )
    return rank_scores(out, config.digest.max_papers)
