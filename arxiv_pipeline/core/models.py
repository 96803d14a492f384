"""The records that move between the pipeline's stages.

A paper is declared once, as ``Paper``: every stage's record holds one (``Listing`` is a paper as
one feed announced it, a candidate holds its listing, the digest holds its listing), and the
store's paper columns are derived from its fields, so adding a field is a change in one place.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
# New-style (2611.01234) and old-style (math/0601001, cond-mat.str-el/0501001) identifiers.
ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)*(\.[A-Za-z-]+)?/\d{7})$")
# Category names are interpolated into anchors and links; keep them to arXiv's alphabet.
CATEGORY_NAME = re.compile(r"^[A-Za-z][A-Za-z\-]*(\.[A-Za-z\-]+)?$")


@dataclass(frozen=True, kw_only=True)
class Paper:
    """One version of one arXiv paper, as arXiv describes it."""

    arxiv_id: str
    version: int
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str
    primary_category: str = ""
    categories: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.versioned_id}"

    def paper_fields(self) -> dict[str, Any]:
        """The ``Paper`` part of any record that is one, by field name."""
        return {f.name: getattr(self, f.name) for f in fields(Paper)}


@dataclass(frozen=True, kw_only=True)
class Listing(Paper):
    """A paper as one arXiv feed announced it on one day (a row of ``arxiv_listings``)."""

    announce_type: str
    listed_in: str
    # Where the metadata came from: "api" (full record) or "rss" (feed only, API had none).
    metadata_source: str = "rss"

    @classmethod
    def of(cls, paper: Paper, **listing: Any) -> Listing:
        return cls(**paper.paper_fields(), **listing)


_SQL_TYPES: dict[Any, str] = {
    str: "VARCHAR",
    int: "INTEGER",
    float: "DOUBLE",
    bool: "BOOLEAN",
    datetime: "TIMESTAMPTZ",
    date: "DATE",
    list[str]: "VARCHAR[]",
}


def sql_columns(record: type, overrides: dict[str, str] | None = None) -> str:
    """DuckDB column definitions for a record's fields: required fields are NOT NULL."""
    hints = typing.get_type_hints(record)
    lines = []
    for f in fields(record):
        hint, nullable = hints[f.name], False
        if isinstance(hint, types.UnionType):
            args = [a for a in hint.__args__ if a is not type(None)]
            hint, nullable = args[0], len(args) < len(hint.__args__)
        sql = (overrides or {}).get(f.name) or _SQL_TYPES[hint]
        lines.append(f"{f.name} {sql}" + ("" if nullable else " NOT NULL"))
    return ",\n".join(lines)


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
