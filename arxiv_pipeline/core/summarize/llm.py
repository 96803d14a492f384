"""Structured summaries from an LLM: one call per paper, validated, in the configured language.

A reply that is not JSON, lacks a field, or is in the wrong language is retried and then recorded
as a failure for that paper; it never becomes a summary and never stops the other papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arxiv_pipeline.core.config import LANGUAGES
from arxiv_pipeline.core.fulltext import FullText, Section
from arxiv_pipeline.core.llm.client import ChatClient, LLMCallError, MalformedReplyError, map_as_ready
from arxiv_pipeline.core.llm.language import language_mismatch
from arxiv_pipeline.core.llm.prompts import Prompt, load_prompt, neutralize
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.summarize.base import (
    FullTexts,
    OnResult,
    StructuredSummary,
    SummaryOutcome,
)
from arxiv_pipeline.core.summarize.sense import summary_problem
from arxiv_pipeline.core.text import strip_control, truncate


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tldr: str = Field(min_length=1)
    motivation: str = Field(min_length=1)
    method: str = Field(min_length=1)
    result: str = Field(min_length=1)
    conclusion: str = Field(min_length=1)


class _NotesReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    notes: str = Field(min_length=1)


NOTES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"notes": {"type": "string"}},
    "required": ["notes"],
    "additionalProperties": False,
}
# The sections a summary needs, most needed first; the rest go in when there is room.
SECTION_PRIORITY = ("abstract", "introduction", "method", "results", "conclusion")


def _block(section: Section, limit: int) -> str:
    return f"## {neutralize(section.title)}\n{neutralize(truncate(section.text, limit))}"


def plan_fulltext(fulltext: FullText, budget_chars: int) -> list[list[Section]]:
    """The sections to send, in the paper's order: one part when the needed ones fit the budget
    (others added while room is left), else several parts of at most the budget each (a section
    longer than the budget is cut to it) for map-reduce."""
    needed = [s for s in fulltext.sections if s.kind in SECTION_PRIORITY]
    if not needed:
        needed = list(fulltext.sections)
    if sum(len(s.text) for s in needed) <= budget_chars:
        chosen, room = set(map(id, needed)), budget_chars - sum(len(s.text) for s in needed)
        for section in fulltext.sections:
            if id(section) not in chosen and len(section.text) <= room:
                chosen.add(id(section))
                room -= len(section.text)
        return [[s for s in fulltext.sections if id(s) in chosen]]
    parts: list[list[Section]] = [[]]
    used = 0
    for section in needed:
        size = min(len(section.text), budget_chars)
        if parts[-1] and used + size > budget_chars:
            parts.append([])
            used = 0
        parts[-1].append(section)
        used += size
    return parts


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


def _validated(model: type[BaseModel], language: str, title: str = "", source: str = ""):  # type: ignore[no-untyped-def]
    """Checks a reply: its fields, its language and, for a summary, that it says something about
    ``source`` (the text the model was given)."""

    def validate(data: dict[str, Any]) -> BaseModel:
        try:
            reply = model.model_validate(data)
        except ValidationError as exc:
            missing = [".".join(map(str, e["loc"])) for e in exc.errors()]
            raise MalformedReplyError(f"missing or empty fields: {', '.join(missing)}") from None
        check_language(" ".join(str(v) for v in reply.model_dump().values()), language)
        if model is _Reply and (problem := summary_problem(reply.model_dump(), title, source, language)):
            raise MalformedReplyError(problem)
        return reply

    return validate


class LLMSummarizer:
    name = "llm"

    def __init__(
        self,
        chat: ChatClient,
        prompt: Prompt | None = None,
        long_prompt: Prompt | None = None,
        prompts_dir: Any = None,
    ) -> None:
        self.chat = chat
        self.prompt = prompt or load_prompt("summary")
        self.long_prompt = long_prompt or load_prompt("long_summary")
        self.fulltext_prompt = load_prompt("summary_fulltext", folder=prompts_dir)
        self.notes_prompt = load_prompt("fulltext_notes", folder=prompts_dir)
        self.version = self.prompt.version
        self.fulltext_version = f"{self.fulltext_prompt.version}+{self.notes_prompt.version}"
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
        abstract = truncate(paper.abstract, self.chat.config.max_abstract_tokens * 4)
        messages = prompt.messages(
            arxiv_id=paper.versioned_id,
            title=paper.title,
            language_name=LANGUAGES[language],
            abstract=abstract,
        )
        return self.chat.complete_json(
            messages,
            schema_name,
            schema,
            _validated(reply, language, paper.title, f"{paper.title}\n{abstract}"),
            purpose=purpose,
            paper_ids=[paper.versioned_id],
        )

    def _each(self, fn: Any, papers: Sequence[Paper], on_result: OnResult | None = None) -> list[Any]:
        """``fn`` for every paper, ``max_concurrency`` at a time; results in the papers' order, and
        each one handed to ``on_result`` the moment it is ready (to store what was paid for)."""
        return map_as_ready(fn, papers, self.chat.config.max_concurrency, on_result)

    def _outcome_base(self, paper: Paper, language: str, version: str, prompt_version: str) -> dict[str, Any]:
        """What every outcome of this summarizer for ``paper`` carries, answer or error."""
        return dict(
            arxiv_id=paper.arxiv_id,
            version=paper.version,
            summarizer=self.name,
            summarizer_version=version,
            language=language,
            model=self.chat.model,
            prompt_version=prompt_version,
        )

    def _one(self, paper: Paper, language: str) -> SummaryOutcome:
        base = self._outcome_base(paper, language, self.version, self.prompt.version)
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
        self,
        papers: Sequence[Paper],
        language: str,
        on_result: OnResult | None = None,
        fulltexts: FullTexts | None = None,
    ) -> list[SummaryOutcome]:
        texts = fulltexts or {}

        def one(paper: Paper) -> SummaryOutcome:
            fulltext = texts.get((paper.arxiv_id, paper.version))
            return self._one_fulltext(paper, fulltext, language) if fulltext else self._one(paper, language)

        return self._each(one, papers, on_result)

    def _one_fulltext(self, paper: Paper, fulltext: FullText, language: str) -> SummaryOutcome:
        """From the full text: one call when the needed sections fit ``llm.max_fulltext_tokens``,
        else notes on each part (map) and the summary from the notes (reduce)."""
        budget = self.chat.config.max_fulltext_tokens * 4  # characters, at ~4 per token
        parts = plan_fulltext(fulltext, budget)
        base = self._outcome_base(paper, language, self.fulltext_version, self.fulltext_version) | {
            "source": fulltext.source,
            "sections_used": tuple(s.title for part in parts for s in part),
        }
        tokens = [0, 0]  # prompt and completion tokens of every call, failed ones too

        def ask(
            prompt: Prompt, sections: str, schema_name: str, schema: dict[str, Any], reply: Any, **extra: str
        ) -> Any:
            return self._ask_sections(
                paper, language, tokens, prompt, sections, schema_name, schema, reply, **extra
            )

        try:
            if len(parts) == 1:
                text = "\n\n".join(_block(s, budget) for s in parts[0])
            else:
                notes = [
                    ask(
                        self.notes_prompt,
                        "\n\n".join(_block(s, budget) for s in part),
                        "fulltext_notes",
                        NOTES_SCHEMA,
                        _NotesReply,
                        part=str(i),
                        parts=str(len(parts)),
                    ).notes
                    for i, part in enumerate(parts, start=1)
                ]
                text = "\n\n".join(
                    f"## Notes on part {i}\n{neutralize(strip_control(n))}"
                    for i, n in enumerate(notes, start=1)
                )
            reply = ask(self.fulltext_prompt, text, "fulltext_summary", SUMMARY_SCHEMA, _Reply)
        except LLMCallError as exc:
            return SummaryOutcome(
                **base, error=str(exc), prompt_tokens=tokens[0], completion_tokens=tokens[1]
            )  # type: ignore[arg-type]
        return SummaryOutcome(
            **base,  # type: ignore[arg-type]
            summary=StructuredSummary(**{k: strip_control(v).strip() for k, v in reply.model_dump().items()}),
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
        )

    def _ask_sections(
        self,
        paper: Paper,
        language: str,
        tokens: list[int],
        prompt: Prompt,
        sections: str,
        schema_name: str,
        schema: dict[str, Any],
        reply: Any,
        **extra: str,
    ) -> Any:
        """One call on (part of) the full text; its tokens are added to ``tokens``. Notes are in
        English whatever the summary's language: only the summary is checked for it."""
        messages = prompt.messages(
            assembled={"sections": sections},
            arxiv_id=paper.versioned_id,
            title=paper.title,
            language_name=LANGUAGES[language],
            **extra,
        )
        answer, usage = self.chat.complete_json(
            messages,
            schema_name,
            schema,
            _validated(
                reply, language if reply is _Reply else "en", paper.title, f"{paper.abstract}\n{sections}"
            ),
            purpose=schema_name,
            paper_ids=[paper.versioned_id],
        )
        tokens[0] += usage.prompt_tokens
        tokens[1] += usage.completion_tokens
        return answer

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
