"""Where papers come from. Every source answers one question: what did arXiv announce that day?"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.models import FetchResult


class PaperSource(Protocol):
    name: str

    def fetch_day(self, day: date, categories: Sequence[str]) -> FetchResult: ...


def source_from_config(config: PipelineConfig) -> PaperSource:
    if config.source.kind == "arxiv":
        from arxiv_pipeline.core.sources.arxiv_live import ArxivLiveSource

        return ArxivLiveSource(contact_email=config.source.contact_email)
    from arxiv_pipeline.core.sources.replay import ReplaySource

    root = config.resolve(config.source.replay_dir) if config.source.replay_dir else None
    return ReplaySource(root)
