"""The DuckDB file every stage reads from and writes to; the only place the pipeline writes SQL.

Each stage owns one table keyed by ``announce_date``; a stage's write replaces that day's rows in
one transaction, so a rerun leaves exactly one copy of every row, other days are untouched, and a
stage that fails before writing leaves what was stored as it was.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from arxiv_pipeline.core.config import is_postgres_url
from arxiv_pipeline.core.models import Listing, Paper, sql_columns
from arxiv_pipeline.core.records import listing_from_row

SCHEMA_VERSION = 2

# A paper's columns come from the one declaration of a paper (models.Listing).
_LISTING_COLUMNS = sql_columns(Listing)
_CANDIDATE_COLUMNS = sql_columns(Listing, {"listed_in": "VARCHAR[]"})

TABLES: dict[str, str] = {
    "arxiv_listings": f"""
        announce_date DATE NOT NULL,
        {_LISTING_COLUMNS},
        versioned_id VARCHAR NOT NULL,
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
    "candidate_papers": f"""
        announce_date DATE NOT NULL,
        {_CANDIDATE_COLUMNS},
        versioned_id VARCHAR NOT NULL,
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
        rank INTEGER,
        selected BOOLEAN NOT NULL,
        reason VARCHAR,
        llm_relevance DOUBLE,
        llm_novelty DOUBLE,
        llm_reason VARCHAR,
        llm_error VARCHAR,
        reader_score DOUBLE,
        reader_kind VARCHAR,
        explanation VARCHAR[],
        profile VARCHAR,
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
        source VARCHAR,
        sections_used VARCHAR[],
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
        sections_used VARCHAR[],
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
    # The text is kept zlib-compressed (Warehouse.digest_text reads it): the table gets rows every
    # day but never a second row group, so each checkpoint rereads the text of every stored day;
    # plain, an 8-day backfill of 2,000-paper days spent ~60 MB doing so. `content` holds the text
    # of rows written before that, and is NULL since.
    "digests": """
        announce_date DATE NOT NULL,
        kind VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        content VARCHAR,
        content_zlib BLOB,
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
    # The reader's "more like this" (1) / "less like this" (-1) / undone (0), newest last: the
    # current rating of a paper is its latest row.
    "ratings": """
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        rating INTEGER NOT NULL,
        rated_at TIMESTAMPTZ NOT NULL,
        source VARCHAR NOT NULL
    """,
    # The library as last parsed (replaced whenever the profile is rebuilt).
    "reader_library": """
        entry VARCHAR NOT NULL,
        arxiv_id VARCHAR,
        title VARCHAR NOT NULL,
        abstract VARCHAR NOT NULL,
        year INTEGER,
        added DATE,
        has_text BOOLEAN NOT NULL,
        fingerprint VARCHAR NOT NULL
    """,
    # Title and abstract of library papers found on arXiv by id, fetched once.
    "library_papers": """
        arxiv_id VARCHAR PRIMARY KEY,
        version INTEGER NOT NULL,
        title VARCHAR NOT NULL,
        abstract VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL
    """,
    # The fitted reader profile (one row: the current one) and what it was built from.
    "reader_profile": """
        fingerprint VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        ranker VARCHAR NOT NULL,
        library_entries INTEGER NOT NULL,
        ratings_up INTEGER NOT NULL,
        ratings_down INTEGER NOT NULL,
        metrics VARCHAR NOT NULL,
        model BLOB,
        run_id VARCHAR,
        built_at TIMESTAMPTZ NOT NULL
    """,
    # Failed runs, recorded by the run-failure sensor: what broke, where, and why.
    # What each published file was made from, so an unchanged day is not rendered again.
    "published_files": """
        path VARCHAR PRIMARY KEY,
        inputs VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        run_id VARCHAR,
        written_at TIMESTAMPTZ NOT NULL
    """,
    # Full texts, fetched once per paper version: the sections (title, kind, text) as JSON, or the
    # reasons there is none yet (retried by later runs up to fulltext.max_attempts).
    "paper_fulltext": """
        arxiv_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        source VARCHAR,
        url VARCHAR,
        sections VARCHAR,
        chars INTEGER NOT NULL,
        bytes BIGINT NOT NULL,
        pages INTEGER,
        sha256 VARCHAR,
        error VARCHAR,
        attempts INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        run_id VARCHAR,
        fetched_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (arxiv_id, version)
    """,
    # Each day's delivery to each target: claimed ("sending") before the send, so a crash is seen
    # and a retry reuses the message id; a "sent" day is not sent again unless forced.
    "deliveries": """
        announce_date DATE NOT NULL,
        target VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        papers INTEGER NOT NULL,
        message_id VARCHAR,
        content_sha256 VARCHAR,
        detail VARCHAR,
        run_id VARCHAR,
        updated_at TIMESTAMPTZ NOT NULL,
        delivered_at TIMESTAMPTZ,
        PRIMARY KEY (announce_date, target)
    """,
    "run_failures": """
        run_id VARCHAR PRIMARY KEY,
        job VARCHAR NOT NULL,
        partition VARCHAR,
        failed_steps VARCHAR[] NOT NULL,
        error VARCHAR NOT NULL,
        trigger VARCHAR,
        failed_at TIMESTAMPTZ NOT NULL
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
    s.llm_relevance, s.llm_novelty, s.llm_reason, s.llm_error, s.reader_score, s.reader_kind,
    s.explanation, s.scorer,
    m.status AS summary_status, m.tldr, m.motivation, m.method, m.result, m.conclusion,
    m.long_summary, m.language, m.summarizer, m.summarizer_version, m.model, m.prompt_version,
    m.error AS summary_error, m.cached AS summary_cached,
    c.run_id AS selection_run_id, s.run_id AS scoring_run_id, m.run_id AS summary_run_id
FROM candidate_papers c
LEFT JOIN paper_scores s ON s.announce_date = c.announce_date AND s.arxiv_id = c.arxiv_id
LEFT JOIN paper_summaries m ON m.announce_date = c.announce_date AND m.arxiv_id = c.arxiv_id
    AND m.version = c.version
"""

