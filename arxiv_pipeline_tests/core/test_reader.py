"""The reader profile: similarity to the library, the classifier once there are ratings, and
explanations that name what actually contributed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from arxiv_pipeline.core.profile.reader import (
    KnownPaper,
    LearnedProfile,
    ProfileSettings,
    SimilarityProfile,
    TfidfRanker,
    recency_weight,
)
from arxiv_pipeline_tests.ranking_corpus import build_corpus

TODAY = date(2026, 11, 23)


def known(paper, label, when=None) -> KnownPaper:
    return KnownPaper(paper.arxiv_id, paper.title, f"{paper.title}. {paper.abstract}", label, when)


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(480, seed=3)


def test_no_liked_paper_means_no_profile(corpus) -> None:
    background = [known(p, "background") for p in corpus[:50]]
    assert TfidfRanker().fit(background, ProfileSettings(today=TODAY)) is None
    downs = [known(p, "down") for p in corpus[:20]]
    assert TfidfRanker().fit(downs + background, ProfileSettings(min_ratings=1, today=TODAY)) is None


def test_library_similarity_ranks_the_library_topic_first(corpus) -> None:
    history, day = corpus[:400], corpus[400:]
    library = [known(p, "library") for p in history if p.topic == "graph neural networks"][:8]
    profile = TfidfRanker().fit(
        library + [known(p, "background") for p in history], ProfileSettings(today=TODAY)
    )
    assert isinstance(profile, SimilarityProfile) and profile.kind == "library"
    scores = profile.score([f"{p.title}. {p.abstract}" for p in day])
    ranked = sorted(zip(day, scores, strict=True), key=lambda ps: -ps[1].value)
    top = [p.topic for p, _ in ranked[:8]]
    assert top.count("graph neural networks") >= 7, top
    # The reason names the library paper that is actually closest, with the true cosine.
    best, score = ranked[0]
    title = re.search(r"your paper “(.+)” \((\d\.\d\d)\)", score.reasons[0])
    assert title is not None
    named = [k for k in library if k.title.startswith(title.group(1).rstrip("…"))]
    assert named, score.reasons
    sims = (profile.vectorizer.transform([f"{best.title}. {best.abstract}"]) @ profile.liked.T).toarray()[0]
    assert float(title.group(2)) == pytest.approx(sims.max(), abs=0.006)


def test_ratings_train_a_classifier_that_learns_a_taste_across_topics(corpus) -> None:
    history, day = corpus[:400], corpus[400:]
    # The reader likes efficiency papers whatever the topic, and says so in ratings.
    rated = history[:60]
    ratings = [known(p, "up" if p.flavor == "efficiency" else "down", TODAY) for p in rated]
    library = [known(p, "library") for p in history[60:] if p.flavor == "efficiency"][:3]
    background = [known(p, "background") for p in history[60:] if p.flavor != "efficiency"]
    settings = ProfileSettings(min_ratings=10, today=TODAY)
    profile = TfidfRanker().fit(ratings + library + background, settings)
    assert isinstance(profile, LearnedProfile) and profile.kind == "learned"
    assert profile.metrics["cv_auc"] > 0.8 and profile.metrics["ratings"] == 60

    scores = profile.score([f"{p.title}. {p.abstract}" for p in day])
    ranked = sorted(zip(day, scores, strict=True), key=lambda ps: -ps[1].value)
    top = [p.flavor for p, _ in ranked[:20]]
    assert top.count("efficiency") >= 17, top
    # "you liked N papers on “term”": the term is in the paper, and N liked papers contain it.
    paper, score = ranked[0]
    assert score.reasons
    for reason in score.reasons:
        found = re.match(r"you liked (\d+) papers? on “(.+)”", reason)
        assert found is not None, reason
        n, term = int(found.group(1)), found.group(2)
        analyze = profile.vectorizer.build_analyzer()
        assert term in analyze(f"{paper.title}. {paper.abstract}")
        liked = [k for k in ratings + library if k.label in ("up", "library")]
        assert n == sum(1 for k in liked if term in analyze(k.text))

    # Too few ratings: similarity stays in charge; learning switched off: likewise.
    assert TfidfRanker().fit(ratings[:5] + background, settings).kind == "library"
    off = ProfileSettings(min_ratings=10, learned=False, today=TODAY)
    assert TfidfRanker().fit(ratings + library + background, off).kind == "library"


def test_recent_library_papers_weigh_more() -> None:
    assert recency_weight(TODAY, TODAY, 365) == 1.0
    assert recency_weight(date(2025, 11, 23), TODAY, 365) == pytest.approx(0.75)
    assert 0.5 < recency_weight(date(2000, 1, 1), TODAY, 365) < 0.51
    assert recency_weight(None, TODAY, 365) == 1.0  # unknown: as if new
