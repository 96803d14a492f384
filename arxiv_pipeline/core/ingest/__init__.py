"""Ingest: what arXiv announced on a day, from its RSS feeds and API (or a recording of them)."""
