"""Assets by stage: ingestion → selection → summarization → publishing."""

from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.assets.publishing import (
    daily_digest,
    digest_export,
    digest_feeds,
    digest_markdown,
    digest_site,
)
from arxiv_pipeline.assets.selection import candidate_papers, paper_scores
from arxiv_pipeline.assets.summarization import paper_summaries

ALL_ASSETS = [
    arxiv_listings,
    candidate_papers,
    paper_scores,
    paper_summaries,
    digest_markdown,
    daily_digest,
    digest_export,
    digest_feeds,
    digest_site,
]

__all__ = [
    "ALL_ASSETS",
    "arxiv_listings",
    "candidate_papers",
    "daily_digest",
    "digest_export",
    "digest_feeds",
    "digest_markdown",
    "digest_site",
    "paper_scores",
    "paper_summaries",
]
