"""`arxiv_listings` through Dagster: live arXiv (a local server), backfills, failures, versions."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize, warehouse_for
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv, Fault

pytestmark = pytest.mark.slow


def live_config(config_files: ConfigFactory, server: FakeArxiv, **source: object):
    return config_files.write_live(server.base_url, {"page_size": 7, **source})


def test_backfill_of_three_days_makes_three_partitions(
    config_files: ConfigFactory, instance: dg.DagsterInstance
) -> None:
    days = [date(2026, 11, 16), DAY_1, DAY_2]
    with FakeArxiv(None) as server:
        path = live_config(config_files, server)
        for day in days:  # what `dagster asset materialize --partition-range` runs, day by day
            result = dg.materialize(
                ALL_ASSETS,
                selection=["arxiv_listings"],
                partition_key=day.isoformat(),
                instance=instance,
                resources=pipeline_resources(config_path=str(path)),
            )
            assert result.success
    store = warehouse_for(path)
    per_day = {d: {r["arxiv_id"] for r in store.read_day("arxiv_listings", d)} for d in days}
    assert all(per_day.values())
    assert not per_day[days[0]] & per_day[days[1]] and not per_day[days[1]] & per_day[days[2]]
    assert "2611.10021" in per_day[DAY_1] and "2611.11006" in per_day[DAY_2]
    reports = store.query("SELECT announce_date, source, detail FROM feed_reports ORDER BY 1")
    assert [r["announce_date"] for r in reports] == days
    assert all(r["source"] == "arxiv:backfill" and "submittedDate" in r["detail"] for r in reports)
    materializations = instance.fetch_materializations(dg.AssetKey("arxiv_listings"), limit=10)
    assert {r.partition_key for r in materializations.records} == {d.isoformat() for d in days}


def test_a_failed_fetch_keeps_the_stored_day(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    with FakeArxiv(None) as server:
        path = live_config(config_files, server, max_attempts=2)
        assert materialize_day(path, DAY_1).success
        store = warehouse_for(path)
        before = store.read_day("arxiv_listings", DAY_1, order_by="arxiv_id, listed_in")
        digest_before = store.read_day("digests", DAY_1, order_by="kind")
        for _ in range(2):
            server.faults.append(Fault(429, b"Rate exceeded", {"Retry-After": "0"}))
        result = materialize_day(path, DAY_1, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "HTTP 429" in failure.step_failure_data.error.cause.message
    assert store.read_day("arxiv_listings", DAY_1, order_by="arxiv_id, listed_in") == before
    assert store.read_day("digests", DAY_1, order_by="kind") == digest_before


def test_weekends_are_not_partitions(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    """arXiv announces nothing on Saturdays: there is no such day to build, fetch or show."""
    with FakeArxiv(None) as server:
        path = live_config(config_files, server)
        with pytest.raises(dg.DagsterUnknownPartitionError):
            materialize_day(path, date(2026, 11, 21))
        assert server.requests == []
    assert not (config_files.root / "data").exists()


def test_replaced_papers_update_the_stored_row(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write(filter={"announce_types": ["new", "cross", "replace", "replace-cross"]})
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)
    materialize_day(path, DAY_1)  # replaying the older day must not roll the version back
    store = warehouse_for(path)
    row = store.query("SELECT * FROM papers WHERE arxiv_id = '2611.10001'")[0]
    assert row["latest_version"] == 2 and row["replaced"] is True
    assert row["first_announced"] == DAY_1 and row["last_announced"] == DAY_2
    assert row["last_announce_type"] == "replace"
    old = store.query("SELECT * FROM papers WHERE arxiv_id = '2609.08765'")[0]
    assert old["latest_version"] == 3 and old["replaced"] is True
    # With replacements wanted, the replaced paper shows up in the digest marked as such.
    readme = (config_files.root / "data" / "digests" / "2026-11-17" / "README.md").read_text()
    assert "**Type**: replace" in readme


@pytest.mark.parametrize(
    ("faults", "succeeds"),
    [
        ([Fault(503, b"", {"Retry-After": "0"})], True),
        ([Fault(200, b"<!DOCTYPE html><html>Rate exceeded</html>")], True),
        ([Fault(200, b"", delay_s=1.0)], True),  # hangs past the timeout, then answers
        ([Fault(200, b"<?xml version='1.0'?><feed><entry><id>cut")], True),
        ([Fault(200, b"<?xml version='1.0'?><feed><entry><id>cut")] * 2, False),
        ([Fault(500, b"")] * 2, False),
    ],
    ids=["503-retry-after", "html-page", "hang", "malformed-xml", "malformed-xml-storm", "500-storm"],
)
def test_faults_never_lose_or_duplicate_rows(
    config_files: ConfigFactory, materialize_day: Materialize, faults: list[Fault], succeeds: bool
) -> None:
    with FakeArxiv(None) as server:
        path = live_config(config_files, server, max_attempts=2, timeout_s=0.5)
        assert materialize_day(path, DAY_1).success
        store = warehouse_for(path)
        before = store.read_day("arxiv_listings", DAY_1, order_by="arxiv_id, listed_in")
        server.faults.extend(Fault(f.status, f.body, f.headers, f.delay_s, "/api/") for f in faults)
        result = materialize_day(path, DAY_1, raise_on_error=False)
    assert result.success is succeeds
    after = store.read_day("arxiv_listings", DAY_1, order_by="arxiv_id, listed_in")
    strip = [{k: v for k, v in r.items() if k not in ("run_id", "fetched_at")} for r in before]
    assert [{k: v for k, v in r.items() if k not in ("run_id", "fetched_at")} for r in after] == strip
    assert len({(r["arxiv_id"], r["listed_in"]) for r in after}) == len(after)
    if not succeeds:
        assert [r["run_id"] for r in after] == [r["run_id"] for r in before]
