"""From the day's raw listings to candidate papers: one row per paper, each with its fate.

Every listed paper comes out of here exactly once, either kept or with the reason it was left
out, so a digest can always account for the whole day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from arxiv_pipeline.core.config import FilterConfig, KeywordsConfig
from arxiv_pipeline.core.models import ANNOUNCE_TYPES, Listing
from arxiv_pipeline.core.select.matching import AuthorMatcher, TermMatcher

# Bumped when the same listings could be decided differently; the UI then marks days stale.
SELECTION_VERSION = "2"

KEPT = "kept"
EXCLUDED = "excluded"

REASON_TYPE = "announce_type"
REASON_CATEGORY = "category"
REASON_SEEN = "already_seen"
REASON_EXCLUDED_KEYWORD = "excluded_keyword"
REASON_NO_KEYWORD = "no_keyword"
REASON_BELOW_CUTOFF = "below_cutoff"

REASON_LABELS = {
    REASON_TYPE: "announce type not wanted",
    REASON_CATEGORY: "outside the configured categories",
    REASON_SEEN: "already shown in an earlier digest",
    REASON_EXCLUDED_KEYWORD: "matched an exclude keyword",
    REASON_NO_KEYWORD: "matched no include keyword",
    REASON_BELOW_CUTOFF: "ranked below digest.max_papers",
}


@dataclass(frozen=True)
class Candidate:
    listing: Listing
    listed_in: list[str]
    status: str
    reason: str | None = None
    reason_detail: str | None = None
    followed_authors: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.status == KEPT


def deduplicate(listings: Iterable[Listing]) -> list[tuple[Listing, list[str]]]:
    """One listing per paper: the newest version, its strongest announce type, all its feeds."""
    groups: dict[str, list[Listing]] = defaultdict(list)
    for item in listings:
        groups[item.arxiv_id].append(item)
    out = []
    for arxiv_id in sorted(groups):
        items = groups[arxiv_id]
        best = min(
            items,
            key=lambda i: (-i.version, ANNOUNCE_TYPES.index(i.announce_type), i.metadata_source != "api"),
        )
        feeds = sorted({i.listed_in for i in items})
        out.append((best, feeds))
    return out


def select_candidates(
    listings: Iterable[Listing], categories: Iterable[str], keywords: KeywordsConfig, filters: FilterConfig
) -> list[Candidate]:
    """Decide, for every paper of the day, whether it goes on and if not, why. Papers shown on
    earlier days are left out later, by the ranking (it is the stage that knows what was shown)."""
    wanted_types = set(filters.announce_types)
    categories = set(categories)
    archives = {c for c in categories if "." not in c}
    include = TermMatcher(keywords.include)
    exclude = TermMatcher(keywords.exclude)
    authors = AuthorMatcher(keywords.authors)

    out: list[Candidate] = []
    for listing, feeds in deduplicate(listings):
        base = Candidate(
            listing=listing, listed_in=feeds, status=EXCLUDED, followed_authors=authors.find(listing.authors)
        )
        text = f"{listing.title}\n{listing.abstract}"
        in_scope = any(c in categories or c.split(".")[0] in archives for c in listing.categories)
        if listing.announce_type not in wanted_types:
            out.append(replace(base, reason=REASON_TYPE, reason_detail=listing.announce_type))
        elif not in_scope:
            out.append(replace(base, reason=REASON_CATEGORY, reason_detail=", ".join(listing.categories)))
        elif base.followed_authors:
            # Followed authors bypass the keyword filters; that is the point of following them.
            out.append(replace(base, status=KEPT))
        elif hits := exclude.find(text):
            out.append(replace(base, reason=REASON_EXCLUDED_KEYWORD, reason_detail=", ".join(hits)))
        elif include and filters.require_keyword and not include.find(text):
            out.append(replace(base, reason=REASON_NO_KEYWORD))
        else:
            out.append(replace(base, status=KEPT))
    return out
