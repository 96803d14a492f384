"""The static web site: an index of days and one page per day, in one self-contained folder
that works opened from disk or served by any static host. Every value is escaped by the
templates (autoescape); scripts and styles are files, so the pages can forbid inline code."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from arxiv_pipeline.core.publish.digest import DigestDay, DigestPaper
from arxiv_pipeline.core.publish.feeds import plain

STATIC_FILES = ("style.css", "app.js", "favicon.svg")


@dataclass(frozen=True)
class DaySummary:
    announce_date: date
    papers: int
    summarized: int
    listed: int


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i"})


def fold(text: str) -> str:
    """Text as the day page's search compares it: no accents, no case ("Gödel" matches "GODEL";
    app.js folds the query the same way)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_text(p: DigestPaper) -> str:
    """What the search box looks in: title, authors, abstract, TL;DR and the arXiv id."""
    parts = [
        p.paper.arxiv_id,
        p.paper.versioned_id,
        plain(p.paper.title),
        " ".join(p.paper.authors),
        plain(p.paper.abstract),
        plain(p.summary.tldr) if p.summary else "",
    ]
    return fold(" ".join(parts))


def keyword_label(keyword: str) -> str:
    """A configured keyword as a reader reads it: "quantiz*" is every word that starts so."""
    return f"{keyword[:-1]}… (any ending)" if keyword.endswith("*") else keyword


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("arxiv_pipeline.core.publish", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.globals["plain"] = plain
    env.globals["search_text"] = search_text
    env.globals["keyword_label"] = keyword_label
    env.filters["plain"] = plain
    return env


_ENV = _environment()


class _IndexDay:
    def __init__(self, d: DaySummary) -> None:
        self.announce_date, self.listed, self.summarized = d.announce_date, d.listed, d.summarized
        self.papers = range(d.papers)


def render_index(days: Sequence[DaySummary], title: str) -> str:
    ordered = sorted(days, key=lambda d: d.announce_date, reverse=True)
    return _ENV.get_template("site/index.html.j2").render(
        site_title=title, days=[_IndexDay(d) for d in ordered]
    )


def neighbours(day: date, built: Sequence[date]) -> tuple[date | None, date | None]:
    """The built days just before and just after ``day``."""
    before = [d for d in built if d < day]
    after = [d for d in built if d > day]
    return (max(before) if before else None, min(after) if after else None)


def render_day_page(
    day: DigestDay, title: str, prev_day: date | None = None, next_day: date | None = None
) -> str:
    keywords = sorted({k for p in day.papers for k in p.matched_keywords}, key=str.lower)
    return _ENV.get_template("site/day.html.j2").render(
        site_title=title,
        day=day,
        sections=day.sections(),
        keywords=keywords,
        prev_day=prev_day,
        next_day=next_day,
    )


def days_script(days: Sequence[DaySummary]) -> str:
    """assets/days.js: the built days, newest first, for the day pages' previous/next links."""
    ordered = sorted((d.announce_date.isoformat() for d in days), reverse=True)
    return f"window.ARXIV_DIGEST_DAYS = {json.dumps(ordered)};\n"


def static_files() -> dict[str, str]:
    folder = resources.files("arxiv_pipeline.core.publish") / "static"
    return {f"assets/{name}": (folder / name).read_text(encoding="utf-8") for name in STATIC_FILES}
