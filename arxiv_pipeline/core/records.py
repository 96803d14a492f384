"""Conversions between the pipeline's records and the rows stored in DuckDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.score.scoring import PaperScore
from arxiv_pipeline.core.select.selection import Candidate
from arxiv_pipeline.core.summarize.base import SUMMARY_FIELDS, StructuredSummary, SummaryOutcome

if TYPE_CHECKING:
    from arxiv_pipeline.core.llm.client import CallRecord

_LISTING_FIELDS = tuple(f.name for f in fields(Listing))
_SCORE_FIELDS = tuple(f.name for f in fields(PaperScore) if f.name != "reader_reasons")


def _shallow(record: Any, names: Sequence[str]) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every list, and these rows are written straight away.
    return {name: getattr(record, name) for name in names}


def listing_row(listing: Listing) -> dict[str, Any]:
    return {**_shallow(listing, _LISTING_FIELDS), "versioned_id": listing.versioned_id}


def listing_from_row(row: Mapping[str, Any], listed_in: str | None = None) -> Listing:
    values = {name: row[name] for name in _LISTING_FIELDS}
    values["authors"] = list(values["authors"])
    values["categories"] = list(values["categories"])
    if listed_in is not None:
        values["listed_in"] = listed_in
    return Listing(**values)


def candidate_row(candidate: Candidate) -> dict[str, Any]:
    return {
        **listing_row(candidate.listing),
        "listed_in": candidate.listed_in,
        "status": candidate.status,
        "reason": candidate.reason,
        "reason_detail": candidate.reason_detail,
        "followed_authors": candidate.followed_authors,
    }


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
    return _shallow(score, _SCORE_FIELDS)  # reader_reasons are stored as part of the explanation


def summary_row(
    outcome: SummaryOutcome,
    rank: int,
    cached: bool = False,
    long_summary: str | None = None,
    long_error: str | None = None,
) -> dict[str, Any]:
    fields_ = {f: getattr(outcome.summary, f) if outcome.summary else None for f in SUMMARY_FIELDS}
    return {
        "arxiv_id": outcome.arxiv_id,
        "version": outcome.version,
        "rank": rank,
        "status": "ok" if outcome.ok else "failed",
        **fields_,
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
        "source": outcome.source,
        "sections_used": list(outcome.sections_used),
    }


def cache_row(outcome: SummaryOutcome) -> dict[str, Any]:
    assert outcome.summary is not None and outcome.model and outcome.prompt_version
    return {
        "arxiv_id": outcome.arxiv_id,
        "version": outcome.version,
        "kind": cache_kind(outcome.source),
        "model": outcome.model,
        "prompt_version": outcome.prompt_version,
        "language": outcome.language,
        **{f: getattr(outcome.summary, f) for f in SUMMARY_FIELDS},
        "sections_used": list(outcome.sections_used),
        "prompt_tokens": outcome.prompt_tokens,
        "completion_tokens": outcome.completion_tokens,
    }


def cache_kind(source: str) -> str:
    """The cache's kind for a structured summary: of the abstract, or of the full text's HTML/PDF."""
    return "structured" if source == "abstract" else f"fulltext:{source}"


def outcome_from_cache(row: Mapping[str, Any], summarizer: str) -> SummaryOutcome:
    kind = row["kind"]
    return SummaryOutcome(
        source=kind.split(":", 1)[1] if kind.startswith("fulltext:") else "abstract",
        sections_used=tuple(row.get("sections_used") or ()),
        arxiv_id=row["arxiv_id"],
        version=row["version"],
        summarizer=summarizer,
        summarizer_version=row["prompt_version"],
        language=row["language"],
        summary=StructuredSummary(**{f: row[f] for f in SUMMARY_FIELDS}),
        model=row["model"],
        prompt_version=row["prompt_version"],
        # What the answer cost when it was paid for (``cached`` on the row says it was not now).
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
    )


def summary_from_row(row: Mapping[str, Any]) -> StructuredSummary | None:
    if row["status"] != "ok":
        return None
    return StructuredSummary(**{f: row[f] or "" for f in SUMMARY_FIELDS})


def llm_call_rows(calls: Sequence[CallRecord], day: date, run_id: str | None) -> list[dict[str, Any]]:
    """The ``llm_calls`` rows for the calls a client made: the cost log."""
    now = datetime.now(UTC)
    return [
        {
            "announce_date": day,
            "run_id": run_id,
            "purpose": c.purpose,
            "paper_ids": c.paper_ids,
            "model": c.model,
            "status": c.status,
            "attempts": c.attempts,
            "prompt_tokens": c.prompt_tokens,
            "completion_tokens": c.completion_tokens,
            "seconds": c.seconds,
            "json_mode": c.json_mode,
            "recorded_at": now,
        }
        for c in calls
    ]
