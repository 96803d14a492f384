"""The pipeline's tables: one DDL each, the view over a day's digest, and the columns the UI shows."""

from __future__ import annotations

import re

from arxiv_pipeline.core.models import Listing, sql_columns

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
