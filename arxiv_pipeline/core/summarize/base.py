"""What every summarizer takes and returns, so an LLM summarizer slots in beside the offline one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from arxiv_pipeline.core.fulltext import FullText
from arxiv_pipeline.core.models import Paper

SUMMARY_FIELDS = ("tldr", "motivation", "method", "result", "conclusion")

# Called with (paper, its result) the moment one is ready.
OnResult = Callable[[Paper, Any], None]
# Full texts by (arxiv id, version), for the papers that have one.
FullTexts = Mapping[tuple[str, int], FullText]
ABSTRACT = "abstract"  # a summary's source when it is not a full text ("html" or "pdf")


@dataclass(frozen=True)
class StructuredSummary:
    tldr: str
    motivation: str
    method: str
    result: str
    conclusion: str

    def missing_fields(self) -> list[str]:
        return [f for f in SUMMARY_FIELDS if not getattr(self, f).strip()]


@dataclass(frozen=True)
class SummaryOutcome:
    """One paper's summary, or the error that stopped it; either way it is recorded."""

    arxiv_id: str
    version: int
    summarizer: str
    summarizer_version: str
    language: str
    summary: StructuredSummary | None = None
    error: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    source: str = ABSTRACT  # what it was made from: "abstract", or the full text's "html" / "pdf"
    sections_used: tuple[str, ...] = ()  # the full text's section titles it was made from

    @property
    def ok(self) -> bool:
        return self.summary is not None and self.error is None


class Summarizer(Protocol):
    name: str
    version: str
    # A sentence the digest shows so readers know what produced the summaries.
    description: str

    def summarize(
        self,
        papers: Sequence[Paper],
        language: str,
        on_result: OnResult | None = None,
        fulltexts: FullTexts | None = None,
    ) -> list[SummaryOutcome]:
        """One outcome per paper, in order; each also goes to ``on_result`` as soon as it is ready.
        A paper in ``fulltexts`` is summarized from its full text, the others from the abstract."""
        ...
