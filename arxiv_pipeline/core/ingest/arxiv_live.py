"""Live arXiv, exact for today and able to backfill any past day.

Today's announcement: the announcement RSS for all categories in one request (it keeps
``arxiv:announce_type``), then the API's ``id_list`` look-ups in batches for the full records.
A past day: the API's ``submittedDate`` window between the two 14:00 US/Eastern cut-offs that
bound that announcement, paged, with the served count checked against the reported total.
Every request goes through one ``PoliteSession`` (rate limit, timeout, backoff).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

import arxiv

from arxiv_pipeline.core.ingest.calendar import (
    announcement_date_of,
    is_announcement_day,
    submission_window,
)
from arxiv_pipeline.core.ingest.feeds import (
    RssFeed,
    clean_abstract,
    clean_text,
    merge_listing,
    parse_rss,
)
from arxiv_pipeline.core.ingest.http import ARXIV_RATE_LIMITER, PoliteSession, RateLimiter, user_agent
from arxiv_pipeline.core.ingest.source import StoredRecords
from arxiv_pipeline.core.models import FeedReport, FetchResult, Listing, Paper

RSS_URL = "https://rss.arxiv.org/rss/{}"
API_URL = "https://export.arxiv.org/api/query?{}"
MAX_QUERY_RESULTS = 30000


class NotAnnouncedYetError(LookupError):
    """The day's announcement is not out (or the feed not rebuilt) yet: try again later."""


class BackfillTooLargeError(RuntimeError):
    pass


def record_from_result(result: arxiv.Result) -> Paper:
    base, _, version = result.get_short_id().rpartition("v")
    return Paper(
        arxiv_id=base,
        version=int(version),
        title=clean_text(result.title),
        authors=[a.name for a in result.authors],
        abstract=clean_abstract(result.summary),
        primary_category=result.primary_category,
        categories=list(result.categories),
        published=result.published,
        updated=result.updated,
        comment=clean_text(result.comment) or None,
        journal_ref=clean_text(result.journal_ref) or None,
        doi=clean_text(result.doi) or None,
    )


def _in_scope(category: str, categories: Sequence[str]) -> bool:
    return category in categories or category.split(".")[0] in categories


def _dropped_note(count: int) -> list[str]:
    return [f"dropped {count} characters XML cannot carry from arXiv's answers"] if count else []


def _backfill_listing(record: Paper, categories: Sequence[str]) -> Listing:
    """A paper found by submission date: "new" in its own category, else a cross-list."""
    own = _in_scope(record.primary_category, categories)
    listed_in = (
        record.primary_category
        if own
        else next((c for c in categories if any(_in_scope(x, [c]) for x in record.categories)), categories[0])
    )
    return Listing.of(
        record, announce_type="new" if own else "cross", listed_in=listed_in, metadata_source="api"
    )