# With readers, each reader's tables live in the DuckDB schema reader_<name>; these stay in main,
# shared: the day's fetch, the papers, and what was paid for or downloaded once per paper version.
SHARED_TABLES = frozenset(
    {
        "arxiv_listings",
        "feed_reports",
        "papers",
        "paper_fulltext",
        "summary_cache",
        "ranking_cache",
        "llm_calls",
        "run_failures",
    }
)


def reader_schema(reader: str) -> str:
    return f"reader_{reader}"


_COLUMN = re.compile(r"^\s*(\w+)\s+([A-Z]+(?:\[\])?)( NOT NULL| PRIMARY KEY)?", re.M)


# Days arXiv made no announcement (holidays): every feed fetched for the day was empty.
_NO_ANNOUNCEMENT = (
    "SELECT announce_date FROM feed_reports GROUP BY announce_date HAVING bool_and(status = 'empty')"
)

# A paper's newest version wins; replaying an older day never rolls one back.
_MERGE_PAPERS = """
    ON CONFLICT (arxiv_id) DO UPDATE SET
        title = CASE WHEN EXCLUDED.latest_version >= target.latest_version
                     THEN EXCLUDED.title ELSE target.title END,
        primary_category = CASE WHEN EXCLUDED.latest_version >= target.latest_version
                     THEN EXCLUDED.primary_category ELSE target.primary_category END,
        latest_version = greatest(target.latest_version, EXCLUDED.latest_version),
        first_announced = least(target.first_announced, EXCLUDED.first_announced),
        last_announce_type = CASE WHEN EXCLUDED.last_announced >= target.last_announced
                     THEN EXCLUDED.last_announce_type ELSE target.last_announce_type END,
        last_announced = greatest(target.last_announced, EXCLUDED.last_announced),
        replaced = target.replaced OR EXCLUDED.replaced,
        updated_at = EXCLUDED.updated_at
"""

_SCHEMA_READY: set[tuple[Any, ...]] = set()
_SCHEMA_LOCK = threading.Lock()


def open_warehouse(
    location: str | Path, lock_timeout_s: float = 120.0, reader: str | None = None
) -> Warehouse:
    """The DuckDB file at a path, or the PostgreSQL database at a ``postgresql://`` URL."""
    if is_postgres_url(location):
        from arxiv_pipeline.core.store_postgres import PostgresWarehouse

        return PostgresWarehouse(str(location), lock_timeout_s, reader)
    return Warehouse(location, lock_timeout_s, reader)


class StoreBusyError(RuntimeError):
    """Another process held the DuckDB file for longer than we were willing to wait."""


class LockWaits:
    """How long this process waited for other processes' hold on DuckDB files (the single-writer
    lock): what concurrent runs cost each other, reported by the benchmark."""

    def __init__(self) -> None:
        self.count = 0  # connections that had to wait
        self.total_s = 0.0
        self.max_s = 0.0
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.count += 1
            self.total_s += seconds
            self.max_s = max(self.max_s, seconds)

    def as_dict(self) -> dict[str, float]:
        return {"waits": self.count, "total_s": round(self.total_s, 3), "max_s": round(self.max_s, 3)}


