"""Assets by stage: ingestion → selection → summarization → publishing → delivery."""

from arxiv_pipeline.assets.delivery import digest_delivery
from arxiv_pipeline.assets.ingestion import arxiv_listings
from arxiv_pipeline.assets.publishing import (
    daily_digest,
    digest_export,
    digest_feeds,
    digest_markdown,
    site_day_page,
    site_index,
)
from arxiv_pipeline.assets.selection import candidate_papers, paper_scores, reader_profile
from arxiv_pipeline.assets.summarization import paper_fulltext, paper_summaries

ALL_ASSETS = [
    arxiv_listings,
    candidate_papers,
    reader_profile,
    paper_scores,
    paper_fulltext,
    paper_summaries,
    digest_markdown,
    daily_digest,
    digest_export,
    site_day_page,
    site_index,
    digest_feeds,
    digest_delivery,
]

__all__ = [
    "ALL_ASSETS",
    "arxiv_listings",
    "candidate_papers",
    "daily_digest",
    "digest_delivery",
    "digest_export",
    "digest_feeds",
    "digest_markdown",
    "paper_fulltext",
    "paper_scores",
    "paper_summaries",
    "reader_profile",
    "site_day_page",
    "site_index",
]