class ArxivSource:
    name = "arxiv"

    def __init__(
        self,
        contact_email: str | None = None,
        rss_url: str = RSS_URL,
        api_url: str = API_URL,
        timeout_s: float = 30.0,
        max_attempts: int = 5,
        backoff_base_s: float = 2.0,
        id_batch: int = 200,
        page_size: int = 2000,
        limiter: RateLimiter = ARXIV_RATE_LIMITER,
        min_interval_s: float = 3.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rss_url = rss_url
        self.api_url = api_url
        self.id_batch = id_batch
        self.page_size = page_size
        self.now = now
        self.user_agent = user_agent(contact_email)
        self.session = PoliteSession(
            self.user_agent,
            limiter=limiter,
            min_interval_s=min_interval_s,
            timeout_s=timeout_s,
            max_attempts=max_attempts,
            backoff_base_s=backoff_base_s,
            sleep=sleep,
        )

    def _client(self, page_size: int) -> arxiv.Client:
        # Our session does the waiting and retrying; the client only pages and parses.
        client = arxiv.Client(page_size=page_size, delay_seconds=0.0, num_retries=2)
        client.query_url_format = self.api_url
        # The package offers no hook for timeouts, backoff or a shared rate limit.
        client._session = self.session
        return client

    # -- today's announcement ------------------------------------------------------------
    def fetch_rss(self, categories: Sequence[str]) -> RssFeed:
        url = self.rss_url.format("+".join(categories))
        dropped = self.session.dropped_characters
        feed = parse_rss(self.session.get(url).content, what=url)
        feed.skipped += _dropped_note(self.session.dropped_characters - dropped)
        return feed

    def announced_day(self, categories: Sequence[str]) -> date | None:
        """The announcement day the feed holds now (one request)."""
        return self.fetch_rss(categories).announce_date

    def lookup(self, versioned_ids: Sequence[str]) -> dict[str, Paper]:
        records: dict[str, Paper] = {}
        if not versioned_ids:
            return records
        client = self._client(max(1, min(self.id_batch, len(versioned_ids))))
        for start in range(0, len(versioned_ids), self.id_batch):
            batch = list(versioned_ids[start : start + self.id_batch])
            for result in client.results(arxiv.Search(id_list=batch, max_results=len(batch))):
                record = record_from_result(result)
                records[record.arxiv_id] = record
        return records

    def _announcement(
        self, day: date, categories: Sequence[str], feed: RssFeed, stored: StoredRecords | None
    ) -> FetchResult:
        fetched_at = self.now()
        before, dropped = self.session.attempts_made, self.session.dropped_characters
        wanted = sorted({i.paper.versioned_id for i in feed.items})
        # A rerun of the day asks the API only for versions it has no full record of yet.
        known = stored(wanted) if stored else {}
        fresh = self.lookup([v for v in wanted if v not in known])
        records = {p.arxiv_id: p for p in known.values()} | fresh
        listings: list[Listing] = []
        for item in feed.items:
            listed_in = next(
                (c for c in categories if _in_scope(c, item.paper.categories) or c in item.paper.categories),
                categories[0],
            )
            listings.append(merge_listing(item, records.get(item.paper.arxiv_id), listed_in))
        missing = sorted({i.paper.arxiv_id for i in feed.items} - set(records))
        notes = list(feed.skipped) + _dropped_note(self.session.dropped_characters - dropped)
        if missing:
            notes.append(
                f"{len(missing)} without API metadata yet (kept from the feed): " + ", ".join(missing[:10])
            )
        if known:
            notes.append(f"{len(known)} full records reused from this day's earlier fetch")
        report = FeedReport("+".join(categories), "ok", len(feed.items), "; ".join(notes))
        return FetchResult(
            day, f"{self.name}:rss", fetched_at, listings, [report], 1 + self.session.attempts_made - before
        )

    # -- any past day ----------------------------------------------------------------------
    def backfill(self, day: date, categories: Sequence[str]) -> FetchResult:
        start, end = submission_window(day)
        cats = " OR ".join(f"cat:{c}" if "." in c else f"cat:{c}.*" for c in categories)
        window = f"submittedDate:[{start:%Y%m%d%H%M} TO {end:%Y%m%d%H%M}]"
        query = f"({cats}) AND {window}"
        fetched_at = self.now()
        before, dropped = self.session.attempts_made, self.session.dropped_characters
        search = arxiv.Search(
            query=query,
            max_results=MAX_QUERY_RESULTS,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        received: list[Paper] = []
        notes: list[str] = []
        try:
            for result in self._client(self.page_size).results(search):
                received.append(record_from_result(result))
        except arxiv.UnexpectedEmptyPageError:
            notes.append("the API served an empty page before its reported total")
        total = self.session.last_total_results
        if total is not None and total >= MAX_QUERY_RESULTS:
            raise BackfillTooLargeError(
                f"{query} matches {total} papers, more than the API serves per query ({MAX_QUERY_RESULTS})"
            )
        unique = {r.arxiv_id: r for r in received if start <= (r.published or start) < end}
        if total is not None and len(received) < total:
            notes.append(f"the API reported {total} results and served {len(received)}")
        listings = [_backfill_listing(record, categories) for record in unique.values()]
        notes += _dropped_note(self.session.dropped_characters - dropped)
        status = "ok" if listings else "empty"
        report = FeedReport(
            "+".join(categories), status, len(listings), "; ".join([f"backfill window {window}", *notes])
        )
        return FetchResult(
            day, f"{self.name}:backfill", fetched_at, listings, [report], self.session.attempts_made - before
        )

    # -- the one entry point ---------------------------------------------------------------
    def fetch_day(
        self, day: date, categories: Sequence[str], stored: StoredRecords | None = None
    ) -> FetchResult:
        name = "+".join(categories)
        if not is_announcement_day(day):
            return FetchResult(
                day,
                self.name,
                self.now(),
                [],
                [FeedReport(name, "empty", 0, f"arXiv announces nothing on {day:%A}s")],
            )
        latest = announcement_date_of(self.now())
        if day > latest:
            raise NotAnnouncedYetError(f"arXiv has not announced {day} yet (latest: {latest})")
        if day < latest:
            return self.backfill(day, categories)
        feed = self.fetch_rss(categories)
        if not feed.items:
            if feed.announce_date is None or feed.announce_date >= day:
                return FetchResult(
                    day,
                    f"{self.name}:rss",
                    self.now(),
                    [],
                    [FeedReport(name, "empty", 0, "empty feed on an announcement day: arXiv holiday")],
                )
            raise NotAnnouncedYetError(f"the feed still holds {feed.announce_date}; {day} not out yet")
        if feed.announce_date == day:
            return self._announcement(day, categories, feed, stored)
        if feed.announce_date is not None and feed.announce_date < day:
            raise NotAnnouncedYetError(
                f"the feed still holds {feed.announce_date}; arXiv rebuilds it at midnight US/Eastern"
            )
        return self.backfill(day, categories)
