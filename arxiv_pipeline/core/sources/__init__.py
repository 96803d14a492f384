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
        from arxiv_pipeline.core.sources.arxiv_live import ArxivSource
        from arxiv_pipeline.core.sources.http import ARXIV_RATE_LIMITER

        src = config.source
        # The limiter is shared by the whole process; it takes the configured spacing.
        ARXIV_RATE_LIMITER.min_interval_s = src.min_interval_s
        return ArxivSource(
            contact_email=src.contact_email,
            rss_url=src.rss_url,
            api_url=src.api_url,
            timeout_s=src.timeout_s,
            max_attempts=src.max_attempts,
            backoff_base_s=src.backoff_base_s,
            id_batch=src.id_batch,
            page_size=src.page_size,
        )
    from arxiv_pipeline.core.sources.replay import ReplaySource

    root = config.resolve(config.source.replay_dir) if config.source.replay_dir else None
    return ReplaySource(root)
