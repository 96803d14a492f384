"""Live arXiv: the day's announcement RSS for all categories in one request, then the API's
``id_list`` look-ups for the full records (split authors, primary category, comment, DOI).

The announcement feed only ever holds the latest day; past days need a backfill source.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import arxiv
import requests

from arxiv_pipeline import __version__
from arxiv_pipeline.core.models import FeedReport, FetchResult, Listing
from arxiv_pipeline.core.sources.feeds import ApiRecord, clean_text, merge_listing, parse_rss

RSS_URL = "https://rss.arxiv.org/rss/{}"
API_URL = "https://export.arxiv.org/api/query?{}"


class StaleFeedError(LookupError):
    """The live feed announces a different day than the one asked for."""


def record_from_result(result: arxiv.Result) -> ApiRecord:
    short = result.get_short_id()
    base, _, version = short.rpartition("v")
    return ApiRecord(
        arxiv_id=base, version=int(version), title=clean_text(result.title),
        authors=[a.name for a in result.authors], abstract=clean_text(result.summary),
        primary_category=result.primary_category, categories=list(result.categories),
        published=result.published, updated=result.updated,
        comment=clean_text(result.comment) or None, journal_ref=clean_text(result.journal_ref) or None,
        doi=clean_text(result.doi) or None,
    )


class ArxivLiveSource:
    name = "arxiv"

    def __init__(
        self,
        contact_email: str | None = None,
        rss_url: str = RSS_URL,
        api_url: str = API_URL,
        timeout_s: float = 30.0,
        id_batch: int = 100,
        delay_seconds: float = 3.0,
    ) -> None:
        self.rss_url = rss_url
        self.api_url = api_url
        self.timeout_s = timeout_s
        self.id_batch = id_batch
        self.delay_seconds = delay_seconds
        contact = f"; mailto:{contact_email}" if contact_email else ""
        self.user_agent = f"arxiv-pipeline/{__version__} (+personal digest{contact})"

    def _lookup(self, ids: list[str]) -> tuple[dict[str, ApiRecord], int]:
        client = arxiv.Client(page_size=self.id_batch, delay_seconds=self.delay_seconds)
        client.query_url_format = self.api_url
        records: dict[str, ApiRecord] = {}
        requests_made = 0
        for start in range(0, len(ids), self.id_batch):
            batch = ids[start : start + self.id_batch]
            search = arxiv.Search(id_list=batch, max_results=len(batch))
            requests_made += 1
            for result in client.results(search):
                record = record_from_result(result)
                records[record.arxiv_id] = record
        return records, requests_made

    def fetch_day(self, day: date, categories: Sequence[str]) -> FetchResult:
        feed_name = "+".join(categories)
        resp = requests.get(self.rss_url.format(feed_name), timeout=self.timeout_s,
                            headers={"User-Agent": self.user_agent})
        resp.raise_for_status()
        fetched_at = datetime.now(UTC)
        feed = parse_rss(resp.content, what=resp.url)
        if feed.items and feed.announce_date and feed.announce_date != day:
            raise StaleFeedError(
                f"the live feed announces {feed.announce_date}, not {day}; "
                "past days come from a backfill"
            )
        records, api_requests = self._lookup(sorted({i.arxiv_id for i in feed.items}))
        listings: list[Listing] = []
        for item in feed.items:
            listed_in = next((c for c in categories if c in item.categories), feed_name)
            listings.append(merge_listing(item, records.get(item.arxiv_id), listed_in))
        report = FeedReport(feed_name, "ok" if feed.items else "empty", len(feed.items),
                            "; ".join(feed.skipped))
        return FetchResult(day, self.name, fetched_at, listings, [report], api_requests)
