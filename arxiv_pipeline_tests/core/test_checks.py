"""Data checks pass on a good day and fail on planted bad data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.publish.feeds import render_feeds
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, warehouse_for


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory):
    """The sample day, built once through Dagster for the module; each test plants its bad data
    in a copy."""
    root = tmp_path_factory.mktemp("checks")
    path = ConfigFactory(root).write()
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            ALL_ASSETS,
            partition_key=DAY_1.isoformat(),
            resources=pipeline_resources(config_path=str(path)),
            instance=instance,
        )
    return root, result


@pytest.fixture
def built(built_once, tmp_path: Path):
    root, result = built_once
    copy = tmp_path / "day"
    shutil.copytree(root, copy)
    path = copy / ConfigFactory(root).path.name
    return warehouse_for(path), load_config(path).output_dir, result


def test_a_good_day_passes_every_check(built) -> None:
    _, _, result = built
    # Only the warning that the feeds cannot be subscribed to without publish.site_url.
    failed = [(e.check_name, e.severity.value) for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == [("feeds_subscribable", "WARN")]
    assert {e.check_name for e in result.get_asset_check_evaluations()} == {
        "feeds_subscribable",
        "volume_plausible",
        "every_paper_accounted_for",
        "scores_in_range",
        "summaries_complete",
        "digest_matches_selection",
        "no_duplicate_papers",
        "feeds_parse",
        "library_loaded",
        "delivered",
    }


def test_accounting_fails_when_a_paper_disappears_or_lacks_a_reason(built) -> None:
    store, _, _ = built
    with store.connect() as conn:
        conn.execute(
            "DELETE FROM candidate_papers WHERE announce_date = ? AND arxiv_id = '2611.10010'", [DAY_1]
        )
    outcome = checks.accounting(store, DAY_1)
    assert not outcome.passed and "2611.10010" in outcome.description
    with store.connect() as conn:
        conn.execute("UPDATE candidate_papers SET reason = NULL WHERE status = 'excluded'")
    assert checks.accounting(store, DAY_1).metadata["unaccounted"] > 1


def test_scores_out_of_range_fail(built) -> None:
    store, _, _ = built
    with store.connect() as conn:
        conn.execute("UPDATE paper_scores SET score = -1 WHERE rank = 1")
    assert not checks.scores_in_range(store, DAY_1).passed
    with store.connect() as conn:
        conn.execute("UPDATE paper_scores SET score = 1, llm_relevance = 11 WHERE rank = 1")
    assert not checks.scores_in_range(store, DAY_1).passed


def test_missing_summaries_fail(built) -> None:
    store, _, _ = built
    with store.connect() as conn:
        conn.execute("DELETE FROM paper_summaries WHERE rank = 3")
    assert not checks.summaries_complete(store, DAY_1, 10).passed
    assert checks.summaries_complete(store, DAY_1, 2).passed


def test_digest_and_daily_digest_must_match_the_selection(built) -> None:
    store, folder, _ = built
    readme = (folder / "2026-11-17" / "README.md").read_text()
    daily = (folder / "2026-11-17" / "daily_digest.md").read_text()
    first = readme.index("\n### 2. ")
    assert not checks.digest_matches_selection(store, DAY_1, readme[:first]).passed
    entry = daily[daily.index("### [1]") : daily.index("### [2]")]
    assert not checks.no_duplicates(store, DAY_1, daily + entry).passed


def test_broken_feeds_fail(built) -> None:
    atom, rss = render_feeds([], "Digest", "https://digest.example.org/")
    assert checks.feeds_parse(atom, rss).passed
    assert not checks.feeds_parse(atom[:-40], rss).passed


def test_feed_entries_must_be_complete_unique_and_the_same_in_both(built, tmp_path: Path) -> None:
    from arxiv_pipeline.core.publish.stage import load_digest_day

    store = built[0]
    config = load_config(tmp_path / "day" / "arxiv_pipeline.yaml")
    atom, rss = render_feeds([load_digest_day(config, DAY_1, store)], "Digest", "https://d.example.org/")
    ok = checks.feeds_parse(atom, rss)
    assert ok.passed and ok.metadata["atom_entries"] == ok.metadata["rss_entries"] > 5
    untitled = re.sub(rb"<item>\s*<title>[^<]*</title>", b"<item>", rss, count=1)
    assert "rss: entry 1 lacks title" in checks.feeds_parse(atom, untitled).description
    first_guid = re.search(rb"<guid[^>]*>[^<]*</guid>", rss).group(0)
    doubled = rss.replace(
        b"</item>",
        b"</item>\n<item><title>x</title><link>l</link>"
        + first_guid
        + b"<pubDate>Tue, 17 Nov 2026 01:00:00 +0000</pubDate></item>",
        1,
    )
    assert "rss: an entry id appears twice" in checks.feeds_parse(atom, doubled).description
    html = b"<!doctype html><html><body>Not a feed</body></html>"
    assert not checks.feeds_parse(atom, html).passed


def test_volume_swing_warns(built) -> None:
    from datetime import date

    store, _, _ = built
    assert checks.volume_plausible(store, DAY_1).passed  # nothing to compare with
    rows = store.read_day("arxiv_listings", DAY_1)
    store.replace_day("arxiv_listings", date(2026, 11, 18), rows[:5])
    outcome = checks.volume_plausible(store, date(2026, 11, 18))
    assert not outcome.passed and outcome.metadata["ratio"] < 0.25
