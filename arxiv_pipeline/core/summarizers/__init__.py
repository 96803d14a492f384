"""Summarizers behind one interface; the offline extractive one is the default."""

from __future__ import annotations

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.summarizers.base import (
    SUMMARY_FIELDS,
    PaperText,
    StructuredSummary,
    Summarizer,
    SummaryOutcome,
)
from arxiv_pipeline.core.summarizers.extractive import ExtractiveSummarizer


def summarizer_from_config(config: PipelineConfig) -> Summarizer:
    return ExtractiveSummarizer()


__all__ = [
    "SUMMARY_FIELDS",
    "ExtractiveSummarizer",
    "PaperText",
    "StructuredSummary",
    "Summarizer",
    "SummaryOutcome",
    "summarizer_from_config",
]
