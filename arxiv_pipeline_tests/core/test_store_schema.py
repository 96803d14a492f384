"""A warehouse made by an older version opens with today's schema and keeps what it held."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from arxiv_pipeline.core.store import Warehouse

OLD_DAY, NEW_DAY = date(2026, 11, 16), date(2026, 11, 17)


def test_digests_of_an_older_database_stay_readable_and_new_ones_are_stored_compressed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as conn:
        # The digests table as versions before the compressed text made it.
        conn.execute("""
            CREATE TABLE digests (
                announce_date DATE NOT NULL, kind VARCHAR NOT NULL, path VARCHAR NOT NULL,
                content VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, papers INTEGER NOT NULL,
                run_id VARCHAR, rendered_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (announce_date, kind))
        """)
        conn.execute(
            "INSERT INTO digests VALUES (?, 'readme', 'README.md', '# old day', 'x', 3, NULL, ?)",
            [OLD_DAY, datetime(2026, 11, 16, tzinfo=UTC)],
        )
    store = Warehouse(path)
    assert store.digest_text(OLD_DAY, "readme") == "# old day"

    text = "# new day\n" + "a paper, its summary and why it was picked\n" * 5000
    row = {
        "path": "README.md",
        "content_zlib": zlib.compress(text.encode(), 6),
        "sha256": "y",
        "papers": 9,
        "run_id": "r",
        "rendered_at": datetime(2026, 11, 17, tzinfo=UTC),
    }
    store.replace_day("digests", NEW_DAY, [row], where={"kind": "readme"})
    assert store.digest_text(NEW_DAY, "readme") == text
    assert store.digest_text(OLD_DAY, "readme") == "# old day"
    assert store.digest_text(NEW_DAY, "daily") is None
    stored = store.query(
        "SELECT octet_length(content_zlib) AS n FROM digests WHERE announce_date = ?", [NEW_DAY]
    )
    assert stored[0]["n"] < len(text) / 20
