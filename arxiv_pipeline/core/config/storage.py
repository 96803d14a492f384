"""Where the data lives: a DuckDB file or a PostgreSQL URL, and the output folder, checked for writability
before a run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from pydantic import Field, field_validator

from arxiv_pipeline.core.config.base import ConfigError, _Section

if TYPE_CHECKING:
    from arxiv_pipeline.core.config.pipeline import PipelineConfig

POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and urlparse(location).scheme in POSTGRES_SCHEMES


def postgres_url_problem(url: str) -> str | None:
    """What is wrong with a warehouse URL, said so the user can fix it; None when it will do."""
    parts = urlparse(url)
    if parts.password:
        return (
            "holds a password; remove it from the URL and set PGPASSWORD in the environment "
            "(or use ~/.pgpass), so no secret sits in the configuration"
        )
    if not parts.hostname and "host=" not in parts.query:
        return "names no host; write it as postgresql://USER@HOST:PORT/DATABASE"
    if not parts.path.strip("/"):
        return "names no database; write it as postgresql://USER@HOST:PORT/DATABASE"
    return None


class StorageConfig(_Section):
    database: str = Field(
        default="data/arxiv_pipeline.duckdb",
        description="The warehouse: a DuckDB file (the default), or a PostgreSQL database as "
        "postgresql://USER@HOST:PORT/DATABASE for runs on several machines (password from "
        "PGPASSWORD or ~/.pgpass; needs the lab extra).",
    )
    output_dir: str = "data/digests"

    @field_validator("database")
    @classmethod
    def _database(cls, value: str) -> str:
        problem = postgres_url_problem(value) if is_postgres_url(value) else None
        if problem:
            raise ValueError(f"the PostgreSQL URL {problem}")
        return value


def _writable(path: Path) -> bool:
    """Whether ``path`` (a file or folder, existing or to be made) can be written."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    if probe.is_file() and probe != path:
        return False  # a file stands where a folder must go
    return os.access(probe, os.W_OK | (os.X_OK if probe.is_dir() else 0))


def check_writable(config: PipelineConfig) -> None:
    """Before a run writes anything: the database and the digest folder can be written."""
    problems = []
    paths = [("storage.output_dir", config.output_dir)]
    if not is_postgres_url(config.storage.database):
        paths.insert(0, ("storage.database", config.database_path))
    for key, path in paths:
        if not _writable(path):
            problems.append(
                f"  {key}: cannot write {path} (no permission, or a file is in the way); "
                "choose a path this user can write"
            )
    if problems:
        raise ConfigError("invalid configuration:\n" + "\n".join(problems))
