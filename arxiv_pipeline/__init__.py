"""arxiv-pipeline: a daily, personal arXiv digest as Dagster assets stored in DuckDB."""

__version__ = "0.1.0"
