"""The bundled recorded days: shaped like real arXiv days, and in sync with their source."""

from __future__ import annotations

import filecmp
from pathlib import Path

from arxiv_pipeline.core.ingest.replay import SAMPLE_DATA_DIR, SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.text import latex_to_text
from arxiv_pipeline_tests.build_sample_data import build


def test_recordings_match_their_builder(tmp_path: Path) -> None:
    build(tmp_path)
    for day in ("2026-11-17", "2026-11-18", "2026-11-27"):
        cmp = filecmp.dircmp(tmp_path / day, SAMPLE_DATA_DIR / day)
        stack, diffs = [cmp], []
        while stack:
            c = stack.pop()
            diffs += c.diff_files + c.left_only + c.right_only
            stack += c.subdirs.values()
        assert diffs == [], f"regenerate with python -m arxiv_pipeline_tests.build_sample_data: {diffs}"


def test_sample_day_has_the_shape_of_a_real_day() -> None:
    source = ReplaySource()
    assert SAMPLE_DAY in source.available_days()
    result = source.fetch_day(SAMPLE_DAY, ["cs.AI", "cs.CL", "cs.LG", "stat.ML"])
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
