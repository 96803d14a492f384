"""LLM ranking: relevance to the reader's own description of their interests, and novelty,
each 1–10 with a one-line reason, several papers per call to save tokens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arxiv_pipeline.core.llm.client import ChatClient, LLMCallError, MalformedReplyError, map_as_ready
from arxiv_pipeline.core.llm.prompts import Prompt, load_prompt, neutralize
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.score.scoring import Rating
from arxiv_pipeline.core.text import strip_control, truncate

# The packaged prompt's version, for the asset's code version.
RANKING_PROMPT_VERSION = load_prompt("ranking").version


class _Rating(BaseModel):
    model_config = ConfigDict(extra="ignore")
    arxiv_id: str
    relevance: int = Field(ge=1, le=10)
    novelty: int = Field(ge=1, le=10)
    reason: str = ""


class _Ratings(BaseModel):
    model_config = ConfigDict(extra="ignore")
    papers: list[_Rating]


RANKING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "papers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "arxiv_id": {"type": "string"},
                    "relevance": {"type": "integer"},
                    "novelty": {"type": "integer"},
                    "reason": {"type": "string"},
                },
                "required": ["arxiv_id", "relevance", "novelty", "reason"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["papers"],
    "additionalProperties": False,
}


class LLMRanker:
    def __init__(self, chat: ChatClient, batch_size: int = 8, prompt: Prompt | None = None) -> None:
        self.chat = chat
        self.batch_size = batch_size
        self.prompt = prompt or load_prompt("ranking")
        self.version = self.prompt.version

    def _batch(self, papers: Sequence[Paper], interests: str) -> tuple[dict[str, Rating], dict[str, str]]:
        ids = [p.versioned_id for p in papers]
        block = "\n\n".join(
            f'<paper id="{p.versioned_id}">\nTitle: {_clean(p.title)}\n'
            f"Abstract: {_clean(truncate(p.abstract, self.chat.config.max_abstract_tokens * 2))}\n</paper>"
            for p in papers
        )

        def validate(data: dict[str, Any]) -> dict[str, _Rating]:
            try:
                reply = _Ratings.model_validate(data)
            except ValidationError as exc:
                raise MalformedReplyError(f"bad ratings: {exc.errors()[0]['msg']}") from None
            got = {r.arxiv_id: r for r in reply.papers}
            if set(got) != set(ids):
                raise MalformedReplyError(f"ratings for {sorted(got)}, expected {sorted(ids)}")
            return got

        messages = self.prompt.messages(assembled={"papers": block}, interests=interests)
        try:
            got, _usage = self.chat.complete_json(
                messages, "paper_ratings", RANKING_SCHEMA, validate, purpose="ranking", paper_ids=ids
            )
        except LLMCallError as exc:
            return {}, {p.arxiv_id: str(exc) for p in papers}
        return {
            p.arxiv_id: (
                float(got[p.versioned_id].relevance),
                float(got[p.versioned_id].novelty),
                strip_control(got[p.versioned_id].reason).strip(),
            )
            for p in papers
        }, {}

    def rate(
        self,
        papers: Sequence[Paper],
        interests: str,
        on_batch: Callable[[Sequence[Paper], dict[str, Rating]], None] | None = None,
    ) -> tuple[dict[str, Rating], dict[str, str]]:
        """Ratings and errors by paper id; each batch, with the ratings it got, also goes to
        ``on_batch`` as soon as it is answered or failed (to store what was paid for)."""
        batches = [papers[i : i + self.batch_size] for i in range(0, len(papers), self.batch_size)]
        ratings: dict[str, Rating] = {}
        errors: dict[str, str] = {}

        def ready(batch: Sequence[Paper], result: tuple[dict[str, Rating], dict[str, str]]) -> None:
            if on_batch is not None:
                on_batch(batch, result[0])

        for got, failed in map_as_ready(
            lambda b: self._batch(b, interests), batches, self.chat.config.max_concurrency, ready
        ):
            ratings.update(got)
            errors.update(failed)
        return ratings, errors


def _clean(text: str) -> str:
    return neutralize(text)
