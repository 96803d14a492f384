"""The DuckDB file every stage reads from and writes to.

Each stage owns one table keyed by ``announce_date``; a stage's write replaces that day's rows in
one transaction, so a rerun leaves exactly one copy of every row, other days are untouched, and a
stage that fails before writing leaves what was stored as it was.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SCHEMA_VERSION = 1

TABLES: dict[str, str] = {
    "arxiv_listings": """
        announce_date DATE NOT NULL,
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        versioned_id VARCHAR NOT NULL,
        listed_in VARCHAR NOT NULL,
        announce_type VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        authors VARCHAR[] NOT NULL,
        abstract VARCHAR NOT NULL,
        primary_category VARCHAR NOT NULL,
        categories VARCHAR[] NOT NULL,
        published TIMESTAMPTZ,
        updated TIMESTAMPTZ,
        comment VARCHAR,
        journal_ref VARCHAR,
        doi VARCHAR,
        metadata_source VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR,
        PRIMARY KEY (announce_date, arxiv_id, listed_in)
    """,
    "feed_reports": """
        announce_date DATE NOT NULL,
        category VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        items INTEGER NOT NULL,
        detail VARCHAR,
        source VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR,
        PRIMARY KEY (announce_date, category)
    """,
    "candidate_papers": """
        announce_date DATE NOT NULL,
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        versioned_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        authors VARCHAR[] NOT NULL,
        abstract VARCHAR NOT NULL,
        primary_category VARCHAR NOT NULL,
        categories VARCHAR[] NOT NULL,
        announce_type VARCHAR NOT NULL,
        listed_in VARCHAR[] NOT NULL,
        published TIMESTAMPTZ,
        updated TIMESTAMPTZ,
        comment VARCHAR,
        journal_ref VARCHAR,
        doi VARCHAR,
        metadata_source VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        reason VARCHAR,
        reason_detail VARCHAR,
        followed_authors VARCHAR[] NOT NULL,
        config_hash VARCHAR NOT NULL,
        run_id VARCHAR,
        decided_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (announce_date, arxiv_id)
    """,
    "paper_scores": """
        announce_date DATE NOT NULL,
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        score DOUBLE NOT NULL,
        keyword_score DOUBLE NOT NULL,
        author_boost DOUBLE NOT NULL,
        matched_keywords VARCHAR[] NOT NULL,
        title_hits VARCHAR[] NOT NULL,
        abstract_hits VARCHAR[] NOT NULL,
        followed_authors VARCHAR[] NOT NULL,
        rank INTEGER NOT NULL,
        selected BOOLEAN NOT NULL,
        reason VARCHAR,
        llm_relevance DOUBLE,
        llm_novelty DOUBLE,
        llm_reason VARCHAR,
        llm_error VARCHAR,
        scorer VARCHAR NOT NULL,
        scorer_version VARCHAR NOT NULL,
        run_id VARCHAR,
        scored_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (announce_date, arxiv_id)
    """,
    "paper_summaries": """
        announce_date DATE NOT NULL,
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        tldr VARCHAR,
        motivation VARCHAR,
        method VARCHAR,
        result VARCHAR,
        conclusion VARCHAR,
        language VARCHAR NOT NULL,
        summarizer VARCHAR NOT NULL,
        summarizer_version VARCHAR NOT NULL,
        model VARCHAR,
        prompt_version VARCHAR,
        error VARCHAR,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        cached BOOLEAN,
        long_summary VARCHAR,
        long_summary_error VARCHAR,
        run_id VARCHAR,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (announce_date, arxiv_id)
    """,
    # LLM answers, paid for once per paper version, model, prompt version and language.
    "summary_cache": """
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        prompt_version VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        tldr VARCHAR,
        motivation VARCHAR,
        method VARCHAR,
        result VARCHAR,
        conclusion VARCHAR,
        long_summary VARCHAR,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (arxiv_id, version, kind, model, prompt_version, language)
    """,
    "ranking_cache": """
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        model VARCHAR NOT NULL,
        prompt_version VARCHAR NOT NULL,
        interests_hash VARCHAR NOT NULL,
        relevance DOUBLE NOT NULL,
        novelty DOUBLE NOT NULL,
        reason VARCHAR,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (arxiv_id, version, model, prompt_version, interests_hash)
    """,
    # Every LLM call made, with its tokens: the cost log.
    "llm_calls": """
        announce_date DATE NOT NULL,
        run_id VARCHAR,
        purpose VARCHAR NOT NULL,
        paper_ids VARCHAR[] NOT NULL,
        model VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        seconds DOUBLE NOT NULL,
        json_mode VARCHAR NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL
    """,
    "digests": """
        announce_date DATE NOT NULL,
        kind VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        content VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        papers INTEGER NOT NULL,
        run_id VARCHAR,
        rendered_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (announce_date, kind)
    """,
    # One row per paper across days: its newest version, and when it was first and last announced.
    "papers": """
        arxiv_id VARCHAR PRIMARY KEY,
        latest_version INTEGER NOT NULL,
        title VARCHAR NOT NULL,
        primary_category VARCHAR NOT NULL,
        first_announced DATE NOT NULL,
        last_announced DATE NOT NULL,
        last_announce_type VARCHAR NOT NULL,
        replaced BOOLEAN NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
    """,
    # Failed runs, recorded by the run-failure sensor: what broke, where, and why.
    "run_failures": """
        run_id VARCHAR PRIMARY KEY,
        job VARCHAR NOT NULL,
        partition VARCHAR,
        failed_steps VARCHAR[] NOT NULL,
        error VARCHAR NOT NULL,
        trigger VARCHAR,
        failed_at TIMESTAMPTZ NOT NULL
    """,
    # Papers that made it into a day's digest; later days leave them out as already seen.
    "seen_papers": """
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        shown_on DATE NOT NULL,
        run_id VARCHAR,
        PRIMARY KEY (arxiv_id, version, shown_on)
    """,
}


# Every paper of every day with its fate, score and summary: for ad-hoc SQL and the export.
PAPER_DIGEST_VIEW = """
CREATE OR REPLACE VIEW paper_digest AS
SELECT
    c.announce_date, c.arxiv_id, c.version, c.versioned_id, c.title, c.authors, c.abstract,
    c.primary_category, c.categories, c.announce_type, c.listed_in, c.published, c.updated,
    c.comment, c.journal_ref, c.doi, c.metadata_source,
    c.status, c.reason AS exclusion_reason, c.reason_detail, c.followed_authors,
    s.score, s.keyword_score, s.author_boost, s.matched_keywords, s.title_hits, s.abstract_hits,
    s.rank, coalesce(s.selected, false) AS selected, s.reason AS cutoff_reason,
    s.llm_relevance, s.llm_novelty, s.llm_reason, s.llm_error, s.scorer,
    m.status AS summary_status, m.tldr, m.motivation, m.method, m.result, m.conclusion,
    m.long_summary, m.language, m.summarizer, m.summarizer_version, m.model, m.prompt_version,
    m.error AS summary_error, m.cached AS summary_cached,
    c.run_id AS selection_run_id, s.run_id AS scoring_run_id, m.run_id AS summary_run_id
