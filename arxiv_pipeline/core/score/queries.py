"""The LLM ranking's cached ratings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ScoreQueries:
    """The LLM ranking's cached ratings. Mixed into ``Warehouse``."""

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
