"""Synthetic announcement days of any size, in arXiv's exact recorded formats: for tests that need
many papers or many days (backfills, a lab's month) and for the benchmark."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.publish.digest import DigestDay, DigestPaper
from arxiv_pipeline.core.summarize import StructuredSummary

TOPICS = [
    "speculative decoding",
    "mixture-of-experts routing",
    "quantization",
    "retrieval",
    "reward modelling",
    "diffusion sampling",
    "graph learning",
    "tokenization",
    "continual learning",
    "agent planning",
    "sparse attention",
    "federated optimization",
]
NAMES = [
    "Ana Lima",
    "Kenji Watanabe",
    "Léa Dubois",
    "Ravi Shankar",
    "Sofia Lindgren",
    "Omar Siddiqui",
    "Zoë Ōkubo",
    "Jakub Novák",
    "Chen Jiayi",
    "Grace Wanjiru",
    "Hugo Laurent",
    "Mina Farouk",
]
CATS = ["cs.LG", "cs.CL", "cs.AI", "stat.ML"]


def synthetic_papers(n: int, day: date, seed: int, id_offset: int = 0) -> list[Any]:
    from arxiv_pipeline.core.ingest.calendar import submission_window
    from arxiv_pipeline_tests.sample_papers import SamplePaper

    rng = random.Random(seed)
    start, end = submission_window(day)
    span = (end - start).total_seconds() - 60
    papers = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        # Every paper is in a followed category (stat.ML only as a cross-list).
        primary = rng.choice(CATS[:3])
        cats = [primary, *rng.sample([c for c in CATS if c != primary], rng.randint(0, 2))]
        when = start + timedelta(seconds=int(rng.random() * span))
        abstract = (
            f"Large language models struggle with {topic} when data are scarce. Existing methods "
            f"are either slow or inaccurate at scale. We propose a method for {topic} that "
            f"combines a learned prior with an efficient inference procedure. Experiments on "
            f"{rng.randint(3, 12)} benchmarks show gains of {rng.randint(2, 30)}% over strong "
            f"baselines. These results suggest the approach is a practical default for {topic}."
        )
        papers.append(
            SamplePaper(
                arxiv_id=f"{day:%y%m}.{50000 + id_offset + i:05d}",
                version=1,
                title=f"{topic.title()} for Large Language Models: Study {id_offset + i}",
                authors=rng.sample(NAMES, rng.randint(2, 8)),
                primary=primary,
                categories=cats,
                abstract=abstract,
                published=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                comment=rng.choice([None, "12 pages", "Accepted at a workshop"]),
            )
        )
    return papers


def write_day(root: Path, day: date, papers: list[Any]) -> None:
    from arxiv_pipeline_tests.build_sample_data import build_day

    build_day(root, day.isoformat(), papers)


def one_paper_day(title: str, abstract: str, tldr: str, author: str, category: str) -> DigestDay:
    """A digest day of one paper whose every field comes from the arguments: for the property
    tests of the outputs on hostile text, and the feed benchmark's template."""
    summary = StructuredSummary(
        tldr=tldr or "t",
        motivation=abstract or "m",
        method=title or "x",
        result=tldr or "r",
        conclusion=author or "c",
    )
    listing = Listing(
        arxiv_id="2611.00001",
        version=1,
        title=title,
        authors=[author, "B. Two"],
        abstract=abstract,
        primary_category="cs.LG",
        categories=["cs.LG", category],
        comment=abstract[:20] or None,
        announce_type="new",
        listed_in="cs.LG",
    )
    paper = DigestPaper(
        paper=listing,
        rank=1,
        section="cs.LG",
        published_on=date(2026, 11, 16),
        score=3.0,
        matched_keywords=[tldr[:10] or "kw"],
        followed_authors=[],
        summary=summary,
        summary_status="ok",
        summary_error=None,
        summarizer="llm",
        model=author[:10] or "m",
        long_summary=abstract,
    )
    return DigestDay(
        announce_date=date(2026, 11, 17),
        title="Digest",
        categories=["cs.LG"],
        papers=[paper],
        listed=1,
        kept=1,
        left_out={},
        fetched_at=datetime(2026, 11, 17, 5),
        sources=["test"],
        include_keywords=[title[:10] or "k"],
        exclude_keywords=[],
        followed_authors=[],
        summarizer_notes=[tldr or "n"],
        language="en",
    )
