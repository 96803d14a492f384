"""The reader's ratings, library and fitted profile, and the history it is fitted against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class ProfileQueries:
    """The reader's ratings, library and fitted profile, and the history it is fitted against.

    Mixed into ``Warehouse`` (``core/store/warehouse.py``)."""

    # -- the reader ---------------------------------------------------------------------
    def known_paper(self, arxiv_id: str) -> int | None:
        """The newest stored version of a paper, or None when the store has never seen it."""
        got = self._column("SELECT latest_version FROM papers WHERE arxiv_id = ?", [arxiv_id])
        return got[0] if got else None

    def rate(self, arxiv_id: str, version: int, rating: int, source: str, at: Any) -> None:
        self.append(
            "ratings",
            [{"arxiv_id": arxiv_id, "version": version, "rating": rating, "rated_at": at, "source": source}],
        )

    def current_ratings(self) -> dict[str, dict[str, Any]]:
        """Each rated paper's latest rating (undone ones left out), by id."""
        rows = self.query(
            "SELECT arxiv_id, version, rating, rated_at, source FROM ("
            "SELECT *, row_number() OVER (PARTITION BY arxiv_id "
            f"ORDER BY rated_at DESC, {self._INSERTION_ORDER} DESC) AS n FROM ratings) AS r WHERE n = 1"
        )
        return {r["arxiv_id"]: r for r in rows if r["rating"] != 0}

    def paper_texts(self, arxiv_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Title and abstract of each paper's newest stored version (from any day's listing or
        from a library lookup)."""
        if not arxiv_ids:
            return {}
        rows = self.query(
            """
            SELECT arxiv_id, version, title, abstract, seen FROM (
                SELECT *, row_number() OVER (PARTITION BY arxiv_id ORDER BY version DESC, seen DESC) AS n
                FROM (
                    SELECT arxiv_id, version, title, abstract, announce_date AS seen FROM arxiv_listings
                    WHERE arxiv_id = ANY(?)
                    UNION ALL
                    SELECT arxiv_id, version, title, abstract, CAST(fetched_at AS DATE) FROM library_papers
                    WHERE arxiv_id = ANY(?)
                ) AS texts
            ) AS newest WHERE n = 1
            """,
            [list(arxiv_ids), list(arxiv_ids)],
        )
        return {r["arxiv_id"]: r for r in rows}

    def history_papers(self, limit: int) -> list[dict[str, Any]]:
        """The ``limit`` most recently listed papers (one row each, newest version)."""
        return self.query(
            """
            SELECT arxiv_id, title, abstract, announce_date FROM (
                SELECT arxiv_id, title, abstract, announce_date, row_number() OVER (
                    PARTITION BY arxiv_id ORDER BY version DESC, announce_date DESC) AS n
                FROM arxiv_listings
            ) AS newest WHERE n = 1
            ORDER BY announce_date DESC, arxiv_id LIMIT ?
            """,
            [limit],
        )

    def history_stamp(self) -> str:
        """Changes when the stored history of listings does."""
        row = self.query(
            "SELECT count(*) AS n, count(DISTINCT arxiv_id) AS papers, max(announce_date) AS last, "
            "max(fetched_at) AS fetched FROM arxiv_listings"
        )[0]
        return f"{row['n']}/{row['papers']}/{row['last']}/{row['fetched']}"

    def profile_fingerprint(self) -> str | None:
        got = self._column("SELECT fingerprint FROM reader_profile ORDER BY built_at DESC LIMIT 1", [])
        return got[0] if got else None

    def reader_profile(self) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM reader_profile ORDER BY built_at DESC LIMIT 1")
        return rows[0] if rows else None

    def save_reader_profile(self, profile: Mapping[str, Any], library: Sequence[Mapping[str, Any]]) -> None:
        """The new profile and the library it was built from replace the old ones, together."""
        with self._transaction() as conn:
            self._lock_for_update(conn, f"{self.reader}/reader_profile")
            conn.execute("DELETE FROM reader_profile")
            conn.execute("DELETE FROM reader_library")
            columns = list(profile)
            marks = ", ".join("?" for _ in columns)
            conn.execute(
                f"INSERT INTO reader_profile ({', '.join(columns)}) VALUES ({marks})",
                [profile[c] for c in columns],
            )
            self._insert(conn, "reader_library", library)

    def store_library_papers(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.upsert("library_papers", rows)
