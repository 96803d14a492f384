"""The reader's ratings: "more like this" (+1), "less like this" (-1), or undone (0).

Each rating is a new row (the history stays); a paper's current rating is its newest row. Only
papers the pipeline has stored can be rated, so a typo never trains the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from arxiv_pipeline.core.models import ARXIV_ID
from arxiv_pipeline.core.profile.library import find_arxiv_id
from arxiv_pipeline.core.store import Warehouse

RATING_VALUES = {"up": 1, "down": -1, "clear": 0}
RATING_WORDS = {1: "more like this", -1: "less like this", 0: "no rating"}


class RatingError(ValueError):
    """A rating that cannot be stored; the message says why."""


@dataclass(frozen=True)
class Rated:
    arxiv_id: str
    version: int
    rating: int

    def __str__(self) -> str:
        return f"{self.arxiv_id}v{self.version}: {RATING_WORDS[self.rating]}"


def rating_value(value: str | int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in RATING_WORDS:
        return value
    if isinstance(value, str) and value.strip().lower() in RATING_VALUES:
        return RATING_VALUES[value.strip().lower()]
    raise RatingError(f"rating must be up, down or clear (got {value!r})")


def rate_paper(
    store: Warehouse, paper: str, rating: str | int, source: str, version: int | None = None
) -> Rated:
    """Store one rating of a stored paper (an id like 2611.10001, 2611.10001v2 or its arXiv URL)."""
    value = rating_value(rating)
    text = paper.strip()
    arxiv_id = text if ARXIV_ID.match(text) else find_arxiv_id(text)
    if arxiv_id is None or not ARXIV_ID.match(arxiv_id):
        raise RatingError(f"{paper[:80]!r} is not an arXiv id (like 2611.10001)")
    if version is None and text.rsplit("v", 1)[-1].isdigit() and "v" in text:
        version = int(text.rsplit("v", 1)[-1])
    latest = store.known_paper(arxiv_id)
    if latest is None:
        raise RatingError(f"{arxiv_id} is not a paper of any stored day; rate papers from your digests")
    if version is not None and not 1 <= version <= latest:
        raise RatingError(f"{arxiv_id} has versions 1 to {latest} stored (got v{version})")
    chosen = version or latest
    store.rate(arxiv_id, chosen, value, source, datetime.now(UTC))
    return Rated(arxiv_id, chosen, value)
