"""Ranking quality: does the reader's library (and their ratings) put the papers they want on top?

    python -m benchmarks.ranking [--papers 1600] [--test-papers 400]

A corpus of papers in eight ML topics, each written with an efficiency, theory or empirical slant
(``ranking_corpus``: synthetic, from hand-written phrase banks in the style of arXiv abstracts).
The reader wants speculative decoding, and efficiency papers on quantization and diffusion; their
keywords are the broad ones of the shipped config, which match most of the corpus. Their library holds mostly
speculative-decoding papers; their ratings (with 10% of them the wrong way round, as people are)
cover the rest of their taste. The older papers are the stored history (library, ratings and
background come from there); the newest ``--test-papers`` are a held-out day, whose papers the
reader wants are the relevant ones.

Ranks the held-out day as the pipeline does (``keyword_scores`` → reader profile → ``rank_scores``,
shipped weights) with: keywords only, + library similarity, + library and ratings (the classifier),
and + embeddings when the extra is installed. Prints precision@10 and nDCG@10 for each, and the
time to fit a profile and to score 2,000 papers. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, PipelineConfig, load_config
from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.profile.reader import (
    EmbeddingRanker,
    KnownPaper,
    ProfileSettings,
    Ranker,
    TfidfRanker,
)
from arxiv_pipeline.core.score.scoring import Weights, keyword_scores, rank_scores, with_reader
from arxiv_pipeline.core.select.selection import select_candidates
from arxiv_pipeline_tests.ranking_corpus import CorpusPaper, build_corpus
from benchmarks.results import write_json

REPO = Path(__file__).resolve().parents[1]
LIBRARY_TOPIC = "speculative decoding"
TODAY = date(2026, 11, 23)
WRONG_WAY_ROUND = 0.1


# Efficiency work on these topics is also what the reader reads.
ALSO_WANTED = ("quantization", "diffusion models")


def wanted(p: CorpusPaper) -> bool:
    return p.topic == LIBRARY_TOPIC or (p.flavor == "efficiency" and p.topic in ALSO_WANTED)


def listing(p: CorpusPaper) -> Listing:
    return Listing(
        arxiv_id=p.arxiv_id,
        version=1,
        title=p.title,
        abstract=p.abstract,
        authors=["A. Author"],
        primary_category="cs.LG",
        categories=["cs.LG"],
        announce_type="new",
        listed_in="cs.LG",
    )


def reader_config(require_keyword: bool) -> PipelineConfig:
    config = load_config(DEFAULT_CONFIG_PATH)
    data = config.model_dump()
    data["filter"]["require_keyword"] = require_keyword
    data["digest"]["max_papers"] = 2000
    data["digest"]["summarize_top"] = 10
    data["keywords"]["exclude"] = []
    return PipelineConfig.model_validate(data)


def ranked_scores(
    config: PipelineConfig, listings: list[Listing], reader: dict[str, Any] | None, kind: str
) -> list[Any]:
    """A day's papers ranked by the pipeline's own functions (``reader``: each paper's ReaderScore
    from a fitted profile, computed once); every paper that passes the filters gets a rank."""
    candidates = select_candidates(listings, config.categories, config.keywords, config.filter)
    weights = Weights.of(config.keywords, config.scoring, config.ranking, config.reader)
    scores = keyword_scores(candidates, config.keywords.include, weights)
    if reader is not None:
        got = {s.arxiv_id: (reader[s.arxiv_id].value, reader[s.arxiv_id].reasons) for s in scores}
        scores = with_reader(scores, got, kind, "bench", weights)
    return [s for s in rank_scores(scores, config.digest.max_papers) if s.rank is not None]


def rank(
    config: PipelineConfig, papers: list[CorpusPaper], reader: dict[str, Any] | None, kind: str
) -> list[str]:
    """The held-out day's ranking, best first."""
    return [s.arxiv_id for s in ranked_scores(config, [listing(p) for p in papers], reader, kind)]


def precision_at(ranking: list[str], relevant: set[str], k: int = 10) -> float:
    return sum(1 for i in ranking[:k] if i in relevant) / k


