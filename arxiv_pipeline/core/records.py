"""Conversions between the pipeline's records and the rows stored in DuckDB."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.scoring import PaperScore
from arxiv_pipeline.core.selection import Candidate
from arxiv_pipeline.core.summarizers.base import SUMMARY_FIELDS, StructuredSummary, SummaryOutcome

_LISTING_FIELDS = (
    "arxiv_id",
    "version",
    "title",
    "authors",
    "abstract",
    "primary_category",
    "categories",
    "announce_type",
    "listed_in",
    "published",
    "updated",
    "comment",
    "journal_ref",
    "doi",
    "metadata_source",
)


def listing_row(listing: Listing) -> dict[str, Any]:
    row = {name: getattr(listing, name) for name in _LISTING_FIELDS}
    row["versioned_id"] = listing.versioned_id
    return row


def listing_from_row(row: Mapping[str, Any], listed_in: str | None = None) -> Listing:
    values = {name: row[name] for name in _LISTING_FIELDS if name != "listed_in"}
    values["authors"] = list(values["authors"])
    values["categories"] = list(values["categories"])
    return Listing(**values, listed_in=listed_in if listed_in is not None else row["listed_in"])


def candidate_row(candidate: Candidate) -> dict[str, Any]:
    row = listing_row(candidate.listing)
    row.update(
        listed_in=candidate.listed_in,
        status=candidate.status,
        reason=candidate.reason,
        reason_detail=candidate.reason_detail,
        followed_authors=candidate.followed_authors,
    )
    return row


def candidate_from_row(row: Mapping[str, Any]) -> Candidate:
    return Candidate(
        listing=listing_from_row(row, listed_in=",".join(row["listed_in"])),
        listed_in=list(row["listed_in"]),
        status=row["status"],
        reason=row["reason"],
        reason_detail=row["reason_detail"],
        followed_authors=list(row["followed_authors"]),
    )


def score_row(score: PaperScore) -> dict[str, Any]:
    return dict(score.__dict__)


def score_from_row(row: Mapping[str, Any]) -> PaperScore:
    names = PaperScore.__dataclass_fields__
    values = {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in row.items() if k in names}
    return PaperScore(**values)


def summary_row(
    outcome: SummaryOutcome,
    rank: int,
    cached: bool = False,
    long_summary: str | None = None,
    long_error: str | None = None,
) -> dict[str, Any]:
    fields = {f: getattr(outcome.summary, f) if outcome.summary else None for f in SUMMARY_FIELDS}
    return {
        "arxiv_id": outcome.arxiv_id,
        "version": outcome.version,
        "rank": rank,
        "status": "ok" if outcome.ok else "failed",
        **fields,
        "language": outcome.language,
        "summarizer": outcome.summarizer,
        "summarizer_version": outcome.summarizer_version,
        "model": outcome.model,
        "prompt_version": outcome.prompt_version,
        "error": outcome.error,
        "prompt_tokens": outcome.prompt_tokens,
        "completion_tokens": outcome.completion_tokens,
        "cached": cached,
        "long_summary": long_summary,
        "long_summary_error": long_error,
    }


def cache_row(outcome: SummaryOutcome) -> dict[str, Any]:
    assert outcome.summary is not None and outcome.model and outcome.prompt_version
    return {
        "arxiv_id": outcome.arxiv_id,
        "version": outcome.version,
        "kind": "structured",
        "model": outcome.model,
        "prompt_version": outcome.prompt_version,
        "language": outcome.language,
        **{f: getattr(outcome.summary, f) for f in SUMMARY_FIELDS},
        "prompt_tokens": outcome.prompt_tokens,
        "completion_tokens": outcome.completion_tokens,
    }


def outcome_from_cache(row: Mapping[str, Any], summarizer: str) -> SummaryOutcome:
    return SummaryOutcome(
        arxiv_id=row["arxiv_id"],
        version=row["version"],
        summarizer=summarizer,
        summarizer_version=row["prompt_version"],
        language=row["language"],
        summary=StructuredSummary(**{f: row[f] for f in SUMMARY_FIELDS}),
        model=row["model"],
        prompt_version=row["prompt_version"],
    )


def summary_from_row(row: Mapping[str, Any]) -> StructuredSummary | None:
    if row["status"] != "ok":
        return None
    return StructuredSummary(**{f: row[f] or "" for f in SUMMARY_FIELDS})
