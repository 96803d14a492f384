"""The day's digest as data: selected papers in rank order with their summaries, plus the
accounting of every paper that was left out. Renderers turn this into pages and feeds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from arxiv_pipeline.core.config import LANGUAGES, PipelineConfig
from arxiv_pipeline.core.models import CATEGORY_NAME
from arxiv_pipeline.core.records import summary_from_row
from arxiv_pipeline.core.selection import REASON_BELOW_CUTOFF, REASON_LABELS
from arxiv_pipeline.core.summarizers import ExtractiveSummarizer, StructuredSummary


@dataclass(frozen=True)
class DigestPaper:
    rank: int
    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    primary_category: str
    categories: list[str]
    section: str
    published: date
    score: float
    announce_type: str
    matched_keywords: list[str]
    followed_authors: list[str]
    abstract: str
    comment: str | None
    summary: StructuredSummary | None
    summary_status: str  # "ok", "failed" or "none" (ranked below digest.summarize_top)
    summary_error: str | None
    summarizer: str | None
    model: str | None = None
    long_summary: str | None = None

    @property
    def summary_label(self) -> str:
        return f"by {self.model}" if self.model else (self.summarizer or "")

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.versioned_id}"


@dataclass(frozen=True)
class DigestDay:
    announce_date: date
    title: str
    categories: list[str]
    papers: list[DigestPaper]
    listed: int
    kept: int
    left_out: dict[str, int]
    fetched_at: datetime | None
    sources: list[str]
    include_keywords: list[str]
    exclude_keywords: list[str]
    followed_authors: list[str]
    summarizer_notes: list[str]
    language: str
    summarize_top: int
    feed_notes: list[str] = field(default_factory=list)

    @property
    def summarized(self) -> int:
        return sum(1 for p in self.papers if p.summary_status == "ok")

    @property
    def failed_summaries(self) -> int:
        return sum(1 for p in self.papers if p.summary_status == "failed")

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.language, self.language)

    def accounting(self) -> list[tuple[str, int]]:
        """(label, count) rows that add up to every paper listed that day."""
        rows = [("In this digest", len(self.papers))]
        for reason, count in sorted(self.left_out.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append((REASON_LABELS.get(reason, reason).capitalize(), count))
        return rows

    def sections(self) -> list[tuple[str, list[DigestPaper]]]:
        order = {c: i for i, c in enumerate(self.categories)}
        groups: dict[str, list[DigestPaper]] = {}
        for paper in self.papers:
            groups.setdefault(paper.section, []).append(paper)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def describe_summarizer(name: str, model: str | None) -> str:
    if name == ExtractiveSummarizer.name:
        return ExtractiveSummarizer.description
    return f"Summaries by {model or name}."


def _section(primary: str, categories: Sequence[str], configured: Sequence[str]) -> str:
    if primary in configured:
        return primary
    for cat in categories:
        if cat in configured or cat.split(".")[0] in configured:
            return cat if cat in configured else cat.split(".")[0]
    return primary if CATEGORY_NAME.match(primary) else "other"


def build_digest_day(
    config: PipelineConfig,
    day: date,
    candidates: Sequence[Mapping[str, Any]],
    scores: Sequence[Mapping[str, Any]],
    summaries: Sequence[Mapping[str, Any]],
    listings_meta: Mapping[str, Any] | None = None,
    feed_notes: Sequence[str] = (),
) -> DigestDay:
    """Join the stored stages into the digest; every candidate ends up counted somewhere."""
    by_id = {c["arxiv_id"]: c for c in candidates}
    summary_by_id = {s["arxiv_id"]: s for s in summaries}
    left_out: Counter[str] = Counter(c["reason"] for c in candidates if c["status"] != "kept")
    papers: list[DigestPaper] = []
    for s in sorted(scores, key=lambda r: r["rank"]):
        if not s["selected"]:
            left_out[s["reason"] or REASON_BELOW_CUTOFF] += 1
            continue
        c = by_id[s["arxiv_id"]]
        summ = summary_by_id.get(s["arxiv_id"])
        if summ is not None and summ["version"] != c["version"]:
            summ = None
        published = c["published"].date() if c["published"] else day
        papers.append(
            DigestPaper(
                rank=len(papers) + 1,
                arxiv_id=c["arxiv_id"],
                version=c["version"],
                title=c["title"],
                authors=list(c["authors"]),
                primary_category=c["primary_category"],
                categories=list(c["categories"]),
                section=_section(c["primary_category"], c["categories"], config.categories),
                published=published,
                score=s["score"],
                announce_type=c["announce_type"],
                matched_keywords=list(s["matched_keywords"]),
                followed_authors=list(s["followed_authors"]),
                abstract=c["abstract"],
                comment=c["comment"],
                summary=summary_from_row(summ) if summ else None,
                summary_status=summ["status"] if summ else "none",
                summary_error=summ["error"] if summ else None,
                summarizer=summ["summarizer"] if summ else None,
                model=summ["model"] if summ else None,
                long_summary=summ.get("long_summary") if summ else None,
            )
        )
    notes = sorted({describe_summarizer(s["summarizer"], s["model"]) for s in summaries})
    meta = listings_meta or {}
    return DigestDay(
        announce_date=day,
        title=config.digest.title,
        categories=list(config.categories),
        papers=papers,
        listed=len(candidates),
        kept=sum(1 for c in candidates if c["status"] == "kept"),
        left_out=dict(left_out),
        fetched_at=meta.get("fetched_at"),
        sources=list(meta.get("sources") or []),
        include_keywords=list(config.keywords.include),
        exclude_keywords=list(config.keywords.exclude),
        followed_authors=list(config.keywords.authors),
        summarizer_notes=notes,
        language=config.summary.language,
        summarize_top=config.digest.summarize_top,
        feed_notes=list(feed_notes),
    )
