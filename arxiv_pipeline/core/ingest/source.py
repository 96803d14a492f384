"""Where papers come from. Every source answers one question: what did arXiv announce that day?"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.models import FetchResult, Paper

# Full records already stored for the day, by versioned id ("2611.01234v2"): what a rerun of the
# day need not ask the API for again.
StoredRecords = Callable[[Sequence[str]], dict[str, Paper]]

# Bumped when what a source stores for a day changes; the UI then marks stored days stale.
SOURCE_VERSION = "1"


class PaperSource(Protocol):
    name: str

    def fetch_day(
        self, day: date, categories: Sequence[str], stored: StoredRecords | None = None
    ) -> FetchResult: ...

    def announced_day(self, categories: Sequence[str]) -> date | None:
        """The newest announcement day the source can serve now."""
        ...


def source_from_config(config: PipelineConfig) -> PaperSource:
    if config.source.kind == "arxiv":
        from arxiv_pipeline.core.ingest.arxiv_live import ArxivSource

        src = config.source
        return ArxivSource(
            contact_email=src.contact_email,
            rss_url=src.rss_url,
            api_url=src.api_url,
            timeout_s=src.timeout_s,
            max_attempts=src.max_attempts,
            backoff_base_s=src.backoff_base_s,
            min_interval_s=src.min_interval_s,
            id_batch=src.id_batch,
            page_size=src.page_size,
        )
    from arxiv_pipeline.core.ingest.replay import ReplaySource

    root = config.replay_root
    return ReplaySource(root)