LOCK_WAITS = LockWaits()


# When and by which run a row was written, and whether its answer was paid for in that run: not
# part of what the row says. A rerun that computes the same data keeps the stored rows as they are.
PROVENANCE = frozenset(
    {"run_id", "fetched_at", "decided_at", "scored_at", "created_at", "rendered_at", "cached"}
)


def data_columns(table: str) -> list[str]:
    """A table's columns less its provenance."""
    return [name for name, _, _ in table_columns(table) if name not in PROVENANCE]


def table_columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, SQL type, nullable) of each column of one of the pipeline's tables."""
    return [
        (name, sql_type, not not_null)
        for name, sql_type, not_null in _COLUMN.findall(TABLES[table])
        if name != "PRIMARY"
    ]


class Warehouse:
    """A DuckDB file with the pipeline's tables. Cheap to create; connects per operation, or once
    for a whole step inside ``held()``.

    The SQL here is written to run on PostgreSQL too (``PostgresWarehouse``); what differs lives in
    the few hooks below: connecting, the schema, bulk inserts, a row hash and row locks."""

    # Breaks ties between rows with the same timestamp in the order they were written.
    _INSERTION_ORDER = "rowid"

    def __init__(self, path: str | Path, lock_timeout_s: float = 120.0, reader: str | None = None) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        # A reader's store sees their own tables first, then the shared ones (SHARED_TABLES).
        self.reader = reader
        self._held: duckdb.DuckDBPyConnection | None = None

    @property
    def location(self) -> str:
        """Where the data lives, as a stable key (for caches that outlive one Warehouse)."""
        return str(self.path.resolve())

    @staticmethod
    def _row_hash(columns: str) -> str:
        """SQL for a 128-bit-summable hash of a row's ``columns`` (a day's fingerprint is their sum)."""
        return f"hash({columns})::HUGEINT"

    def _lock_for_update(self, conn: Any, key: str) -> None:
        """Inside a transaction: no other writer gets past this with the same ``key`` until it ends
        (two runs replacing the same day's rows, or claiming the same send, go one after the
        other). DuckDB's file has one writing process at a time, so nothing to do here."""

    # -- connections and schema -----------------------------------------------------------
    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        # DuckDB lets one process write a file at a time; concurrent runs wait their turn.
        started = time.monotonic()
        deadline = started + self.lock_timeout_s
        delay, waited = 0.05, False
        while True:
            try:
                conn = duckdb.connect(str(self.path), read_only=read_only)
                if waited:
                    LOCK_WAITS.add(time.monotonic() - started)
                return conn
            except duckdb.IOException as exc:
                locked = "lock" in str(exc).lower()
                if not locked:
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{self.path} stayed locked by another process for {self.lock_timeout_s:.0f}s: {exc}"
                    ) from exc
                time.sleep(delay)
                delay, waited = min(delay * 2, 1.0), True

    @contextmanager
    def held(self) -> Iterator[Warehouse]:
        """One connection for a whole step: opening one costs tens of milliseconds and a step makes
        dozens of store calls. Only for steps without network or LLM waits, since other processes
        (sensors, `serve`, another run) wait for the file while it is held."""
        if self._held is not None:
            yield self
            return
        with self.connect() as conn:
            self._held = conn
            try:
                yield self
            finally:
                self._held = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._held is not None:
            yield self._held
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._open(read_only=False)
        try:
            conn.execute("SET TimeZone = 'UTC'")
            self._ensure_schema(conn)
            if self.reader:
                conn.execute(f"SET search_path = '{reader_schema(self.reader)},main'")
            yield conn
        finally:
            conn.close()

    def _schema_key(self) -> tuple[Any, ...]:
        # The inode tells a file deleted and made again (a test, a user starting over) from the old one.
        stat = self.path.stat()
        return (str(self.path.resolve()), stat.st_dev, stat.st_ino, self.reader)

    def _ensure_schema(self, conn: Any) -> None:
        # Once per database per process: sensors and steps in one process make many Warehouses,
        # and concurrent CREATE OR REPLACE VIEWs from threads conflict in DuckDB's catalog.
        key = self._schema_key()
        if key in _SCHEMA_READY:
            return
        with _SCHEMA_LOCK:
            if key not in _SCHEMA_READY:
                self._create_schema(conn, self.reader)
                _SCHEMA_READY.add(key)

    @staticmethod
    def _create_schema(conn: duckdb.DuckDBPyConnection, reader: str | None = None) -> None:
        if reader:
            # The reader's own tables and view are made in their schema, the shared ones in main.
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {reader_schema(reader)}")
            conn.execute(f"SET search_path = '{reader_schema(reader)},main'")
        for name, columns in TABLES.items():
            table = f"main.{name}" if reader and name in SHARED_TABLES else name
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            # A database made by an older version gets the columns added since (nullable), and
            # loses NOT NULL where a column became optional.
            have = {r[1]: bool(r[3]) for r in conn.execute(f"PRAGMA table_info('{table}')").fetchall()}
            for column, sql_type, nullable in table_columns(name):
                if column not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
                elif nullable and have[column]:
                    conn.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")
        conn.execute(PAPER_DIGEST_VIEW)
        conn.execute("CREATE TABLE IF NOT EXISTS main.schema_info (version INTEGER NOT NULL)")
        conn.execute("DELETE FROM main.schema_info")
        conn.execute("INSERT INTO main.schema_info VALUES (?)", [SCHEMA_VERSION])

    # -- generic reads and writes ---------------------------------------------------------
    @staticmethod
    def _insert(
        conn: duckdb.DuckDBPyConnection,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        verb: str = "INSERT",
        on_conflict: str = "",
    ) -> None:
        """Insert rows in one statement. ``verb`` "INSERT OR REPLACE" replaces rows with the same
        primary key; ``on_conflict`` is an ``ON CONFLICT ...`` clause (the table is ``target``)."""
        if not rows:
            return
        frame = pd.DataFrame.from_records(list(rows))
        columns = ", ".join(frame.columns)
        conn.register("incoming_rows", frame)
        try:
            conn.execute(
                f"{verb} INTO {table} AS target ({columns}) SELECT {columns} FROM incoming_rows {on_conflict}"
            )
        finally:
            conn.unregister("incoming_rows")

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def replace_day(
        self, table: str, day: date, rows: Sequence[Mapping[str, Any]], where: Mapping[str, Any] | None = None
    ) -> int:
        """Swap in one day's rows for a table (optionally only those matching ``where``), atomically."""
        if table not in TABLES or "announce_date" not in TABLES[table]:
            raise ValueError(f"{table} is not a per-day table")
        where = dict(where or {})
        condition = "".join(f" AND {column} = ?" for column in where)
        with self._transaction() as conn:
            self._lock_for_update(conn, f"{self.reader}/{table}/{day}")
            conn.execute(f"DELETE FROM {table} WHERE announce_date = ?{condition}", [day, *where.values()])
            self._insert(conn, table, [{**r, **where, "announce_date": day} for r in rows])
        return len(rows)

    def sync_day(self, table: str, day: date, rows: Sequence[Mapping[str, Any]]) -> bool:
        """``replace_day``, unless the stored rows already hold the same data (provenance aside):
        then they stay as they are, with the run and time that last changed them, and downstream
        fingerprints stay equal. True when the day's rows were replaced."""
        if table not in TABLES or "announce_date" not in TABLES[table]:
            raise ValueError(f"{table} is not a per-day table")
        columns = ", ".join(data_columns(table))
        with self._transaction() as conn:
            self._lock_for_update(conn, f"{self.reader}/{table}/{day}")
            # A temp table of the target's exact types, so values compare as they would be stored.
            # Made and dropped inside the transaction: a failure rolls it back with the rest.
            conn.execute("DROP TABLE IF EXISTS incoming_day")
            conn.execute(f"CREATE TEMP TABLE incoming_day AS SELECT * FROM {table} LIMIT 0")
            self._insert(conn, "incoming_day", [{**r, "announce_date": day} for r in rows])
            stored = f"SELECT {columns} FROM {table} WHERE announce_date = ?"
            differing = conn.execute(
                f"SELECT count(*) FROM ((SELECT {columns} FROM incoming_day EXCEPT ALL {stored}) "
                f"UNION ALL ({stored} EXCEPT ALL SELECT {columns} FROM incoming_day)) AS differing",
                [day, day],
            ).fetchone()
            changed = differing is None or differing[0] != 0
            if changed:
                conn.execute(f"DELETE FROM {table} WHERE announce_date = ?", [day])
                conn.execute(f"INSERT INTO {table} SELECT * FROM incoming_day")
            conn.execute("DROP TABLE incoming_day")
            return changed

    def read_day(self, table: str, day: date, order_by: str | None = None) -> list[dict[str, Any]]:
        order = f" ORDER BY {order_by}" if order_by else ""
        return self.query(f"SELECT * FROM {table} WHERE announce_date = ?{order}", [day])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self.connect() as conn:
            cursor = conn.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _column(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return [next(iter(r.values())) for r in self.query(sql, params)]

    def append(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        with self.connect() as conn:
            self._insert(conn, table, rows)

    def upsert(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows, replacing those with the same primary key (cache tables)."""
        with self.connect() as conn:
            self._insert(conn, table, rows, verb="INSERT OR REPLACE")

    def store_answers(
        self, table: str, rows: Sequence[Mapping[str, Any]], calls: Sequence[Mapping[str, Any]]
    ) -> None:
        """Paid LLM answers (cache rows, replacing by key) and their call-log rows, in one
        transaction: one connection per batch, and never an answer without its log line."""
        with self._transaction() as conn:
            self._insert(conn, table, rows, verb="INSERT OR REPLACE")
            self._insert(conn, "llm_calls", calls)

    def row_count(self, table: str, day: date | None = None) -> int:
        if day is None:
            return self._column(f"SELECT count(*) FROM {table}", [])[0]
        return self._column(f"SELECT count(*) FROM {table} WHERE announce_date = ?", [day])[0]

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

    def papers_per_day(self, up_to: date, days: int) -> list[dict[str, Any]]:
        """(d, n): distinct papers listed on the latest ``days`` days up to ``up_to``."""
        return self.query(
            "SELECT announce_date AS d, count(DISTINCT arxiv_id) AS n FROM arxiv_listings "
            "WHERE announce_date <= ? GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
            [up_to, days],
        )

    # -- selection and scoring ------------------------------------------------------------
    def recent_days(self, days: int) -> list[date]:
        """The latest ``days`` days with stored candidates, newest first."""
        return self._column(
            "SELECT DISTINCT announce_date FROM candidate_papers ORDER BY 1 DESC LIMIT ?", [days]
        )

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

    def cached_ratings(
        self, model: str, prompt_version: str, interests_hash: str, versioned_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        if not versioned_ids:
            return []
        return self.query(
            "SELECT * FROM ranking_cache WHERE model = ? AND prompt_version = ? AND interests_hash = ? "
            "AND arxiv_id || 'v' || version = ANY(?)",
            [model, prompt_version, interests_hash, list(versioned_ids)],
        )

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

    def recorded_failures(self, run_ids: Sequence[str]) -> set[str]:
        """Which of these runs' failures are already recorded."""
        if not run_ids:
            return set()
        return set(self._column("SELECT run_id FROM run_failures WHERE run_id = ANY(?)", [list(run_ids)]))

    def record_run_failures(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """One row per failed run (its id is the key: recording it again changes nothing)."""
        self.upsert("run_failures", [{**r, "error": str(r["error"])[:4000]} for r in rows])


class WarehouseNotEmptyError(RuntimeError):
    """The warehouse being copied into already holds rows."""


def copy_warehouse(
    source: str | Path,
    target: str | Path,
    readers: Sequence[str] = (),
    replace: bool = False,
    batch: int = 5000,
) -> dict[str, int]:
    """Every row of one warehouse into another (a DuckDB file into PostgreSQL, or back), each
    reader's tables included, provenance and all, so the target carries on where the source
    stopped. Each table is copied in one transaction. A target that already holds rows is left
    as it is unless ``replace``. Returns the rows copied per table (``reader/table`` for readers')."""
    plan = []
    for reader in [None, *readers]:
        src, dst = open_warehouse(source, reader=reader), open_warehouse(target, reader=reader)
        for table in TABLES:
            if reader and table in SHARED_TABLES:
                continue
            plan.append((f"{reader}/{table}" if reader else table, table, src, dst))
    if not replace:
        full = [name for name, table, _, dst in plan if dst.row_count(table)]
        if full:
            raise WarehouseNotEmptyError(
                f"{target} already holds rows in {', '.join(full)}; copy into an empty database, "
                "or pass --replace to replace them"
            )
    copied = {}
    for name, table, src, dst in plan:
        columns = ", ".join(c for c, _, _ in table_columns(table))
        copied[name] = 0
        with src.connect() as reading, dst._transaction() as writing:
            writing.execute(f"DELETE FROM {table}")
            # In the order written: ties between ratings of the same moment keep their order.
            cursor = reading.execute(f"SELECT {columns} FROM {table} ORDER BY {src._INSERTION_ORDER}")
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(batch):
                dst._insert(writing, table, [dict(zip(names, r, strict=True)) for r in rows])
                copied[name] += len(rows)
    return copied
