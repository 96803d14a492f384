"""Relevance and rank: title hits weigh more than abstract hits, followed authors get a boost, an
optional LLM rating blends in, and papers shown on an earlier day are left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from arxiv_pipeline.core.config import KeywordsConfig, RankingConfig, ReaderConfig, ScoringConfig
from arxiv_pipeline.core.select.matching import TermMatcher
from arxiv_pipeline.core.select.selection import REASON_BELOW_CUTOFF, REASON_SEEN, Candidate

SCORER_NAME = "keyword"
SCORER_VERSION = "2"

Rating = tuple[float, float, str]  # LLM relevance, novelty (1-10) and its one-line reason


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
    # None for a paper left out as already shown: it is not ranked against the day's papers.
    rank: int | None = None
    selected: bool = False
    reason: str | None = None
    llm_relevance: float | None = None
    llm_novelty: float | None = None
    llm_reason: str | None = None
    llm_error: str | None = None
    # How much the paper looks like what the reader likes (0..1), and from which profile.
    reader_score: float | None = None
    reader_kind: str | None = None
    profile: str | None = None
    reader_reasons: list[str] = field(default_factory=list)
    # The score's actual contributions in words, largest first ("keyword “LLM” in title +3").
    explanation: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Weights:
    """What a score adds up, and how much each part counts: from keywords.weights, scoring,
    ranking and reader.weight."""

    terms: Mapping[str, float]  # a keyword's own weight (1 when not given)
    title: float
    abstract: float
    author_boost: float
    keywords: float  # ranking.keyword_weight, once a reader profile or the LLM blends in
    reader: float
    llm: float

    @classmethod
    def of(
        cls, keywords: KeywordsConfig, scoring: ScoringConfig, ranking: RankingConfig, reader: ReaderConfig
    ) -> Weights:
        return cls(
            terms=keywords.weights,
            title=scoring.title_weight,
            abstract=scoring.abstract_weight,
            author_boost=scoring.author_boost,
            keywords=ranking.keyword_weight,
            reader=reader.weight,
            llm=ranking.llm_weight,
        )

    def term(self, term: str) -> float:
        return self.terms.get(term, 1.0)


def keyword_scores(candidates: Iterable[Candidate], include: list[str], weights: Weights) -> list[PaperScore]:
    """Score the kept candidates (not ranked yet) on the ``include`` keywords."""
    matcher = TermMatcher(include)
    scored: list[PaperScore] = []
    for cand in candidates:
        if not cand.kept:
            continue
        title_hits = matcher.find(cand.listing.title)
        abstract_hits = matcher.find(cand.listing.abstract)
        kw = sum(weights.term(t) * weights.title for t in title_hits)
        kw += sum(weights.term(t) * weights.abstract for t in abstract_hits)
        boost = weights.author_boost if cand.followed_authors else 0.0
        scored.append(
            PaperScore(
                arxiv_id=cand.listing.arxiv_id,
                version=cand.listing.version,
                score=round(kw + boost, 4),
                keyword_score=round(kw, 4),
                author_boost=boost,
                matched_keywords=[t for t in matcher.terms if t in title_hits or t in abstract_hits],
                title_hits=title_hits,
                abstract_hits=abstract_hits,
                followed_authors=cand.followed_authors,
            )
        )
    return scored


def best_first(scores: Iterable[PaperScore]) -> list[PaperScore]:
    # Ties go to more title hits, then to the lower (older) arXiv id: stable across reruns.
    return sorted(scores, key=lambda s: (-s.score, -len(s.title_hits), s.arxiv_id))


def already_seen(score: PaperScore, seen: Mapping[str, set[int]], resurface: bool) -> bool:
    versions = seen.get(score.arxiv_id)
    if not versions:
        return False
    return score.version in versions if resurface else True


def rank_scores(
    scores: Iterable[PaperScore],
    limit: int,
    seen: Mapping[str, set[int]] | None = None,
    resurface: bool = False,
) -> list[PaperScore]:
    """Rank the day's papers best first and select the top ``limit``; papers shown on an earlier
    day (``seen``: versions by id) are left out, unless ``resurface`` lets a new version back."""
    scores = list(scores)
    shown = [s for s in scores if already_seen(s, seen or {}, resurface)]
    shown_ids = {s.arxiv_id for s in shown}
    fresh = best_first(s for s in scores if s.arxiv_id not in shown_ids)
    ranked = [
        replace(s, rank=rank, selected=rank <= limit, reason=None if rank <= limit else REASON_BELOW_CUTOFF)
        for rank, s in enumerate(fresh, start=1)
    ]
    return ranked + [replace(s, rank=None, selected=False, reason=REASON_SEEN) for s in best_first(shown)]


def with_reader(
    scores: Iterable[PaperScore],
    reader: Mapping[str, tuple[float, list[str]]],
    kind: str,
    profile: str | None,
    weights: Weights,
) -> list[PaperScore]:
    """score = keyword_weight × (keywords + author boost) + reader.weight × reader score (0..1)."""
    out = []
    for s in scores:
        value, reasons = reader.get(s.arxiv_id, (0.0, []))
        total = weights.keywords * (s.keyword_score + s.author_boost) + weights.reader * value
        out.append(
            replace(
                s,
                score=round(total, 4),
                reader_score=value,
                reader_kind=kind,
                profile=profile,
                reader_reasons=reasons,
            )
        )
    return out


def _reader_points(s: PaperScore, weights: Weights) -> float:
    return weights.reader * s.reader_score if s.reader_score is not None else 0.0


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def explain(s: PaperScore, weights: Weights) -> list[str]:
    """The score's contributions in words, largest first, each with its points: what the ranking
    actually added up, not a story about it."""
    weighted = s.reader_score is not None or s.llm_relevance is not None or s.llm_error is not None
    factor = weights.keywords if weighted else 1.0
    parts: list[tuple[float, str]] = []
    for term in s.title_hits:
        parts.append((factor * weights.term(term) * weights.title, f"keyword “{term}” in title"))
    for term in s.abstract_hits:
        parts.append((factor * weights.term(term) * weights.abstract, f"keyword “{term}” in abstract"))
    if s.author_boost:
        parts.append((factor * s.author_boost, "followed author " + ", ".join(s.followed_authors)))
    if s.reader_score:
        # Every point is accounted for, also when no single term or paper stands out.
        quiet = "your ratings, with no single term standing out"
        parts.append((_reader_points(s, weights), "; ".join(s.reader_reasons) or quiet))
    if s.llm_relevance is not None:
        points = weights.llm * (s.llm_relevance + (s.llm_novelty or 0)) / 2
        parts.append((points, f"LLM: relevance {s.llm_relevance:g}, novelty {s.llm_novelty:g}"))
    shown = [
        f"{text} +{_points(points)}" for points, text in sorted(parts, key=lambda p: -p[0]) if points >= 0.005
    ]
    return shown or ["no keyword, author, library or rating signal (score 0)"]


def explained(scores: Iterable[PaperScore], weights: Weights) -> list[PaperScore]:
    return [replace(s, explanation=explain(s, weights)) for s in scores]


def combine_with_llm(
    scores: Iterable[PaperScore],
    ratings: Mapping[str, Rating],
    errors: Mapping[str, str],
    weights: Weights,
) -> list[PaperScore]:
    """score = keyword_weight × keyword score (+ author boost) + llm_weight × mean(relevance, novelty)."""
    out = []
    for s in scores:
        base = weights.keywords * (s.keyword_score + s.author_boost) + _reader_points(s, weights)
        rating = ratings.get(s.arxiv_id)
        if rating is None:
            out.append(replace(s, score=round(base, 4), llm_error=errors.get(s.arxiv_id)))
            continue
        relevance, novelty, why = rating
        total = base + weights.llm * (relevance + novelty) / 2
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
    return out
