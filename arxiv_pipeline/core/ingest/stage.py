"""Ingest: what arXiv announced on the day, stored as it came, with a record of each feed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.ingest.source import PaperSource
from arxiv_pipeline.core.models import FetchResult, Listing
from arxiv_pipeline.core.records import listing_row
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse


def newest_versions(listings: list[Listing]) -> dict[str, Listing]:
    best: dict[str, Listing] = {}
    for item in listings:
        if item.arxiv_id not in best or item.version > best[item.arxiv_id].version:
            best[item.arxiv_id] = item
    return best


def _paper_rows(result: FetchResult, day: date) -> list[dict[str, Any]]:
    return [
        {
            "arxiv_id": i.arxiv_id,
            "latest_version": i.version,
            "title": i.title,
            "primary_category": i.primary_category,
            "first_announced": day,
            "last_announced": day,
            "last_announce_type": i.announce_type,
            "replaced": i.version > 1,
            "updated_at": result.fetched_at,
        }
        for i in newest_versions(result.listings).values()
    ]


def _provenance(result: FetchResult, run_id: str | None) -> dict[str, Any]:
    return {"source": result.source, "fetched_at": result.fetched_at, "run_id": run_id}


def fetch_listings(
    config: PipelineConfig, day: date, store: Warehouse, source: PaperSource, run_id: str | None
) -> StageReport:
    clock = Stopwatch()
    # Fetch everything before touching the store: a failed fetch leaves stored days untouched.
    result = source.fetch_day(day, config.categories, stored=lambda ids: store.stored_records(day, ids))
    provenance = _provenance(result, run_id)
    # The same listings as stored (a rerun, nothing new) keep their rows and first fetch's provenance.
    written = store.sync_day(
        "arxiv_listings", day, [{**listing_row(i), **provenance} for i in result.listings]
    )
    store.upsert_papers(_paper_rows(result, day))
    store.replace_day(
        "feed_reports",
        day,
        [
            {"category": f.category, "status": f.status, "items": f.items, "detail": f.detail, **provenance}
            for f in result.feeds
        ],
    )
    counts = {**_fetch_counts(result), "unchanged": not written}
    return StageReport(rows=len(result.listings), counts=counts, seconds=clock())


def _fetch_counts(result: FetchResult) -> dict[str, Any]:
    return {
        "unique_papers": result.unique_papers,
        "api_requests": result.api_requests,
        "by_announce_type": dict(Counter(i.announce_type for i in result.listings)),
        "feeds": {f.category: f"{f.status} ({f.items})" for f in result.feeds},
        "source": result.source,
        "no_announcement": bool(result.feeds) and all(f.status == "empty" for f in result.feeds),
        "replacements": sum(1 for i in newest_versions(result.listings).values() if i.version > 1),
    }
