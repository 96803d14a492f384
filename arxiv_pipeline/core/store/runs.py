"""Failed runs, recorded once each (the run-health sensor's table)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class RunQueries:
    """Failed runs, recorded once each. Mixed into ``Warehouse``."""

    def recorded_failures(self, run_ids: Sequence[str]) -> set[str]:
        """Which of these runs' failures are already recorded."""
        if not run_ids:
            return set()
        return set(self._column("SELECT run_id FROM run_failures WHERE run_id = ANY(?)", [list(run_ids)]))

    def record_run_failures(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """One row per failed run (its id is the key: recording it again changes nothing)."""
        self.upsert("run_failures", [{**r, "error": str(r["error"])[:4000]} for r in rows])
