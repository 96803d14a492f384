"""The papers to summarize, cached summaries, and the days whose summaries failed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any


class SummarizeQueries:
    """The papers to summarize, cached summaries, and the days whose summaries failed.

    Mixed into ``Warehouse`` (``core/store/warehouse.py``)."""

    # -- summaries ------------------------------------------------------------------------
    def papers_to_summarize(self, day: date, limit: int) -> list[dict[str, Any]]:
        """The day's best ``limit`` selected papers: their candidate row plus their rank."""
        return self.query(
            "SELECT s.rank, c.* FROM paper_scores s JOIN candidate_papers c USING (announce_date, arxiv_id) "
            "WHERE s.announce_date = ? AND s.selected ORDER BY s.rank LIMIT ?",
            [day, limit],
        )

    def cached_summaries(
        self, kind: str, model: str, prompt_version: str, language: str, versioned_ids: Sequence[str]
    ) -> dict[tuple[str, int], dict[str, Any]]:
        if not versioned_ids:
            return {}
        rows = self.query(
            "SELECT * FROM summary_cache WHERE kind = ? AND model = ? AND prompt_version = ? "
            "AND language = ? AND arxiv_id || 'v' || version = ANY(?)",
            [kind, model, prompt_version, language, list(versioned_ids)],
        )
        return {(r["arxiv_id"], r["version"]): r for r in rows}

    def failed_summary_days(self, days: int) -> dict[date, int]:
        """Failed summaries per day, for the latest ``days`` days that have any."""
        rows = self.query(
            "SELECT announce_date AS d, count(*) AS n FROM paper_summaries WHERE status = 'failed' "
            "GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
            [days],
        )
        return {r["d"]: r["n"] for r in rows}
