"""Feeds (Atom and RSS 2.0, through feedgen) and the JSON/JSONL export of a day.

Everything here comes from stored data only, so the same input gives the same bytes: the feed's
dates are announcement times, never "now". All text is untrusted: control characters that XML
cannot carry are dropped, and HTML in entry content is built from escaped pieces.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from feedgen.feed import FeedGenerator

from arxiv_pipeline.core.ingest.calendar import announcement_time
from arxiv_pipeline.core.models import CATEGORY_NAME
from arxiv_pipeline.core.publish.digest import DigestDay, DigestPaper
from arxiv_pipeline.core.text import latex_to_text

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FEED_FILES = ("feed.atom.xml", "feed.rss.xml")


def xml_safe(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def plain(text: str | None) -> str:
    """Readable plain text for feeds and pages (LaTeX made readable, XML-safe)."""
    return xml_safe(latex_to_text(text or ""))


_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.S)


def feed_text(text: str | None) -> str:
    """Plain text for a feed's titles and descriptions: no markup at all (readers that render
    titles as HTML then have none to run), escaped once, by the XML itself."""
    return " ".join(_TAG.sub(" ", plain(text)).split())


def entry_html(item: DigestPaper) -> str:
    e = lambda t: html.escape(plain(t))  # noqa: E731
    paper = item.paper
    parts = []
    if item.summary and item.extractive:
        parts.append(f"<p><strong>TL;DR (quoted from the abstract):</strong> {e(item.summary.tldr)}</p>")
    elif item.summary:
        s = item.summary
        parts.append(f"<p><strong>TL;DR ({e(item.source_note)}):</strong> {e(s.tldr)}</p>")
        for label, value in (
            ("Motivation", s.motivation),
            ("Method", s.method),
            ("Result", s.result),
            ("Conclusion", s.conclusion),
        ):
            parts.append(f"<p><strong>{label}:</strong> {e(value)}</p>")
    elif item.summary_status == "failed":
        parts.append("<p><em>Summary unavailable.</em></p>")
    parts.append(f"<p><strong>Abstract:</strong> {e(paper.abstract)}</p>")
    meta = (
        f"#{item.rank} · {e(paper.primary_category)} · score {item.score:g} · {e(paper.announce_type)}"
        f" · submitted {item.published_on.isoformat()}"
    )
    parts.append(f"<p><small>{meta} · arXiv:{e(paper.versioned_id)}</small></p>")
    return "\n".join(parts)


def _entry_summary(item: DigestPaper) -> str:
    if item.summary is None:
        return feed_text(item.paper.abstract[:400])
    note = item.source_note
    return f"{note[0].upper()}{note[1:]}: " + feed_text(item.summary.tldr)


def _add_entry(fg: FeedGenerator, item: DigestPaper, when: datetime) -> None:
    paper = item.paper
    fe = fg.add_entry(order="append")
    fe.id(f"https://arxiv.org/abs/{paper.versioned_id}")
    fe.guid(f"https://arxiv.org/abs/{paper.versioned_id}", permalink=True)
    fe.title(feed_text(paper.title) or paper.versioned_id)
    fe.link(href=paper.abs_url, rel="alternate")
    names = [xml_safe(n) for n in paper.authors if xml_safe(n).strip()]
    for name in names:
        fe.author(name=name)
    if names:  # RSS's <author> must be an email address: names go in Dublin Core, as arXiv's own feed has
        fe.dc.dc_creator(names)
    for cat in paper.categories:
        if CATEGORY_NAME.match(cat):
            fe.category(term=cat)
    # The announcement time, so readers that sort by date put the day's papers together; a
    # second less per rank keeps the best paper first among them.
    fe.published(when)
    fe.updated(when)
    fe.summary(_entry_summary(item), type="text")
    fe.content(entry_html(item), type="html")


NO_SITE_URL = (
    "publish.site_url is not set: the feeds' ids and links are file:// paths on this machine, so no "
    "feed reader elsewhere can subscribe; set it to the address the site folder is served at"
)


def build_feed(
    days: Sequence[DigestDay], title: str, site_url: str, max_entries: int | None = None
) -> FeedGenerator:
    """Newest day first, best paper first within a day, at most ``max_entries`` papers. ``site_url``
    is where the site folder is read from: the configured ``publish.site_url``, or the folder's own
    file:// address."""
    base = site_url.rstrip("/") + "/"
    fg = FeedGenerator()
    fg.id(base)
    fg.title(xml_safe(title))
    fg.subtitle("Ranked and summarized arXiv papers, one announcement day at a time.")
    fg.link(href=f"{base}index.html", rel="alternate")
    fg.language("en")
    fg.generator("arxiv-pipeline")
    fg.load_extension("dc", atom=False, rss=True)
    ordered = sorted(days, key=lambda d: d.announce_date, reverse=True)
    stamp = announcement_time(ordered[0].announce_date) if ordered else datetime(1970, 1, 1, tzinfo=UTC)
    fg.updated(stamp)
    fg.lastBuildDate(stamp)
    left = max_entries if max_entries is not None else sum(len(d.papers) for d in ordered)
    for day in ordered:
        start = announcement_time(day.announce_date)
        for item in day.papers[: max(left, 0)]:
            _add_entry(fg, item, start - timedelta(seconds=item.rank - 1))
        left -= len(day.papers)
    return fg


def _self_link(fg: FeedGenerator, base: str, name: str, kind: str) -> None:
    # feedgen gives RSS's <link> the last one: the site, not the feed itself.
    fg.link(
        [
            {"href": f"{base}{name}", "rel": "self", "type": kind},
            {"href": f"{base}index.html", "rel": "alternate"},
        ],
        replace=True,
    )


def render_feeds(
    days: Sequence[DigestDay],
    title: str,
    site_url: str,
    names: tuple[str, str] = FEED_FILES,
    max_entries: int | None = None,
) -> tuple[bytes, bytes]:
    """(Atom, RSS 2.0) documents, each naming its own address (rel="self")."""
    fg = build_feed(days, title, site_url, max_entries)
    base = site_url.rstrip("/") + "/"
    _self_link(fg, base, names[0], "application/atom+xml")
    atom = fg.atom_str(pretty=True)
    _self_link(fg, base, names[1], "application/rss+xml")
    return atom, fg.rss_str(pretty=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def export_day(day: DigestDay, papers: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """(digest.json, papers.jsonl): the digest as data, and every paper of the day with every
    stored field (listing, selection outcome, score, summary)."""
    digest = {
        "announce_date": day.announce_date.isoformat(),
        "categories": day.categories,
        "listed": day.listed,
        "kept": day.kept,
        "left_out": day.left_out,
        "summarized": day.summarized,
        "failed_summaries": day.failed_summaries,
        "summarizers": day.summarizer_notes,
        "papers": [p.as_dict() for p in day.papers],
    }
    text = json.dumps(digest, ensure_ascii=False, indent=2, default=_jsonable, sort_keys=True)
    lines = "".join(
        json.dumps(p, ensure_ascii=False, default=_jsonable, sort_keys=True) + "\n" for p in papers
    )
    return text + "\n", lines
