"""Writes the bundled real arXiv day (``arxiv_pipeline/sample_data/2026-06-24``) from its source.

    python -m arxiv_pipeline_tests.build_real_day PATH/2026-06-24.jsonl

The source is the record one public daily-arXiv bot kept of that announcement
(github.com/dw-dengwei/daily-arXiv-ai-enhanced, branch ``data``, ``data/2026-06-24.jsonl`` at commit
4cf0d8f2): for every paper arXiv's /list/<category>/new pages showed that morning in the categories
the bot followed, the arXiv API's title, authors, categories, comment and abstract. arXiv's metadata
is CC0; only those fields are taken, nothing the bot added. They are written in arXiv's RSS and API
formats (``build_sample_data``), so the day goes through the same parsers as a live one.

What the source does not hold, and how the recording fills it (said again in the folder's README):
the version (1: these are the day's new submissions and cross-lists of new submissions), the
announce type (``new`` in the paper's primary category, the first the API lists; ``cross`` in the
others), the submission time (the mailing's deadline, the latest it can have been) and the licence
(left out). Cross-lists from categories the bot did not follow are not in it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from arxiv_pipeline_tests.build_sample_data import build_day
from arxiv_pipeline_tests.sample_papers import SamplePaper

DAY = "2026-06-24"
FEEDS = ["cs.AI", "cs.CL"]
RECORDED_AT = "2026-06-24T06:20:08+00:00"  # the source commit's time
# Submissions for the Wednesday mailing closed on Tuesday at 14:00 US/Eastern.
SUBMITTED_BY = "2026-06-23T18:00:00Z"
TARGET = Path(__file__).resolve().parents[1] / "arxiv_pipeline" / "sample_data"


def real_papers(lines: list[str]) -> list[SamplePaper]:
    """One paper per id (the source lists a paper once per page it was on), in a followed feed."""
    by_id: dict[str, SamplePaper] = {}
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line)
        if r["id"] in by_id or not set(r["categories"]) & set(FEEDS):
            continue
        by_id[r["id"]] = SamplePaper(
            arxiv_id=r["id"],
            version=1,
            title=r["title"],
            authors=r["authors"],
            primary=r["categories"][0],
            categories=r["categories"],
            abstract=r["summary"],
            published=SUBMITTED_BY,
            comment=r.get("comment"),
            rights=None,
        )
    return sorted(by_id.values(), key=lambda p: p.arxiv_id)


def build(source: Path, root: Path = TARGET) -> int:
    papers = real_papers(source.read_text(encoding="utf-8").splitlines())
    build_day(root, DAY, papers, feeds=FEEDS, recorded_at=RECORDED_AT, page_ids=100)
    return len(papers)


if __name__ == "__main__":
    n = build(Path(sys.argv[1]))
    print(f"wrote {n} papers of {DAY} under {TARGET / DAY}")
