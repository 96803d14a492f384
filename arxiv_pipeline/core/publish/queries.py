"""What publishing reads and records: a day's digest rows and text, the published files, the built days."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from arxiv_pipeline.core.store.schema import _NO_ANNOUNCEMENT, data_columns


class PublishQueries:
    """What publishing reads and records: a day's digest rows and text, the published files, the built days.

    Mixed into ``Warehouse`` (``core/store/warehouse.py``)."""

    def day_fingerprint(self, day: date, sources: Mapping[str, str | None]) -> str:
        """A hash of the day's stored rows in these tables, each over the given column expression
        (None: every column but provenance): equal only when that content is. Computed inside
        DuckDB, so a 2,000-paper day costs milliseconds, not a read."""
        parts = " UNION ALL ".join(
            f"SELECT '{t}' AS t, count(*) AS n, "
            f"sum({self._row_hash(expr or ', '.join(data_columns(t)))}) AS h FROM {t} WHERE announce_date = ?"
            for t, expr in sources.items()
        )
        rows = self.query(f"SELECT t, n, h FROM ({parts}) AS tables ORDER BY t", [day] * len(sources))
        return ";".join(f"{r['t']}:{r['n']}:{r['h']}" for r in rows)

    def published_file(self, path: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM published_files WHERE path = ?", [path])
        return rows[0] if rows else None

    def record_published(self, path: str, inputs: str, sha256: str, size: int, run_id: str | None) -> None:
        row = {
            "path": path,
            "inputs": inputs,
            "sha256": sha256,
            "bytes": size,
            "run_id": run_id,
            "written_at": datetime.now(UTC),
        }
        self.upsert("published_files", [row])

    # -- publishing -----------------------------------------------------------------------
    def digest_rows(self, day: date) -> list[dict[str, Any]]:
        """Every paper of the day with every stored field (the ``paper_digest`` view)."""
        return self.query(
            "SELECT * FROM paper_digest WHERE announce_date = ? ORDER BY rank NULLS LAST, arxiv_id", [day]
        )

    def digest_text(self, day: date, kind: str) -> str | None:
        """The digest of ``kind`` as it was rendered for the day, or None if there is none."""
        rows = self.query(
            "SELECT content, content_zlib FROM digests WHERE announce_date = ? AND kind = ?", [day, kind]
        )
        if not rows:
            return None
        packed = rows[0]["content_zlib"]
        return zlib.decompress(packed).decode("utf-8") if packed is not None else rows[0]["content"]

    def latest_digest_day(self, kind: str) -> date | None:
        """The newest day with a digest of ``kind``, holidays left out."""
        return self._column(
            "SELECT max(announce_date) FROM digests WHERE kind = ? "
            f"AND announce_date NOT IN ({_NO_ANNOUNCEMENT})",
            [kind],
        )[0]

    def built_days(self) -> list[dict[str, Any]]:
        """(d, listed, papers, summarized) for every built announcement day, newest first. A day
        whose candidates all fell to the filters still counts once its digest is rendered;
        holidays (every feed empty) do not."""
        return self.query(f"""
            SELECT c.announce_date AS d, count(*) AS listed,
                   count(*) FILTER (WHERE s.selected) AS papers,
                   count(*) FILTER (WHERE m.status = 'ok') AS summarized
            FROM candidate_papers c
            LEFT JOIN paper_scores s USING (announce_date, arxiv_id)
            LEFT JOIN paper_summaries m USING (announce_date, arxiv_id)
            GROUP BY c.announce_date
            UNION ALL
            SELECT DISTINCT announce_date, 0, 0, 0 FROM digests
            WHERE papers = 0 AND announce_date NOT IN (SELECT announce_date FROM candidate_papers)
                AND announce_date NOT IN ({_NO_ANNOUNCEMENT})
            ORDER BY 1 DESC""")
