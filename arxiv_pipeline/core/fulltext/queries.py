"""Stored full texts, and the days whose full texts failed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any


class FulltextQueries:
    """Stored full texts, and the days whose full texts failed. Mixed into ``Warehouse``."""

    # -- operations -----------------------------------------------------------------------
    def fulltexts(self, versioned: Sequence[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
        """Stored full-text rows (sections included) of these paper versions."""
        if not versioned:
            return {}
        ids = [f"{a}v{v}" for a, v in versioned]
        rows = self.query(
            "SELECT * FROM paper_fulltext WHERE arxiv_id || 'v' || CAST(version AS VARCHAR) = ANY(?)",
            [ids],
        )
        return {(r["arxiv_id"], r["version"]): r for r in rows}

    def failed_fulltext_days(self, days: int, max_attempts: int) -> dict[date, int]:
        """Per day (the latest ``days`` with any), summarized papers whose full text could not be
        had yet and may be tried again."""
        rows = self.query(
            "SELECT s.announce_date AS d, count(*) AS n FROM paper_summaries s "
            "JOIN paper_fulltext f USING (arxiv_id, version) "
            "WHERE f.status = 'failed' AND f.attempts < ? GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
            [max_attempts, days],
        )
        return {r["d"]: r["n"] for r in rows}
