"""Parsing arXiv's two response formats: the announcement RSS and the API's Atom pages.

Both are untrusted input: a malformed document raises ``FeedFormatError``; a single bad item is
skipped and reported, never taking the rest of the feed with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from arxiv_pipeline.core.ingest.http import SAFE_XML, looks_like_html, strip_xml_invalid
from arxiv_pipeline.core.models import ANNOUNCE_TYPES, ARXIV_ID, CATEGORY_NAME, Listing, Paper
from arxiv_pipeline.core.text import paragraphs, strip_control


class FeedFormatError(ValueError):
    """A response that is not the feed it should be (HTML error page, broken XML...)."""


class ArxivApiError(RuntimeError):
    """The API answered with its Atom error entry (e.g. a malformed id_list)."""


_RSS_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+?)v(?P<version>\d+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*"
    r"(?:Abstract:\s*)?(?P<abstract>.*)$",
    re.S,
)
_API_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)v(?P<version>\d+)$")
_WS = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    return _WS.sub(" ", strip_control(text or "")).strip()


def clean_abstract(text: str | None) -> str:
    """An abstract with its wrapping undone and its paragraphs kept (a blank line between)."""
    return "\n\n".join(paragraphs(strip_control(text or "")))


@dataclass(frozen=True)
class RssItem:
    """One announcement in the RSS: the paper as the feed describes it, and how it was announced."""

    paper: Paper
    announce_type: str


@dataclass
class RssFeed:
    announce_date: date | None
    items: list[RssItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class ApiPage:
    total_results: int
    records: list[Paper] = field(default_factory=list)


_NS = {
    "arxiv": "http://arxiv.org/schemas/atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ATOM = "{http://www.w3.org/2005/Atom}"


def _rfc822_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _xml_root(content: bytes, what: str) -> Any:
    """The document's root element, or a FeedFormatError saying what the body was instead."""
    if not content.strip():
        raise FeedFormatError(f"{what}: empty response body")
    if looks_like_html(content):
        raise FeedFormatError(f"{what}: got an HTML page instead of a feed")
    try:
        root = etree.fromstring(content, parser=SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise FeedFormatError(f"{what}: malformed XML ({exc})") from None
    return root


def _rss_channel(content: bytes, what: str) -> Any:
    root = _xml_root(content, what)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedFormatError(f"{what}: not an RSS feed (root element <{root.tag}>)")
    return channel


def _rss_item(item: Any) -> RssItem | None:
    match = _RSS_DESCRIPTION.match(item.findtext("description") or "")
    kind = (item.findtext("arxiv:announce_type", namespaces=_NS) or "").strip()
    kind = kind or (match.group("type") if match else "")
    if match is None or kind not in ANNOUNCE_TYPES or not ARXIV_ID.match(match.group("id")):
        return None
    terms = [(c.text or "").strip() for c in item.findall("category")]
    categories = list(dict.fromkeys(t for t in terms if CATEGORY_NAME.match(t)))
    creators = item.findtext("dc:creator", namespaces=_NS) or ""
    paper = Paper(
        arxiv_id=match.group("id"),
        version=int(match.group("version")),
        title=clean_text(item.findtext("title")),
        authors=[clean_text(a) for a in creators.split(",") if a.strip()],
        abstract=clean_abstract(match.group("abstract")),
        # The feed names no primary category; its first category stands in.
        primary_category=categories[0] if categories else "",
        categories=categories,
    )
    return RssItem(paper, announce_type=kind)


def parse_rss(content: bytes, what: str = "arXiv RSS") -> RssFeed:
    """Parse an rss.arxiv.org feed; an empty channel is a day without announcements.

    Parsed as plain XML, so text arrives as arXiv wrote it (``$i<j$`` stays ``$i<j$``); escaping
    is the renderers' job. Characters XML cannot carry are dropped first, and said so.
    """
    content, removed = strip_xml_invalid(content)
    channel = _rss_channel(content, what)
    pub = _rfc822_date(channel.findtext("pubDate"))
    feed = RssFeed(announce_date=pub.date() if pub else None)
    if removed:
        feed.skipped.append(f"dropped {removed} characters XML cannot carry")
    for item in channel.findall("item"):
        parsed = _rss_item(item)
        if parsed is None:
            feed.skipped.append(f"{item.findtext('guid') or '?'}: unrecognised id, description or type")
        else:
            feed.items.append(parsed)
    return feed


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _atom_feed(content: bytes, what: str) -> Any:
    content, _removed = strip_xml_invalid(content)
    root = _xml_root(content, what)
    if root.tag != f"{_ATOM}feed":
        raise FeedFormatError(f"{what}: not an Atom feed (root element <{etree.QName(root).localname}>)")
    return root


def _text(entry: Any, path: str) -> str:
    return entry.findtext(path, namespaces=_NS) or ""


def parse_api_page(content: bytes, what: str = "arXiv API") -> ApiPage:
    """Parse one export.arxiv.org/api/query Atom page.

    Read as strict XML with lxml (a 2,000-record page in tens of milliseconds; feedparser took
    seconds), so text arrives as arXiv wrote it, as in ``parse_rss``.
    """
    root = _atom_feed(content, what)
    entries = root.findall("atom:entry", _NS)
    if len(entries) == 1 and "api/errors" in _text(entries[0], "atom:id"):
        raise ArxivApiError(f"{what}: {clean_text(_text(entries[0], 'atom:summary'))}")
    total = _text(root, "opensearch:totalResults").strip()
    page = ApiPage(total_results=int(total) if total.isdigit() else len(entries))
    for entry in entries:
        match = _API_ID.search(_text(entry, "atom:id").strip())
        if match is None or not ARXIV_ID.match(match.group("id")):
            continue
        primary_el = entry.find("arxiv:primary_category", _NS)
        primary = (primary_el.get("term") or "") if primary_el is not None else ""
        terms = [c.get("term") or "" for c in entry.findall("atom:category", _NS)]
        authors = (
            clean_text(a.findtext("atom:name", namespaces=_NS)) for a in entry.findall("atom:author", _NS)
        )
        page.records.append(
            Paper(
                arxiv_id=match.group("id"),
                version=int(match.group("version")),
                title=clean_text(_text(entry, "atom:title")),
                authors=[a for a in authors if a],
                abstract=clean_abstract(_text(entry, "atom:summary")),
                primary_category=primary if CATEGORY_NAME.match(primary) else "",
                categories=list(dict.fromkeys(t for t in terms if CATEGORY_NAME.match(t))),
                published=_iso(_text(entry, "atom:published").strip()),
                updated=_iso(_text(entry, "atom:updated").strip()),
                comment=clean_text(_text(entry, "arxiv:comment")) or None,
                journal_ref=clean_text(_text(entry, "arxiv:journal_ref")) or None,
                doi=clean_text(_text(entry, "arxiv:doi")) or None,
            )
        )
    return page


def merge_listing(item: RssItem, record: Paper | None, listed_in: str) -> Listing:
    """The feed decides what was announced (id, version, type); the API adds the full record."""
    fed = item.paper
    if record is None or record.version != fed.version:
        # Without a matching API record the RSS fields stand.
        paper = replace(fed, primary_category=fed.primary_category or listed_in)
        return Listing.of(paper, announce_type=item.announce_type, listed_in=listed_in, metadata_source="rss")
    paper = replace(
        record,
        title=record.title or fed.title,
        authors=record.authors or fed.authors,
        abstract=record.abstract or fed.abstract,
        primary_category=record.primary_category or (fed.categories or [listed_in])[0],
        categories=record.categories or fed.categories,
    )
    return Listing.of(paper, announce_type=item.announce_type, listed_in=listed_in, metadata_source="api")
