"""The deliveries ledger: each (day, target) claimed, sent or failed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any


class DeliverQueries:
    """The deliveries ledger: each (day, target) claimed, sent or failed once. Mixed into ``Warehouse``."""

    def delivery(self, day: date, target: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM deliveries WHERE announce_date = ? AND target = ?", [day, target])
        return rows[0] if rows else None

    def record_delivery(self, row: Mapping[str, Any]) -> None:
        self.upsert("deliveries", [row])

    def claim_delivery(
        self,
        row: Mapping[str, Any],
        force: bool,
        lease_s: float,
        run_alive: Callable[[str], bool | None] = lambda run_id: None,
    ) -> dict[str, Any] | None:
        """Write ``row`` (a "sending" claim) unless the target already has the day (and ``force`` is
        off) or another run is sending it: one ``run_alive`` says is running, or, when it cannot
        tell, one that claimed it less than ``lease_s`` ago. One transaction on a file one process
        writes at a time: two runs of the same day never both send. Returns the row that stood in
        the way, or None when the claim is ours."""
        with self._transaction() as conn:
            self._lock_for_update(conn, f"deliveries/{row['announce_date']}/{row['target']}")
            cursor = conn.execute(
                "SELECT * FROM deliveries WHERE announce_date = ? AND target = ?",
                [row["announce_date"], row["target"]],
            )
            names = [d[0] for d in cursor.description]
            found = cursor.fetchall()
            current = dict(zip(names, found[0], strict=True)) if found else None
            if current is not None:
                if current["status"] == "sent" and not force:
                    return current
                if current["status"] == "sending" and current["run_id"] != row["run_id"]:
                    alive = run_alive(current["run_id"]) if current["run_id"] else None
                    age = (row["updated_at"] - current["updated_at"]).total_seconds()
                    if alive or (alive is None and age < lease_s):
                        return current
            self._insert(conn, "deliveries", [row], verb="INSERT OR REPLACE")
        return None

    def failed_delivery_days(self, days: int) -> dict[date, int]:
        """Targets not delivered (failed, or a send cut short) per day, for the latest ``days`` days
        that have any."""
        rows = self.query(
            "SELECT announce_date AS d, count(*) AS n FROM deliveries WHERE status IN ('failed', 'sending') "
            "GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
            [days],
        )
        return {r["d"]: r["n"] for r in rows}
