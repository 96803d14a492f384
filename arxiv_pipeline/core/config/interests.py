"""The reader's interests: keywords, filters, scoring weights, the digest's size, summaries, LLM ranking
and the reader model."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from arxiv_pipeline.core.config.base import LANGUAGES, AnnounceType, _Section


class KeywordsConfig(_Section):
    include: list[str] = Field(
        default_factory=list,
        description="Whole words or phrases (case-insensitive) that make a paper relevant. "
        "A trailing * matches any ending (quantiz*); plurals match (LLM matches LLMs).",
    )
    exclude: list[str] = Field(default_factory=list, description="Terms that drop a paper.")
    authors: list[str] = Field(default_factory=list, description="Followed authors: always kept and boosted.")
    weights: dict[str, float] = Field(
        default_factory=dict, description="Optional per-keyword weight (default 1.0)."
    )

    @field_validator("include", "exclude", "authors")
    @classmethod
    def _non_blank(cls, terms: list[str]) -> list[str]:
        cleaned = [t.strip() for t in terms]
        for term in cleaned:
            if not term or term == "*":
                raise ValueError("entries must be non-empty words or phrases")
        return cleaned

    @field_validator("weights")
    @classmethod
    def _positive_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        for term, weight in weights.items():
            if weight <= 0:
                raise ValueError(f"weight of {term!r} must be greater than 0 (got {weight})")
        return weights


class FilterConfig(_Section):
    announce_types: list[AnnounceType] = Field(default_factory=lambda: ["new", "cross"])
    require_keyword: bool = Field(
        True, description="Drop papers that match no include keyword (when any are configured)."
    )
    resurface_new_versions: bool = Field(
        False, description="Let a paper shown before come back when a new version is announced."
    )

    @field_validator("announce_types")
    @classmethod
    def _some_types(cls, types: list[str]) -> list[str]:
        if not types:
            raise ValueError("list at least one of new, cross, replace, replace-cross")
        return types


class ScoringConfig(_Section):
    title_weight: float = Field(2.0, ge=0)
    abstract_weight: float = Field(1.0, ge=0)
    author_boost: float = Field(5.0, ge=0)


class DigestConfig(_Section):
    title: str = Field("arXiv Digest", min_length=1, description="Heading of the Markdown digests.")
    max_papers: int = Field(30, ge=1, le=2000, description="Papers kept in the digest.")
    summarize_top: int = Field(10, ge=0, le=2000, description="How many get a summary.")
    abstract_chars: int = Field(
        300,
        ge=50,
        le=10000,
        description="README digest: the abstract's opening sentences up to about this many characters, "
        "then its result sentence when that comes later.",
    )
    authors_shown: int = Field(
        12, ge=1, le=1000, description="Authors listed in the Markdown digests before 'and N more'."
    )
    # arXiv itself caps abstracts at 1,920 characters: only a broken or hostile record is cut.
    max_title_chars: int = Field(
        500, ge=50, le=100_000, description="A longer title is cut for display, with a note (stored whole)."
    )
    max_abstract_chars: int = Field(
        5000,
        ge=200,
        le=1_000_000,
        description="A longer abstract is cut in every output, with a note (stored whole).",
    )
    max_comment_chars: int = Field(
        1000, ge=50, le=100_000, description="A longer arXiv comment is cut for display, with a note."
    )

    @model_validator(mode="after")
    def _summarize_within_digest(self) -> DigestConfig:
        if self.summarize_top > self.max_papers and "summarize_top" not in self.model_fields_set:
            # The default (10) follows a smaller digest; only an explicit value is a mistake.
            object.__setattr__(self, "summarize_top", self.max_papers)
        if self.summarize_top > self.max_papers:
            raise ValueError(
                f"summarize_top ({self.summarize_top}) is larger than max_papers ({self.max_papers}): only "
                "papers in the digest are summarized; lower summarize_top or raise max_papers"
            )
        return self


class SummaryConfig(_Section):
    language: str = Field("en", description="Language of summaries.")
    summarizer: Literal["auto", "llm", "local", "extractive"] = Field(
        "auto",
        description="auto: the LLM when an API key is set, else extractive; local: a small model "
        "served on this machine (the `local` extra, llm.local_model).",
    )
    long_summary_top: int = Field(
        0, ge=0, le=200, description="How many top papers also get a long-form LLM summary."
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)} (got {value!r})")
        return value


class RankingConfig(_Section):
    """Optional LLM ranking, combined with the keyword score; keyword-only by default."""

    llm_weight: float = Field(0.0, ge=0, description="0 turns LLM ranking off.")
    keyword_weight: float = Field(1.0, ge=0)
    interests: str = Field("", description="Free text: what you want to read about.")
    batch_size: int = Field(8, ge=1, le=50, description="Papers per ranking call.")
    top_candidates: int = Field(100, ge=1, le=2000, description="Best keyword hits sent to the LLM.")

    @model_validator(mode="after")
    def _interests_when_on(self) -> RankingConfig:
        if self.llm_weight > 0 and not self.interests.strip():
            raise ValueError(
                "set ranking.interests (a sentence about what you want to read) "
                "when ranking.llm_weight is above 0"
            )
        return self


class ReaderConfig(_Section):
    """Ranking by the reader's own library and ratings (off until a library or a rating exists)."""

    library: list[str] = Field(
        default_factory=list,
        description="Your library: BibTeX (.bib), CSL-JSON (.json) or a list of arXiv ids/URLs (.txt).",
    )
    weight: float = Field(
        20.0, ge=0, description="Points a paper gets at reader score 1 (0..1); 0 turns the reader part off."
    )
    learned: bool = Field(True, description="Train a classifier from your ratings once there are enough.")
    min_ratings: int = Field(10, ge=1, le=10_000, description="Ratings before the classifier takes over.")
    half_life_days: float = Field(
        365.0, gt=0, description="Library papers this old weigh half as much as new ones (towards 0.5)."
    )
    background_papers: int = Field(
        2000,
        ge=0,
        le=50_000,
        description="Unrated papers from the stored history the classifier learns from.",
    )
    ranker: Literal["tfidf", "embeddings"] = Field(
        "tfidf", description="tfidf needs nothing more; embeddings needs pip install '.[embeddings]'."
    )

    @field_validator("library")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        cleaned = [p.strip() for p in paths]
        if any(not p for p in cleaned):
            raise ValueError("entries must be file paths (a .bib, .json or .txt file)")
        return cleaned
