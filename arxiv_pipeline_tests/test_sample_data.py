"""The recorded days: the bundled real day, and the synthetic ones in sync with their builder."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

from arxiv_pipeline.core.ingest.replay import SAMPLE_DATA_DIR, SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.text import latex_to_text
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR, build
from arxiv_pipeline_tests.sample_papers import DAY_1


def test_recordings_match_their_builder(tmp_path: Path) -> None:
    build(tmp_path)
    for day in ("2026-11-17", "2026-11-18", "2026-11-27"):
        cmp = filecmp.dircmp(tmp_path / day, SYNTHETIC_DAYS_DIR / day)
        stack, diffs = [cmp], []
        while stack:
            c = stack.pop()
            diffs += c.diff_files + c.left_only + c.right_only
            stack += c.subdirs.values()
        assert diffs == [], f"regenerate with python -m arxiv_pipeline_tests.build_sample_data: {diffs}"


def test_synthetic_day_has_the_shape_of_a_real_day() -> None:
    source = ReplaySource(SYNTHETIC_DAYS_DIR)
    day = date.fromisoformat(DAY_1)
    result = source.fetch_day(day, ["cs.AI", "cs.CL", "cs.LG", "stat.ML"])
    papers = {item.arxiv_id: item for item in result.listings}
    assert 30 <= len(papers) <= 80
    assert len({item.listed_in for item in result.listings}) >= 3
    assert {item.announce_type for item in result.listings} == {"new", "cross", "replace", "replace-cross"}
    assert len(result.listings) > len(papers)  # cross-lists appear in several feeds
    titles = [p.title for p in papers.values()]
    assert any("$" in t or "\\" in t for t in titles)
    assert any(latex_to_text(t) != t for t in titles)
    assert any(any(ord(ch) > 127 for ch in t) for t in titles)
    assert max(len(p.authors) for p in papers.values()) >= 30
    assert any(p.metadata_source == "rss" for p in papers.values())  # API lagged for one
    assert any(p.doi for p in papers.values()) and any(p.comment is None for p in papers.values())


def test_the_bundled_day_is_the_real_one() -> None:
    """The quick start's day: 164 real papers of 2026-06-24 (sample_data/README.md), every one
    with its API record, announced as new or cross in cs.AI and cs.CL; cs.LG is not recorded."""
    source = ReplaySource()
    assert source.available_days() == [SAMPLE_DAY] == [date(2026, 6, 24)]
    assert source.root == SAMPLE_DATA_DIR
    result = source.fetch_day(SAMPLE_DAY, ["cs.AI", "cs.CL", "cs.LG"])
    papers = {item.arxiv_id: item for item in result.listings}
    assert len(papers) == 164
    assert {r.category: r.status for r in result.feeds} == {"cs.AI": "ok", "cs.CL": "ok", "cs.LG": "missing"}
    assert {item.announce_type for item in result.listings} == {"new", "cross"}
    assert all(p.metadata_source == "api" and p.version == 1 for p in papers.values())
    assert all(p.arxiv_id.startswith("2606.") for p in papers.values())
    # Real text: a known paper, LaTeX in titles, a long author list.
    assert papers["2606.23693"].title.startswith("EXPO-SQL: Execution-based Clause-level Policy")
    assert any("$" in p.title for p in papers.values())
    assert max(len(p.authors) for p in papers.values()) >= 20
