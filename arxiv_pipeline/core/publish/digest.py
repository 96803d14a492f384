"""The day's digest as data: selected papers in rank order with their summaries, plus the
accounting of every paper that was left out. Renderers turn this into pages and feeds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from arxiv_pipeline.core.config import LANGUAGES, DigestConfig, KeywordsConfig
from arxiv_pipeline.core.models import CATEGORY_NAME, Listing
from arxiv_pipeline.core.records import candidate_from_row, summary_from_row
from arxiv_pipeline.core.select.matching import normalize_name
from arxiv_pipeline.core.select.selection import REASON_BELOW_CUTOFF, REASON_LABELS, REASON_SEEN
from arxiv_pipeline.core.summarize import ExtractiveSummarizer, StructuredSummary
from arxiv_pipeline.core.text import cut_for_display

# The longest real author names are under 100 characters.
AUTHOR_NAME_CHARS = 200


@dataclass(frozen=True)
class DigestPaper:
    """A selected paper as the digest shows it: the paper itself, where it ranks and why, and its
    summary."""

    paper: Listing
    rank: int
    section: str
    published_on: date  # the paper's first submission, or the announcement day when unknown
    score: float
    matched_keywords: list[str]
    followed_authors: list[str]
    summary: StructuredSummary | None
    summary_status: str  # "ok", "failed" or "none" (ranked below digest.summarize_top)
    summary_error: str | None
    summarizer: str | None
    model: str | None = None
    long_summary: str | None = None
    # The score's contributions in words, largest first (paper_scores.explanation).
    explanation: list[str] = field(default_factory=list)
    reader_score: float | None = None
    # What the summary was made from: "abstract", or the full text's "html" / "pdf"; and for a
    # full text, the sections used, its length and where it came from.
    summary_source: str = "abstract"
    sections_used: list[str] = field(default_factory=list)
    fulltext_chars: int | None = None
    fulltext_url: str | None = None

    def author_marks(self, limit: int = 12) -> list[tuple[str, bool]]:
        """The first ``limit`` authors, each with whether the reader follows them."""
        followed = {normalize_name(n) for n in self.followed_authors}
        return [(a, normalize_name(a) in followed) for a in self.paper.authors[:limit]]

    @property
    def extractive(self) -> bool:
        """The summary is quoted from the abstract (offline, no full text): shown as a
        quoted TL;DR beside the abstract, not as sections."""
        return self.summarizer == ExtractiveSummarizer.name and not self.from_fulltext

    @property
    def from_fulltext(self) -> bool:
        return self.summary_source in ("html", "pdf")

    @property
    def source_note(self) -> str:
        """Which text the summary came from, and how: every output says it."""
        what = f"the full text ({self.summary_source.upper()})" if self.from_fulltext else "the abstract"
        if self.summarizer == ExtractiveSummarizer.name:
            return f"quoted from {what}" if not self.from_fulltext else f"extracted from {what}"
        return f"from {what}"

    @property
    def summary_label(self) -> str:
        who = f"by {self.model}" if self.model else (self.summarizer or "")
        return f"{who}, {self.source_note}" if who else self.source_note

    def as_dict(self) -> dict[str, Any]:
        """The paper for digest.json: flat, with its links."""
        p = self.paper
        return {
            "rank": self.rank,
            "arxiv_id": p.arxiv_id,
            "version": p.version,
            "title": p.title,
            "authors": p.authors,
            "primary_category": p.primary_category,
            "categories": p.categories,
            "section": self.section,
            "published": self.published_on,
            "score": self.score,
            "why": self.explanation,
            "reader_score": self.reader_score,
            "announce_type": p.announce_type,
            "matched_keywords": self.matched_keywords,
            "followed_authors": self.followed_authors,
            "abstract": p.abstract,
            "comment": p.comment,
            "summary": asdict(self.summary) if self.summary else None,
            "summary_status": self.summary_status,
            "summary_error": self.summary_error,
            "summarizer": self.summarizer,
            "model": self.model,
            "long_summary": self.long_summary,
            "summary_source": self.summary_source if self.summary else None,
            "summary_sections": self.sections_used,
            "fulltext_chars": self.fulltext_chars,
            "fulltext_url": self.fulltext_url,
            "abs_url": p.abs_url,
            "pdf_url": p.pdf_url,
        }


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
    feed_notes: list[str] = field(default_factory=list)
    # False on a weekday arXiv skipped (a holiday): every feed was empty.
    announced: bool = True

    @property
    def no_announcement(self) -> str:
        """What to say instead of a digest on a day arXiv made no announcement."""
        return (
            f"arXiv made no announcement on {self.announce_date:%A, %d %B %Y} (a holiday): "
            "there are no new papers for this day."
        )

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


def _digest_paper(
    rank: int,
    candidate: Mapping[str, Any],
    score: Mapping[str, Any],
    summary: Mapping[str, Any] | None,
    settings: DigestConfig,
    categories: Sequence[str],
    day: date,
    fulltext: Mapping[str, Any] | None = None,
) -> DigestPaper:
    listing = _for_display(candidate_from_row(candidate).listing, settings)
    if summary is not None and summary["version"] != listing.version:
        summary = None  # a summary of another version is not this paper's
    source = (summary.get("source") or "abstract") if summary else "abstract"
    used_fulltext = fulltext is not None and source in ("html", "pdf") and fulltext["status"] == "ok"
    return DigestPaper(
        paper=listing,
        rank=rank,
        section=_section(listing.primary_category, listing.categories, categories),
        published_on=listing.published.date() if listing.published else day,
        score=score["score"],
        matched_keywords=list(score["matched_keywords"]),
        followed_authors=list(score["followed_authors"]),
        summary=summary_from_row(summary) if summary else None,
        summary_status=summary["status"] if summary else "none",
        summary_error=summary["error"] if summary else None,
        summarizer=summary["summarizer"] if summary else None,
        model=summary["model"] if summary else None,
        long_summary=summary.get("long_summary") if summary else None,
        explanation=list(score.get("explanation") or []),
        reader_score=score.get("reader_score"),
        summary_source=source,
        sections_used=list(summary.get("sections_used") or []) if summary else [],
        fulltext_chars=fulltext["chars"] if used_fulltext and fulltext else None,
        fulltext_url=_public_url(fulltext["url"]) if used_fulltext and fulltext else None,
    )


def _for_display(listing: Listing, limits: DigestConfig) -> Listing:
    """The listing with hostile lengths cut for every output (the stored record stays whole)."""
    return replace(
        listing,
        title=cut_for_display(listing.title, limits.max_title_chars, "title"),
        abstract=cut_for_display(listing.abstract, limits.max_abstract_chars, "abstract"),
        comment=listing.comment and cut_for_display(listing.comment, limits.max_comment_chars, "comment"),
        authors=[cut_for_display(a, AUTHOR_NAME_CHARS, "name") for a in listing.authors],
    )


def _public_url(url: str | None) -> str | None:
    """A link a reader can follow: the arXiv (or mirror) address, not a file on this machine."""
    return url if url and url.startswith(("https://", "http://")) else None


def build_digest_day(
    day: date,
    candidates: Sequence[Mapping[str, Any]],
    scores: Sequence[Mapping[str, Any]],
    summaries: Sequence[Mapping[str, Any]],
    listings_meta: Mapping[str, Any] | None = None,
    feed_notes: Sequence[str] = (),
    announced: bool = True,
    fulltexts: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
    *,
    settings: DigestConfig,
    categories: Sequence[str],
    keywords: KeywordsConfig,
    language: str,
) -> DigestDay:
    """Join the stored stages into the digest; every candidate ends up counted somewhere.
    ``settings``, ``categories``, ``keywords`` and ``language``: the digest's title and display
    limits, and what the reader asked for, shown in the digest."""
    texts = fulltexts or {}
    by_id = {c["arxiv_id"]: c for c in candidates}
    summary_by_id = {s["arxiv_id"]: s for s in summaries}
    left_out: Counter[str] = Counter(c["reason"] for c in candidates if c["status"] != "kept")
    selected = [s for s in scores if s["selected"]]
    left_out.update(s["reason"] or REASON_BELOW_CUTOFF for s in scores if not s["selected"])
    papers = [
        _digest_paper(
            rank,
            by_id[s["arxiv_id"]],
            s,
            summary_by_id.get(s["arxiv_id"]),
            settings,
            categories,
            day,
            texts.get((s["arxiv_id"], s["version"])),
        )
        for rank, s in enumerate(sorted(selected, key=lambda r: r["rank"]), start=1)
    ]
    meta = listings_meta or {}
    kept = sum(1 for c in candidates if c["status"] == "kept")
    return DigestDay(
        announce_date=day,
        title=settings.title,
        categories=list(categories),
        papers=papers,
        listed=len(candidates),
        # Papers shown on an earlier day pass the filters but are left out by the ranking.
        kept=kept - left_out.get(REASON_SEEN, 0),
        left_out=dict(left_out),
        fetched_at=meta.get("fetched_at"),
        sources=list(meta.get("sources") or []),
        include_keywords=list(keywords.include),
        exclude_keywords=list(keywords.exclude),
        followed_authors=list(keywords.authors),
        summarizer_notes=sorted({describe_summarizer(s["summarizer"], s["model"]) for s in summaries}),
        language=language,
        feed_notes=list(feed_notes) if announced else [],
        announced=announced,
    )
