"""Publish: the day's Markdown digests, JSON export, web pages and feeds, written only when they change."""