FROM candidate_papers c
LEFT JOIN paper_scores s ON s.announce_date = c.announce_date AND s.arxiv_id = c.arxiv_id
LEFT JOIN paper_summaries m ON m.announce_date = c.announce_date AND m.arxiv_id = c.arxiv_id
    AND m.version = c.version
"""

_COLUMN = re.compile(r"^\s*(\w+)\s+([A-Z]+(?:\[\])?)", re.M)


class StoreBusyError(RuntimeError):
    """Another process held the DuckDB file for longer than we were willing to wait."""


class Warehouse:
    """A DuckDB file with the pipeline's tables. Cheap to create; connects per operation."""

    def __init__(self, path: str | Path, lock_timeout_s: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        self._schema_ready = False

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        # DuckDB lets one process write a file at a time; concurrent runs wait their turn.
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    if "lock" in str(exc).lower():
                        raise StoreBusyError(
                            f"{self.path} stayed locked by another process for "
                            f"{self.lock_timeout_s:.0f}s: {exc}"
                        ) from exc
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._open(read_only=False)
        try:
            conn.execute("SET TimeZone = 'UTC'")
            if not self._schema_ready:
                self._create_schema(conn)
                self._schema_ready = True
            yield conn
        finally:
            conn.close()

    @staticmethod
    def _create_schema(conn: duckdb.DuckDBPyConnection) -> None:
        for name, columns in TABLES.items():
            conn.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
            # A database made by an older version gets the columns added since (nullable).
            have = {r[1] for r in conn.execute(f"PRAGMA table_info('{name}')").fetchall()}
            for column, sql_type in _COLUMN.findall(columns):
                if column not in have and column != "PRIMARY":
                    conn.execute(f"ALTER TABLE {name} ADD COLUMN {column} {sql_type}")
        conn.execute(PAPER_DIGEST_VIEW)
        conn.execute("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)")
        if not conn.execute("SELECT count(*) FROM schema_info").fetchone()[0]:
            conn.execute("INSERT INTO schema_info VALUES (?)", [SCHEMA_VERSION])

    @staticmethod
    def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        frame = pd.DataFrame.from_records(list(rows))
        columns = ", ".join(frame.columns)
        conn.register("incoming_rows", frame)
        try:
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming_rows")
        finally:
            conn.unregister("incoming_rows")

    def replace_day(
        self, table: str, day: date, rows: Sequence[Mapping[str, Any]], where: Mapping[str, Any] | None = None
    ) -> int:
        """Swap in one day's rows for a table (optionally only those matching ``where``), atomically."""
        if table not in TABLES or "announce_date" not in TABLES[table]:
            raise ValueError(f"{table} is not a per-day table")
        where = dict(where or {})
        condition = "".join(f" AND {column} = ?" for column in where)
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(
                    f"DELETE FROM {table} WHERE announce_date = ?{condition}", [day, *where.values()]
                )
                self._insert(conn, table, [{**r, **where, "announce_date": day} for r in rows])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(rows)

    def read_day(self, table: str, day: date, order_by: str | None = None) -> list[dict[str, Any]]:
        order = f" ORDER BY {order_by}" if order_by else ""
        return self.query(f"SELECT * FROM {table} WHERE announce_date = ?{order}", [day])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self.connect() as conn:
            cursor = conn.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def seen_before(self, day: date) -> dict[str, set[int]]:
        """Versions of each paper shown in a digest of an earlier day."""
        seen: dict[str, set[int]] = {}
        for row in self.query("SELECT arxiv_id, version FROM seen_papers WHERE shown_on < ?", [day]):
            seen.setdefault(row["arxiv_id"], set()).add(row["version"])
        return seen

    def mark_seen(self, day: date, papers: Sequence[tuple[str, int]], run_id: str | None) -> None:
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute("DELETE FROM seen_papers WHERE shown_on = ?", [day])
                self._insert(
                    conn,
                    "seen_papers",
                    [{"arxiv_id": a, "version": v, "shown_on": day, "run_id": run_id} for a, v in papers],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def upsert_papers(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Record each paper's newest version; replaying an older day never rolls one back."""
        if not rows:
            return
        with self.connect() as conn:
            conn.register("incoming_papers", pd.DataFrame.from_records(list(rows)))
            try:
                conn.execute("""
                    INSERT INTO papers SELECT arxiv_id, latest_version, title, primary_category,
                        first_announced, last_announced, last_announce_type, replaced, updated_at
                    FROM incoming_papers
                    ON CONFLICT (arxiv_id) DO UPDATE SET
                        title = CASE WHEN EXCLUDED.latest_version >= papers.latest_version
                                     THEN EXCLUDED.title ELSE papers.title END,
                        primary_category = CASE WHEN EXCLUDED.latest_version >= papers.latest_version
                                     THEN EXCLUDED.primary_category ELSE papers.primary_category END,
                        latest_version = greatest(papers.latest_version, EXCLUDED.latest_version),
                        first_announced = least(papers.first_announced, EXCLUDED.first_announced),
                        last_announce_type = CASE WHEN EXCLUDED.last_announced >= papers.last_announced
                                     THEN EXCLUDED.last_announce_type ELSE papers.last_announce_type END,
                        last_announced = greatest(papers.last_announced, EXCLUDED.last_announced),
                        replaced = papers.replaced OR EXCLUDED.replaced,
                        updated_at = EXCLUDED.updated_at
                """)
            finally:
                conn.unregister("incoming_papers")

    def append(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        with self.connect() as conn:
            self._insert(conn, table, rows)

    def upsert(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows, replacing those with the same primary key (cache tables)."""
        if not rows:
            return
        frame = pd.DataFrame.from_records(list(rows))
        columns = ", ".join(frame.columns)
        with self.connect() as conn:
            conn.register("incoming_rows", frame)
            try:
                conn.execute(
                    f"INSERT OR REPLACE INTO {table} ({columns}) SELECT {columns} FROM incoming_rows"
                )
            finally:
                conn.unregister("incoming_rows")

    def latest_digest_day(self, kind: str) -> date | None:
        rows = self.query("SELECT max(announce_date) AS d FROM digests WHERE kind = ?", [kind])
        return rows[0]["d"] if rows else None
