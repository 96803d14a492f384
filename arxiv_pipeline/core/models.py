"""Records that move between the pipeline's stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
# New-style (2611.01234) and old-style (math/0601001, cond-mat.str-el/0501001) identifiers.
ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)*(\.[A-Za-z-]+)?/\d{7})$")
# Category names are interpolated into anchors and links; keep them to arXiv's alphabet.
CATEGORY_NAME = re.compile(r"^[A-Za-z][A-Za-z\-]*(\.[A-Za-z\-]+)?$")


@dataclass(frozen=True)
class Listing:
    """One paper as one arXiv feed announced it on one day (a row of ``arxiv_listings``)."""

    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    primary_category: str
    categories: list[str]
    announce_type: str
    listed_in: str
    published: datetime | None = None
    updated: datetime | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    # Where the metadata came from: "api" (full record) or "rss" (feed only, API had none).
    metadata_source: str = "rss"

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"


@dataclass(frozen=True)
class FeedReport:
    """What one feed request returned: lets a run tell a holiday from a failure."""

    category: str
    status: str  # "ok", "empty" (no announcement that day), "missing" (no recording/feed)
    items: int = 0
    detail: str = ""


@dataclass(frozen=True)
class FetchResult:
    announce_date: date
    source: str
    fetched_at: datetime
    listings: list[Listing]
    feeds: list[FeedReport] = field(default_factory=list)
    api_requests: int = 0

    @property
    def unique_papers(self) -> int:
        return len({item.arxiv_id for item in self.listings})
