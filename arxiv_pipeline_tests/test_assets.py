"""The whole graph, materialized by Dagster into a real DuckDB file in a temp dir."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.store import TABLES
from arxiv_pipeline.core.summarize import SUMMARY_FIELDS
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize, warehouse_for

pytestmark = pytest.mark.slow

# Written by every run (llm_calls only with an LLM; deliveries only with delivery targets).
PER_DAY_TABLES = [t for t in TABLES if "announce_date" in TABLES[t] and t not in ("llm_calls", "deliveries")]


def counts(config_path: Path) -> dict[str, int]:
    store = warehouse_for(config_path)
    out = {t: store.query(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}
    return out


def test_sample_day_end_to_end(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    path = config_files.write()
    result = materialize_day(path, DAY_1)
    assert result.success
    store = warehouse_for(path)
    config = load_config(path)

    listings = store.read_day("arxiv_listings", DAY_1)
    unique = {r["arxiv_id"] for r in listings}
    assert len(listings) == 57 and len(unique) == 42
    assert all(r["run_id"] == result.run_id and r["source"] == "replay:2026-11-17" for r in listings)

    # Dedup: one candidate row per paper, and every listed paper is accounted for.
    candidates = store.read_day("candidate_papers", DAY_1)
    assert sorted(r["arxiv_id"] for r in candidates) == sorted(unique)
    assert all(r["status"] == "kept" or r["reason"] for r in candidates)
    by_id = {r["arxiv_id"]: r for r in candidates}
    assert by_id["2611.10003"]["reason"] == "excluded_keyword"  # "survey"
    assert by_id["2610.01234"]["reason"] == "announce_type"  # replace, not wanted
    assert by_id["2611.10010"]["reason"] == "no_keyword"
    assert by_id["2611.10002"]["listed_in"] == ["cs.AI", "cs.LG"]
    assert by_id["2611.10002"]["announce_type"] == "new"

    scores = store.read_day("paper_scores", DAY_1, order_by="rank")
    kept = [r for r in candidates if r["status"] == "kept"]
    assert len(scores) == len(kept)
    assert [s["score"] for s in scores] == sorted((s["score"] for s in scores), reverse=True)
    assert scores[0]["arxiv_id"] == "2611.10001"  # followed author + title keywords
    selected = [s for s in scores if s["selected"]]

    summaries = store.read_day("paper_summaries", DAY_1, order_by="rank")
    assert len(summaries) == min(config.digest.summarize_top, len(selected))
    assert [s["arxiv_id"] for s in summaries] == [s["arxiv_id"] for s in selected[: len(summaries)]]
    for s in summaries:
        assert s["status"] == "ok" and s["summarizer"] == "extractive"
        assert all(s[f] and s[f].strip() for f in SUMMARY_FIELDS)

    # The digests: files on disk, the same text in DuckDB.
    readme = (config.output_dir / "2026-11-17" / "README.md").read_text()
    daily = (config.output_dir / "2026-11-17" / "daily_digest.md").read_text()
    assert store.digest_text(DAY_1, "readme") == readme and store.digest_text(DAY_1, "daily") == daily
    assert all(r["content"] is None for r in store.read_day("digests", DAY_1))
    assert (config.output_dir / "README.md").read_text() == readme

    # README-style: ranked in score order, excluded papers absent, statistics that add up.
    linked = re.findall(r"^### \d+\. \[.*\]\(https://arxiv\.org/abs/(\S+)\)$", readme, re.M)
    assert linked == [s["arxiv_id"] for s in selected]
    assert "2611.10003" not in readme
    assert f"- **Papers announced**: {len(unique)}" in readme
    assert readme.count("**TL;DR** (quoted from the abstract") == len(summaries)
    assert "Extractive summaries" in readme
    assert "α-Divergence" in readme and "Schrödinger" in readme and "$\\alpha$" not in readme

    # Per-category: TOC totals match the sections and add up to the selected papers.
    toc = dict(re.findall(r"^- \[(\S+)\]\(#\S+\) \[Total: (\d+)\]$", daily, re.M))
    assert set(toc) <= set(config.categories)
    assert sum(int(n) for n in toc.values()) == len(selected)
    for cat, total in toc.items():
        section = daily.split(f"<div id='{cat}'></div>")[1].split("<div id=")[0]
        assert section.count("\n### [") == int(total)
        assert f"# {cat} [[Back]](#toc)" in section
    # Each paper carries its rank, the same number as in README.md and on the site.
    numbered = re.findall(r"^### \[(\d+)\] \[.+\]\(https://arxiv\.org/abs/(\S+?)\)$", daily, re.M)
    assert sorted(int(n) for n, _ in numbered) == list(range(1, len(selected) + 1))
    rank_of = {s["arxiv_id"]: s["rank"] for s in selected}
    assert all(rank_of[url.split("v")[0]] == int(n) for n, url in numbered)
    readme_numbered = re.findall(r"^### (\d+)\. \[.+\]\(https://arxiv\.org/abs/(\S+?)\)$", readme, re.M)
    assert all(rank_of[url.split("v")[0]] == int(n) for n, url in readme_numbered)

    mats = {e.asset_key.to_user_string(): e for e in result.get_asset_materialization_events()}
    meta = mats["digest_markdown"].materialization.metadata
    assert meta["dagster/row_count"].value == len(selected)
    assert "preview" in meta and "Speculative Decoding" in meta["preview"].value


def test_rerun_is_idempotent_and_days_accumulate(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    assert materialize_day(path, DAY_1).success
    first = counts(path)
    readme = (load_config(path).output_dir / "2026-11-17" / "README.md").read_text()
    assert materialize_day(path, DAY_1).success
    assert counts(path) == first
    assert (load_config(path).output_dir / "2026-11-17" / "README.md").read_text() == readme

    assert materialize_day(path, DAY_2).success
    store = warehouse_for(path)
    for table in PER_DAY_TABLES:
        days = {r["d"] for r in store.query(f"SELECT DISTINCT announce_date AS d FROM {table}")}
        assert days == {DAY_1, DAY_2}, table
    day1_again = store.query("SELECT count(*) AS n FROM arxiv_listings WHERE announce_date = ?", [DAY_1])
    assert day1_again[0]["n"] == 57


def _unchanged(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        e.asset_key.to_user_string(): e.materialization.metadata["unchanged"].value
        for e in result.get_asset_materialization_events()
        if "unchanged" in e.materialization.metadata
    }


def test_an_unchanged_rerun_keeps_rows_and_files_and_a_change_redoes_what_it_touches(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    first = materialize_day(path, DAY_1)
    assert set(_unchanged(first).values()) == {False}
    out = load_config(path).output_dir
    files = [
        out / "2026-11-17" / "README.md",
        out / "2026-11-17" / "papers.jsonl",
        out / "site" / "2026-11-17.html",
    ]
    files += [
        out / "site" / "feed.atom.xml",
        out / "2026-11-17" / "digest.json",
        out / "2026-11-17" / "daily_digest.md",
    ]
    stamps = {f: f.stat().st_mtime_ns for f in files}

    again = materialize_day(path, DAY_1)
    assert _unchanged(again) == {k: True for k in _unchanged(first)}
    assert {f: f.stat().st_mtime_ns for f in files} == stamps  # nothing rendered or written again
    store = warehouse_for(path)
    for table in ("arxiv_listings", "candidate_papers", "paper_scores", "paper_summaries", "digests"):
        runs = {r["run_id"] for r in store.query(f"SELECT DISTINCT run_id FROM {table}")}
        assert runs == {first.run_id}, table  # the rows say which run last changed them

    # A file edited (or damaged) on disk is written again from the store.
    files[0].write_text("edited", encoding="utf-8")
    materialize_day(path, DAY_1)
    assert files[0].read_text(encoding="utf-8").startswith("# ")

    # A stored summary changes: the files that show it are rendered again, the rows above stay.
    top = store.query("SELECT arxiv_id FROM paper_scores WHERE announce_date = ? AND rank = 1", [DAY_1])[0]
    store.query(
        "UPDATE paper_summaries SET tldr = 'A rewritten TL;DR.' WHERE announce_date = ? AND arxiv_id = ?",
        [DAY_1, top["arxiv_id"]],
    )
    changed = _unchanged(
        dg.materialize(
            ALL_ASSETS,
            selection=["digest_markdown", "daily_digest", "digest_export", "site_day_page", "digest_feeds"],
            partition_key=DAY_1.isoformat(),
            resources=pipeline_resources(config_path=str(path)),
        )
    )
    assert changed == dict.fromkeys(changed, False) and len(changed) == 5
    assert "A rewritten TL;DR." in files[0].read_text(encoding="utf-8")
    assert "A rewritten TL;DR." in files[2].read_text(encoding="utf-8")

    # A setting only the digest shows: the digest is rendered again, the ranking is kept.
    retitled = materialize_day(config_files.write(digest={"title": "Another title"}), DAY_1)
    flags = _unchanged(retitled)
    assert flags["arxiv_listings"] and flags["paper_scores"]  # (the edited summary is made again)
    assert not flags["digest_markdown"] and not flags["daily_digest"]
    assert "Another title" in files[0].read_text(encoding="utf-8")


def test_papers_shown_before_stay_out_unless_configured(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)
    store = warehouse_for(path)
    day2 = {r["arxiv_id"]: r for r in store.read_day("candidate_papers", DAY_2)}
    # 2611.10001 was in day 1's digest as v1 and is announced again as v2 on day 2 (a replacement).
    assert day2["2611.10001"]["version"] == 2
    assert day2["2611.10001"]["reason"] == "announce_type"

    path = config_files.write(filter={"announce_types": ["new", "cross", "replace"]})
    materialize_day(path, DAY_2)
    assert store.read_day("candidate_papers", DAY_2)  # replacements now pass the filters...
    scores = {r["arxiv_id"]: r for r in store.read_day("paper_scores", DAY_2)}
    assert scores["2611.10001"]["reason"] == "already_seen"  # ...and the ranking leaves it out
    assert scores["2611.10001"]["rank"] is None and not scores["2611.10001"]["selected"]
    readme = (load_config(path).output_dir / DAY_2.isoformat() / "README.md").read_text()
    assert "2611.10001" not in readme.split("## 🧮 Every Paper Accounted For")[0]
    assert "| Already shown in an earlier digest | 1 |" in readme

    path = config_files.write(
        filter={"announce_types": ["new", "cross", "replace"], "resurface_new_versions": True}
    )
    materialize_day(path, DAY_2)
    scores = {r["arxiv_id"]: r for r in store.read_day("paper_scores", DAY_2)}
    assert scores["2611.10001"]["selected"]

    # Rebuilding day 1 does not treat its own papers as seen.
    materialize_day(path, DAY_1)
    assert not [r for r in store.read_day("paper_scores", DAY_1) if r["reason"] == "already_seen"]


def test_config_edits_change_the_digest(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    path = config_files.write(digest={"max_papers": 5, "summarize_top": 2})
    materialize_day(path, DAY_1)
    store = warehouse_for(path)
    readme = load_config(path).output_dir / "2026-11-17" / "README.md"
    assert readme.read_text().count("\n### ") == 5
    assert len(store.read_day("paper_summaries", DAY_1)) == 2
    below = [r for r in store.read_day("paper_scores", DAY_1) if r["reason"] == "below_cutoff"]
    assert below and all(not r["selected"] for r in below)
    assert "| Ranked below digest.max_papers |" in readme.read_text()

    path = config_files.write(
        categories=["cs.CL"], keywords={"include": ["tokenizer"], "exclude": [], "authors": []}
    )
    materialize_day(path, DAY_1)
    papers = store.read_day("paper_scores", DAY_1)
    assert [p["arxiv_id"] for p in papers] == ["2611.10038"]
    text = readme.read_text()
    assert "Tokenizer-Free" in text and "Speculative Decoding" not in text

    path = config_files.write(
        keywords={"include": [], "exclude": ["survey"], "authors": []}, summary={"language": "zh"}
    )
    materialize_day(path, DAY_1)
    assert {r["language"] for r in store.read_day("paper_summaries", DAY_1)} == {"zh"}
    assert "Simplified Chinese" in readme.read_text()


def test_bad_config_stops_the_run_naming_the_key(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write(digest={"max_papers": -3})
    result = materialize_day(path, DAY_1, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    error = failure.step_failure_data.error
    text = error.message + "".join(c.message for c in [error.cause] if c)
    assert "digest.max_papers" in text and "greater than or equal to 1" in text
    assert not (config_files.root / "data" / "digests").exists()


def test_failed_fetch_keeps_what_was_stored(
    config_files: ConfigFactory, materialize_day: Materialize, tmp_path: Path
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    before = counts(path)
    # Point the replay source at a folder without this day: the fetch fails before any write.
    path = config_files.write(source={"replay_dir": str(tmp_path / "nowhere")})
    result = materialize_day(path, DAY_1, raise_on_error=False)
    assert not result.success
    assert counts(path) == before


@pytest.mark.parametrize("asset_name", ["candidate_papers", "paper_scores"])
def test_a_single_stage_can_be_rerun_alone(
    config_files: ConfigFactory,
    instance: dg.DagsterInstance,
    materialize_day: Materialize,
    asset_name: str,
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    before = counts(path)
    result = dg.materialize(
        ALL_ASSETS,
        selection=[asset_name],
        partition_key=DAY_1.isoformat(),
        instance=instance,
        resources=pipeline_resources(config_path=str(path)),
    )
    assert result.success
    assert [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()] == [asset_name]
    assert counts(path) == before


def test_digest_metadata_carries_a_chart(config_files: ConfigFactory, materialize_day: Materialize) -> None:
    import base64

    result = materialize_day(config_files.write(), DAY_1)
    event = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "digest_markdown"
    )
    from lxml import etree

    from arxiv_pipeline.core.publish.stage import load_digest_day

    chart = event.materialization.metadata["chart"].value
    payload = chart.split("data:image/svg+xml;base64,")[1].rstrip(")")
    svg = etree.fromstring(base64.b64decode(payload))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    digest = load_digest_day(load_config(config_files.path), DAY_1, warehouse_for(config_files.path))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert f"Papers per category ({len(digest.papers)})" in texts
    sections = {p.section for p in digest.papers}
    assert sections <= set(texts)  # one labelled bar per category
    bars = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "#b31b1b"]
    assert len(bars) == len(sections)
    histogram = [
        int(r.findtext("{http://www.w3.org/2000/svg}title"))
        for r in svg.iter("{*}rect")
        if r.get("fill") == "#4a6fa5"
    ]
    assert sum(histogram) == len(digest.papers)
