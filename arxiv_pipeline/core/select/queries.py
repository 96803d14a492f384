"""What select and score read of earlier days: kept and selected papers, and what was shown before."""

from __future__ import annotations

from datetime import date


class SelectQueries:
    """What select and score read of earlier days: kept and selected papers, and what was shown before.

    Mixed into ``Warehouse`` (``core/store/warehouse.py``)."""

    def kept_ids(self, day: date) -> set[str]:
        return set(
            self._column(
                "SELECT arxiv_id FROM candidate_papers WHERE announce_date = ? AND status = 'kept'", [day]
            )
        )

    def selected_ids(self, day: date, top: int | None = None) -> list[str]:
        """The day's selected papers in rank order (the best ``top`` of them when given)."""
        return self._column(
            "SELECT arxiv_id FROM paper_scores WHERE announce_date = ? AND selected "
            "AND (? IS NULL OR rank <= ?) ORDER BY rank",
            [day, top, top],
        )

    def seen_before(self, day: date) -> dict[str, set[int]]:
        """Versions of each paper selected for the digest of an earlier day."""
        seen: dict[str, set[int]] = {}
        for row in self.query(
            "SELECT DISTINCT arxiv_id, version FROM paper_scores WHERE announce_date < ? AND selected", [day]
        ):
            seen.setdefault(row["arxiv_id"], set()).add(row["version"])
        return seen
