"""Select: every paper of the day, kept or left out with the reason."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from arxiv_pipeline.core.config import PipelineConfig, config_hash
from arxiv_pipeline.core.records import candidate_row, listing_from_row
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.select.selection import select_candidates
from arxiv_pipeline.core.store import Warehouse


def decide_candidates(config: PipelineConfig, day: date, store: Warehouse, run_id: str | None) -> StageReport:
    clock = Stopwatch()
    listings = [listing_from_row(r) for r in store.read_day("arxiv_listings", day)]
    candidates = select_candidates(listings, config.categories, config.keywords, config.filter)
    stamp = {"config_hash": config_hash(config), "run_id": run_id, "decided_at": datetime.now(UTC)}
    written = store.sync_day("candidate_papers", day, [{**candidate_row(c), **stamp} for c in candidates])
    outcomes = dict(Counter(c.reason or "kept" for c in candidates))
    return StageReport(
        rows=len(candidates),
        counts={
            "listed_rows": len(listings),
            "kept": outcomes.get("kept", 0),
            "outcomes": outcomes,
            "unchanged": not written,
        },
        seconds=clock(),
    )