def ndcg_at(ranking: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, pid in enumerate(ranking[:k]) if pid in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def known_papers(history: list[CorpusPaper], library: int, ratings: int, seed: int) -> list[KnownPaper]:
    rng = random.Random(seed)
    on_topic = [p for p in history if p.topic == LIBRARY_TOPIC]
    rng.shuffle(on_topic)
    # Mostly the library topic, and a few efficiency papers from elsewhere.
    others = [p for p in history if wanted(p) and p.topic != LIBRARY_TOPIC]
    lib = on_topic[: library - library // 5] + rng.sample(others, library // 5)
    known = [
        KnownPaper(p.arxiv_id, p.title, f"{p.title}. {p.abstract}", "library", TODAY - timedelta(days=30 * i))
        for i, p in enumerate(lib)
    ]
    taken = {p.arxiv_id for p in lib}
    rated = rng.sample([p for p in history if p.arxiv_id not in taken], ratings)
    for p in rated:
        up = wanted(p) != (rng.random() < WRONG_WAY_ROUND)
        known.append(
            KnownPaper(p.arxiv_id, p.title, f"{p.title}. {p.abstract}", "up" if up else "down", TODAY)
        )
    taken |= {p.arxiv_id for p in rated}
    known += [
        KnownPaper(p.arxiv_id, p.title, f"{p.title}. {p.abstract}", "background")
        for p in history
        if p.arxiv_id not in taken
    ]
    return known


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    corpus = build_corpus(args.papers, seed=args.seed)
    history, day = corpus[: -args.test_papers], corpus[-args.test_papers :]
    relevant = {p.arxiv_id for p in day if wanted(p)}
    settings = ProfileSettings(min_ratings=10, today=TODAY)
    library_only = [k for k in known_papers(history, args.library, 0, args.seed)]
    with_ratings = known_papers(history, args.library, args.ratings, args.seed)
    rankers: list[tuple[str, Ranker]] = [("tfidf", TfidfRanker())]
    try:
        import sentence_transformers  # noqa: F401

        rankers.append(("embeddings", EmbeddingRanker()))
    except ImportError:
        pass
    out: dict[str, Any] = {
        "corpus": {
            "papers": len(corpus),
            "history": len(history),
            "held_out_day": len(day),
            "relevant": len(relevant),
        },
        "reader": {
            "library": args.library,
            "ratings": args.ratings,
            "wants": f"{LIBRARY_TOPIC}; efficiency papers on {', '.join(ALSO_WANTED)}",
        },
        "rankings": {},
    }
    # Fit each profile once (timed), score the held-out day and a 2,000-paper day with it once.
    big = build_corpus(2000, seed=args.seed + 1)
    big_texts = [f"{p.title}. {p.abstract}" for p in big]
    profiles: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, ranker in rankers:
        for what, known in (("library", library_only), ("library + ratings", with_ratings)):
            started = time.perf_counter()
            profile = ranker.fit(known, settings)
            fit_s = time.perf_counter() - started
            assert profile is not None
            got = profile.score([f"{p.title}. {p.abstract}" for p in day])
            profiles[f"{name}: {what} ({profile.kind})"] = (
                profile.kind,
                {p.arxiv_id: r for p, r in zip(day, got, strict=True)},
            )
            started = time.perf_counter()
            profile.score(big_texts)
            out.setdefault("timing", {})[f"{name}: {what}"] = {
                "fit_s": round(fit_s, 3),
                "score_2000_s": round(time.perf_counter() - started, 3),
                "cv_auc": profile.metrics.get("cv_auc"),
            }
    for require in (True, False):
        config = reader_config(require)
        label = "keyword filter on" if require else "keyword filter off"
        rows = {"keywords only": rank(config, day, None, "none")}
        for row, (kind, reader) in profiles.items():
            rows[row] = rank(config, day, reader, kind)
        out["rankings"][label] = {
            name: {
                "precision@10": precision_at(r, relevant),
                "ndcg@10": round(ndcg_at(r, relevant), 3),
                "precision@30": round(precision_at(r, relevant, 30), 3),
                "ndcg@30": round(ndcg_at(r, relevant, 30), 3),
                "ranked": len(r),
            }
            for name, r in rows.items()
        }
    out["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1600)
    parser.add_argument("--test-papers", type=int, default=400)
    parser.add_argument("--library", type=int, default=15)
    parser.add_argument("--ratings", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=REPO / "test-artifacts" / "ranking_benchmark.json")
    args = parser.parse_args()
    result = evaluate(args)
    c = result["corpus"]
    print(
        f"Corpus: {c['papers']} papers in 8 topics; history {c['history']}, held-out day {c['held_out_day']} "
        f"({c['relevant']} in the reader's topics). Library {args.library} papers, {args.ratings} ratings."
    )
    for label, rows in result["rankings"].items():
        print(f"\n{label}:")
        print(f"  {'ranking':<40} {'P@10':>6} {'nDCG@10':>8} {'P@30':>6} {'nDCG@30':>8} {'ranked':>7}")
        for name, m in rows.items():
            print(
                f"  {name:<40} {m['precision@10']:>6.2f} {m['ndcg@10']:>8.3f} {m['precision@30']:>6.2f} "
                f"{m['ndcg@30']:>8.3f} {m['ranked']:>7}"
            )
    print("\nTime (fit on the history; score 2,000 papers):")
    for name, t in result["timing"].items():
        print(f"  {name:<28} fit {t['fit_s']:.2f} s, score {t['score_2000_s']:.2f} s, cv AUC {t['cv_auc']}")
    write_json(args.output, result)


if __name__ == "__main__":
    main()
