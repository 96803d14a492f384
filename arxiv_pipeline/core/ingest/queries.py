"""What ingest reads and writes: the day's listings, papers and the records already stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.records import listing_from_row
from arxiv_pipeline.core.store.schema import _MERGE_PAPERS


class IngestQueries:
    """What ingest reads and writes: the day's listings, papers and the records already stored.

    Mixed into ``Warehouse`` (``core/store/warehouse.py``)."""

    # -- ingestion ------------------------------------------------------------------------
    def upsert_papers(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Record each paper's newest version; replaying an older day never rolls one back."""
        if not rows:
            return
        with self.connect() as conn:
            self._insert(conn, "papers", rows, on_conflict=_MERGE_PAPERS)

    def listed_ids(self, day: date) -> set[str]:
        return set(
            self._column("SELECT DISTINCT arxiv_id FROM arxiv_listings WHERE announce_date = ?", [day])
        )

    def listing_meta(self, day: date) -> dict[str, Any]:
        """When the day was fetched and from which sources."""
        return self.query(
            "SELECT max(fetched_at) AS fetched_at, array_agg(DISTINCT source ORDER BY source) AS sources "
            "FROM arxiv_listings WHERE announce_date = ?",
            [day],
        )[0]

    def stored_records(self, day: date, versioned_ids: Sequence[str]) -> dict[str, Paper]:
        """Full API records (not feed-only ones) stored for the day, by versioned id."""
        rows = self.query(
            "SELECT * FROM arxiv_listings WHERE announce_date = ? AND metadata_source = 'api' "
            "AND versioned_id = ANY(?)",
            [day, list(versioned_ids)],
        )
        records = {}
        for row in rows:
            listing = listing_from_row(row)
            records[listing.versioned_id] = Paper(**listing.paper_fields())
        return records

    def papers_per_day(self, up_to: date, days: int) -> list[dict[str, Any]]:
        """(d, n): distinct papers listed on the latest ``days`` days up to ``up_to``."""
        return self.query(
            "SELECT announce_date AS d, count(DISTINCT arxiv_id) AS n FROM arxiv_listings "
            "WHERE announce_date <= ? GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
            [up_to, days],
        )
