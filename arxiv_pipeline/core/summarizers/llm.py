"""Structured summaries from an LLM: one call per paper, validated, in the configured language.

A reply that is not JSON, lacks a field, or is in the wrong language is retried and then recorded
as a failure for that paper; it never becomes a summary and never stops the other papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arxiv_pipeline.core.config import LANGUAGES
from arxiv_pipeline.core.llm.client import ChatClient, LLMCallError, MalformedReplyError, map_as_ready
from arxiv_pipeline.core.llm.language import language_mismatch
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.prompts import Prompt, load_prompt
from arxiv_pipeline.core.summarizers.base import OnResult, StructuredSummary, SummaryOutcome
from arxiv_pipeline.core.text import strip_control, truncate


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tldr: str = Field(min_length=1)
    motivation: str = Field(min_length=1)
    method: str = Field(min_length=1)
    result: str = Field(min_length=1)
    conclusion: str = Field(min_length=1)


class _LongReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    long_summary: str = Field(min_length=20)


SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in _Reply.model_fields},
    "required": list(_Reply.model_fields),
    "additionalProperties": False,
}
LONG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"long_summary": {"type": "string"}},
    "required": ["long_summary"],
    "additionalProperties": False,
}


def check_language(text: str, language: str) -> None:
    """Reject replies in another language than the one asked for."""
    if (found := language_mismatch(text, language)) is not None:
        raise MalformedReplyError(f"reply is in {found}, not {LANGUAGES.get(language, language)}")


def _validated(model: type[BaseModel], language: str):  # type: ignore[no-untyped-def]
    def validate(data: dict[str, Any]) -> BaseModel:
        try:
            reply = model.model_validate(data)
        except ValidationError as exc:
            missing = [".".join(map(str, e["loc"])) for e in exc.errors()]
            raise MalformedReplyError(f"missing or empty fields: {', '.join(missing)}") from None
        check_language(" ".join(str(v) for v in reply.model_dump().values()), language)
        return reply

    return validate


class LLMSummarizer:
    name = "llm"

    def __init__(
        self, chat: ChatClient, prompt: Prompt | None = None, long_prompt: Prompt | None = None
    ) -> None:
        self.chat = chat
        self.prompt = prompt or load_prompt("summary")
        self.long_prompt = long_prompt or load_prompt("long_summary")
        self.version = self.prompt.version
        self.description = f"Summaries by {chat.model} (LLM, prompt {self.prompt.version})."

    def _ask(
        self,
        prompt: Prompt,
        paper: Paper,
        language: str,
        schema_name: str,
        schema: dict[str, Any],
        reply: type[BaseModel],
        purpose: str,
    ) -> tuple[Any, Any]:
        """One validated call about one paper; raises LLMCallError when it finally fails."""
        messages = prompt.messages(
            arxiv_id=paper.versioned_id,
            title=paper.title,
            language_name=LANGUAGES[language],
            abstract=truncate(paper.abstract, self.chat.config.max_abstract_tokens * 4),
        )
        return self.chat.complete_json(
            messages,
            schema_name,
            schema,
            _validated(reply, language),
            purpose=purpose,
            paper_ids=[paper.versioned_id],
        )

    def _each(self, fn: Any, papers: Sequence[Paper], on_result: OnResult | None = None) -> list[Any]:
        """``fn`` for every paper, ``max_concurrency`` at a time; results in the papers' order, and
        each one handed to ``on_result`` the moment it is ready (to store what was paid for)."""
        return map_as_ready(fn, papers, self.chat.config.max_concurrency, on_result)

    def _one(self, paper: Paper, language: str) -> SummaryOutcome:
        base = dict(
            arxiv_id=paper.arxiv_id,
            version=paper.version,
            summarizer=self.name,
            summarizer_version=self.version,
            language=language,
            model=self.chat.model,
            prompt_version=self.prompt.version,
        )
        try:
            reply, usage = self._ask(
                self.prompt, paper, language, "paper_summary", SUMMARY_SCHEMA, _Reply, "summary"
            )
        except LLMCallError as exc:
            return SummaryOutcome(**base, error=str(exc))  # type: ignore[arg-type]
        return SummaryOutcome(
            **base,  # type: ignore[arg-type]
            summary=StructuredSummary(**{k: strip_control(v).strip() for k, v in reply.model_dump().items()}),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )

    def summarize(
        self, papers: Sequence[Paper], language: str, on_result: OnResult | None = None
    ) -> list[SummaryOutcome]:
        return self._each(lambda p: self._one(p, language), papers, on_result)

    def _long(self, paper: Paper, language: str) -> tuple[str | None, str | None, int, int]:
        try:
            reply, usage = self._ask(
                self.long_prompt, paper, language, "long_summary", LONG_SCHEMA, _LongReply, "long_summary"
            )
        except LLMCallError as exc:
            return None, str(exc), 0, 0
        return strip_control(reply.long_summary).strip(), None, usage.prompt_tokens, usage.completion_tokens

    def long_summaries(
        self, papers: Sequence[Paper], language: str, on_result: OnResult | None = None
    ) -> list[tuple[str | None, str | None, int, int]]:
        """(text, error, prompt tokens, completion tokens) per paper, in order."""
        return self._each(lambda p: self._long(p, language), papers, on_result)
