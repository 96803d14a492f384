"""The live arXiv source against a local server that speaks arXiv's protocols, driven by the real
``arxiv`` and ``requests`` clients; no request leaves 127.0.0.1."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from arxiv_pipeline.core.ingest.arxiv_live import ArxivSource, NotAnnouncedYetError
from arxiv_pipeline.core.ingest.feeds import FeedFormatError, parse_rss
from arxiv_pipeline.core.ingest.http import ArxivRequestError, RateLimiter
from arxiv_pipeline.core.ingest.replay import SAMPLE_DATA_DIR, ReplaySource
from arxiv_pipeline.core.select.selection import deduplicate
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv, Fault

CATEGORIES = ["cs.AI", "cs.CL", "cs.LG"]
FIELDS = (
    "version",
    "title",
    "authors",
    "abstract",
    "primary_category",
    "categories",
    "published",
    "updated",
    "comment",
    "journal_ref",
    "doi",
    "metadata_source",
)


def source(server: FakeArxiv, now: str, **kwargs: object) -> ArxivSource:
    return ArxivSource(
        rss_url=f"{server.base_url}/rss/{{}}",
        api_url=f"{server.base_url}/api/query?{{}}",
        limiter=RateLimiter(min_interval_s=0.0),
        min_interval_s=0.0,
        backoff_base_s=0.0,
        contact_email="me@example.org",
        now=lambda: datetime.fromisoformat(now),
        **kwargs,
    )


def test_todays_announcement_matches_the_recorded_listing_type_by_type() -> None:
    with FakeArxiv("2026-11-17") as server:
        result = source(server, "2026-11-17T06:00:00+00:00", id_batch=10).fetch_day(DAY_1, CATEGORIES)
        paths = [p for _, p in server.requests]
        agents = set(server.user_agents)
    assert paths[0] == "/rss/cs.AI+cs.CL+cs.LG"  # one request for all categories
    assert sum(p.startswith("/api/query") for p in paths) == 5 == result.api_requests - 1
    assert all("2611." in p or "2610." in p or "2609." in p for p in paths[1:])
    assert len(agents) == 1 and "arxiv-pipeline/" in agents.pop()  # never arxiv.py's own
    live = {item.arxiv_id: item for item, _ in deduplicate(result.listings)}
    recorded = ReplaySource(SYNTHETIC_DAYS_DIR).fetch_day(DAY_1, CATEGORIES)
    replay = {item.arxiv_id: item for item, _ in deduplicate(recorded.listings)}
    assert live.keys() == replay.keys()
    for arxiv_id, item in live.items():
        for name in FIELDS:
            assert getattr(item, name) == getattr(replay[arxiv_id], name), (arxiv_id, name)
    types = {i.arxiv_id: i.announce_type for i in result.listings}
    assert types["2611.10001"] == "new" and types["2609.08765"] == "replace"
    assert types["2611.10007"] == "cross"  # stat.ML paper cross-listed to cs.LG
    assert result.source == "arxiv:rss"
    assert "2611.10031" in result.feeds[0].detail  # the API had no record yet: kept from the feed


def test_the_bundled_real_day_reads_the_same_through_the_arxiv_client() -> None:
    """The real day (2026-06-24) served in arXiv's formats and fetched as a live day, through the
    real ``arxiv`` client: the same papers, field for field, as the replay reads from disk."""
    day = date(2026, 6, 24)
    categories = ["cs.AI", "cs.CL"]
    with FakeArxiv(day.isoformat(), root=SAMPLE_DATA_DIR) as server:
        result = source(server, "2026-06-24T06:30:00+00:00").fetch_day(day, categories)
    live = {item.arxiv_id: item for item, _ in deduplicate(result.listings)}
    replay = {i.arxiv_id: i for i, _ in deduplicate(ReplaySource().fetch_day(day, categories).listings)}
    assert len(live) == 164 and live.keys() == replay.keys()
    for arxiv_id, item in live.items():
        for name in FIELDS:
            assert getattr(item, name) == getattr(replay[arxiv_id], name), (arxiv_id, name)
    assert all(item.metadata_source == "api" for item in live.values())


def test_a_rerun_of_the_day_asks_the_api_only_for_what_it_has_not_stored(tmp_path) -> None:
    from arxiv_pipeline.core.config import parse_config
    from arxiv_pipeline.core.ingest.stage import fetch_listings
    from arxiv_pipeline.core.store import Warehouse

    config = parse_config({"categories": CATEGORIES})
    store = Warehouse(tmp_path / "w.duckdb")
    with FakeArxiv("2026-11-17") as server:
        live = source(server, "2026-11-17T06:00:00+00:00", id_batch=10)
        fetch_listings(config, DAY_1, store, live, "run-1")
        first = {(r["versioned_id"], r["title"], r["doi"]) for r in store.read_day("arxiv_listings", DAY_1)}
        asked = len(server.requests)
        # One paper's stored record is from the feed only: only it is asked for again.
        store.query(
            "UPDATE arxiv_listings SET metadata_source = 'rss' WHERE announce_date = ? AND arxiv_id = ?",
            [DAY_1, "2611.10001"],
        )
        report = fetch_listings(config, DAY_1, store, live, "run-2")
        again = [p for _, p in server.requests[asked:]]
    assert again[0].startswith("/rss/") and len(again) == 2  # the feed, then one look-up
    assert "2611.10001" in again[1]
    assert report.counts["api_requests"] == 2
    rows = store.read_day("arxiv_listings", DAY_1)
    assert {(r["versioned_id"], r["title"], r["doi"]) for r in rows} == first
    assert {r["run_id"] for r in rows} == {"run-2"}
    detail = store.read_day("feed_reports", DAY_1)[0]["detail"]
    assert "full records reused from this day's earlier fetch" in detail


def test_weekends_make_no_request() -> None:
    with FakeArxiv("2026-11-17") as server:
        result = source(server, "2026-11-22T12:00:00+00:00").fetch_day(date(2026, 11, 21), CATEGORIES)
        assert server.requests == []
    assert result.listings == [] and result.feeds[0].status == "empty"
    assert "Saturday" in result.feeds[0].detail


def test_an_empty_weekday_feed_is_a_holiday_not_an_error() -> None:
    with FakeArxiv("2026-11-27") as server:
        result = source(server, "2026-11-27T06:00:00+00:00").fetch_day(date(2026, 11, 27), CATEGORIES)
    assert result.listings == [] and result.feeds[0].status == "empty"
    assert "holiday" in result.feeds[0].detail


def test_a_day_not_announced_yet_is_refused() -> None:
    with FakeArxiv("2026-11-17") as server:
        # 21:00 US/Eastern on the 17th: announced, but the feed is rebuilt only at midnight.
        with pytest.raises(NotAnnouncedYetError, match="still holds 2026-11-17"):
            source(server, "2026-11-18T02:00:00+00:00").fetch_day(DAY_2, CATEGORIES)
        with pytest.raises(NotAnnouncedYetError, match="not announced 2026-11-19"):
            source(server, "2026-11-18T06:00:00+00:00").fetch_day(date(2026, 11, 19), CATEGORIES)


def test_backfill_of_three_days_pages_through_the_api_windows() -> None:
    days = [date(2026, 11, 16), DAY_1, DAY_2]
    with FakeArxiv(None) as server:
        src = source(server, "2026-11-22T12:00:00+00:00", page_size=5)
        results = {d: src.backfill(d, CATEGORIES) for d in days}
        queries = [p for _, p in server.requests]
    ids = {d: {i.arxiv_id for i in r.listings} for d, r in results.items()}
    # The 14:00 US/Eastern cut-offs decide the day (19:00 UTC in November).
    assert "2611.10002" in ids[date(2026, 11, 16)]  # submitted Fri 13th 09:45 UTC
    assert "2611.10021" in ids[DAY_1]  # Fri 13th 21:00 UTC, after the cut-off
    assert "2611.10036" in ids[DAY_2]  # Mon 16th 21:21 UTC
    assert "2611.11006" in ids[DAY_2]  # Tue 17th 15:00 UTC
    assert not ids[date(2026, 11, 16)] & ids[DAY_1] and not ids[DAY_1] & ids[DAY_2]
    assert all(not r.feeds[0].detail.count("reported") for r in results.values())
    assert len(queries) >= 6 and all("submittedDate" in q for q in queries)
    assert any("start=5" in q for q in queries)  # more than one page
    first = next(i for i in results[DAY_1].listings if i.arxiv_id == "2611.10021")
    assert first.announce_type == "new" and first.metadata_source == "api"
    cross = next(i for i in results[DAY_1].listings if i.arxiv_id == "2611.10037")
    assert cross.announce_type == "cross" and cross.primary_category == "cs.CV"


def test_past_days_go_to_the_backfill_automatically() -> None:
    with FakeArxiv("2026-11-17") as server:
        result = source(server, "2026-11-22T12:00:00+00:00").fetch_day(DAY_1, CATEGORIES)
        assert not any(p.startswith("/rss/") for _, p in server.requests)
    assert result.source == "arxiv:backfill" and len(result.listings) > 10


def test_an_overstated_total_is_reported_not_fatal() -> None:
    with FakeArxiv(None, overstate_total=7) as server:
        result = source(server, "2026-11-22T12:00:00+00:00", page_size=100).backfill(DAY_1, CATEGORIES)
    assert result.listings
    assert "reported" in result.feeds[0].detail and "empty page" in result.feeds[0].detail


def test_retry_after_is_honoured_then_the_request_succeeds() -> None:
    waits: list[float] = []
    with FakeArxiv("2026-11-17") as server:
        server.faults.append(Fault(503, b"busy", {"Retry-After": "7"}, path_prefix="/rss/"))
        server.faults.append(Fault(200, b"<html><body>Rate exceeded.</body></html>", path_prefix="/rss/"))
        result = source(server, "2026-11-17T06:00:00+00:00", sleep=waits.append).fetch_day(DAY_1, CATEGORIES)
    assert len(result.listings) > 40
    assert waits[0] >= 7 and len(waits) == 2


def test_a_429_storm_gives_up_with_a_clear_error() -> None:
    with FakeArxiv("2026-11-17") as server:
        for _ in range(3):
            server.faults.append(Fault(429, b"slow down", {"Retry-After": "1"}))
        src = source(server, "2026-11-17T06:00:00+00:00", max_attempts=3, sleep=lambda s: None)
        with pytest.raises(ArxivRequestError) as info:
            src.fetch_day(DAY_1, CATEGORIES)
    message = str(info.value)
    assert "HTTP 429" in message and "3 tries" in message and "/rss/cs.AI+cs.CL+cs.LG" in message


def test_a_hanging_server_times_out_and_is_retried() -> None:
    with FakeArxiv("2026-11-17") as server:
        server.faults.append(Fault(200, b"late", delay_s=1.5, path_prefix="/rss/"))
        src = source(server, "2026-11-17T06:00:00+00:00", timeout_s=0.3, sleep=lambda s: None)
        result = src.fetch_day(DAY_1, CATEGORIES)
        assert src.session.retries and "Timeout" in src.session.retries[0]
    assert len(result.listings) > 40


def test_api_errors_are_not_retried_and_name_the_cause() -> None:
    from pathlib import Path

    body = (Path(__file__).parents[1] / "recordings" / "api_error_400.xml").read_bytes()
    with FakeArxiv("2026-11-17") as server:
        server.faults.append(Fault(400, body, path_prefix="/api/"))
        src = source(server, "2026-11-17T06:00:00+00:00")
        with pytest.raises(ArxivRequestError, match="incorrect id format"):
            src.fetch_day(DAY_1, CATEGORIES)
        assert sum(p.startswith("/api/") for _, p in server.requests) == 1


def test_a_cut_off_feed_is_retried_and_never_read_as_empty() -> None:
    cut = b"<?xml version='1.0'?><rss><channel><item><title>cut"
    with FakeArxiv("2026-11-17") as server:
        server.faults.append(Fault(200, cut, path_prefix="/rss/"))
        result = source(server, "2026-11-17T06:00:00+00:00").fetch_day(DAY_1, CATEGORIES)
        assert len(result.listings) > 40
        server.faults.extend([Fault(200, cut, path_prefix="/api/")] * 2)
        src = source(server, "2026-11-22T06:00:00+00:00", max_attempts=2)
        with pytest.raises(ArxivRequestError, match="malformed XML"):
            src.fetch_day(DAY_1, CATEGORIES)


def test_feed_parser_rejects_broken_documents_it_is_handed() -> None:
    with pytest.raises(FeedFormatError, match="malformed"):
        parse_rss(b"<?xml version='1.0'?><rss><channel><item><title>cut")


def test_rate_limit_spaces_requests_three_seconds_apart() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(min_interval_s=3.0, clock=lambda: clock[0], sleep=sleep)
    starts = []
    for n in range(6):
        with limiter:
            starts.append(clock[0])
        clock[0] += 0.4 if n % 2 else 5.0  # some requests are slow, some fast
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(starts))
    assert starts[-1] - starts[0] >= 3.0 * 5


def test_user_agent_names_the_project_and_contact() -> None:
    src = ArxivSource(contact_email="me@example.org", now=lambda: datetime.now(UTC))
    assert "arxiv-pipeline/" in src.user_agent and "me@example.org" in src.user_agent
