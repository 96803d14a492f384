"""The live source against a local server that speaks arXiv's protocols, with the real clients."""

from __future__ import annotations

import pytest
import requests

from arxiv_pipeline.core.selection import deduplicate
from arxiv_pipeline.core.sources.arxiv_live import ArxivLiveSource, StaleFeedError
from arxiv_pipeline.core.sources.replay import ReplaySource
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2
from arxiv_pipeline_tests.fake_arxiv import FakeArxiv, Fault

CATEGORIES = ["cs.AI", "cs.CL", "cs.LG"]
FIELDS = ("version", "title", "authors", "abstract", "primary_category", "categories", "published",
          "updated", "comment", "journal_ref", "doi", "metadata_source")


def live_source(server: FakeArxiv, **kwargs: object) -> ArxivLiveSource:
    return ArxivLiveSource(rss_url=f"{server.base_url}/rss/{{}}",
                           api_url=f"{server.base_url}/api/query?{{}}", delay_seconds=0.0,
                           **kwargs)


def test_live_fetch_gives_the_same_papers_as_the_recording() -> None:
    with FakeArxiv("2026-11-17") as server:
        result = live_source(server, id_batch=10).fetch_day(DAY_1, CATEGORIES)
        paths = [p for _, p in server.requests]
    assert paths[0] == "/rss/cs.AI+cs.CL+cs.LG"  # one request for all categories
    assert sum(p.startswith("/api/query") for p in paths) == result.api_requests == 5  # 42 ids / 10
    live = {item.arxiv_id: item for item, _ in deduplicate(result.listings)}
    replay = {item.arxiv_id: item
              for item, _ in deduplicate(ReplaySource().fetch_day(DAY_1, CATEGORIES).listings)}
    assert live.keys() == replay.keys()
    for arxiv_id, item in live.items():
        for name in FIELDS:
            assert getattr(item, name) == getattr(replay[arxiv_id], name), (arxiv_id, name)
    assert result.source == "arxiv" and result.fetched_at.tzinfo is not None


def test_user_agent_names_the_project_and_contact() -> None:
    source = ArxivLiveSource(contact_email="me@example.org")
    assert "arxiv-pipeline/" in source.user_agent and "me@example.org" in source.user_agent


def test_a_feed_for_another_day_is_refused() -> None:
    with FakeArxiv("2026-11-17") as server, pytest.raises(StaleFeedError, match="2026-11-17"):
        live_source(server).fetch_day(DAY_2, CATEGORIES)


def test_http_errors_surface_before_anything_is_returned() -> None:
    with FakeArxiv("2026-11-17") as server:
        server.faults.append(Fault(status=500, body=b"oops", path_prefix="/rss/"))
        with pytest.raises(requests.HTTPError):
            live_source(server).fetch_day(DAY_1, CATEGORIES)
