"""Summarizers behind one interface; the offline extractive one is the default."""

from __future__ import annotations

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.summarize.base import (
    SUMMARY_FIELDS,
    StructuredSummary,
    Summarizer,
    SummaryOutcome,
)
from arxiv_pipeline.core.summarize.extractive import ExtractiveSummarizer


def summarizers_version() -> str:
    """The packaged summarizers' versions (offline, and the LLM's prompts), for the asset's code version."""
    from arxiv_pipeline.core.llm.prompts import load_prompt

    names = ("summary", "long_summary", "summary_fulltext", "fulltext_notes")
    prompts = "+".join(load_prompt(name).version for name in names)
    return f"{ExtractiveSummarizer.name}.{ExtractiveSummarizer.version}+{prompts}"


def summarizer_from_config(config: PipelineConfig, api_key: str | None = None) -> Summarizer:
    """The LLM when asked for (or, on auto, when a key is set); otherwise the offline default.
    ``local``: the LLM at llm.base_url, which the caller points at the model it serves."""
    api_key = api_key or config.llm_api_key()
    mode = config.summary.summarizer
    if mode in ("llm", "local") or (mode == "auto" and api_key):
        from arxiv_pipeline.core.llm.client import ChatClient
        from arxiv_pipeline.core.llm.prompts import load_prompt
        from arxiv_pipeline.core.summarize.llm import LLMSummarizer

        folder = config.resolve(config.llm.prompts_dir) if config.llm.prompts_dir else None
        return LLMSummarizer(
            ChatClient(config.llm, api_key),
            prompt=load_prompt("summary", folder=folder),
            long_prompt=load_prompt("long_summary", folder=folder),
            prompts_dir=folder,
        )
    return ExtractiveSummarizer()


__all__ = [
    "SUMMARY_FIELDS",
    "ExtractiveSummarizer",
    "StructuredSummary",
    "Summarizer",
    "SummaryOutcome",
    "summarizer_from_config",
    "summarizers_version",
]
