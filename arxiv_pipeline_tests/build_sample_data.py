"""Writes the synthetic recordings (``arxiv_pipeline_tests/recordings/synthetic``) from ``sample_papers.py``.

The files mirror what arXiv serves: one RSS 2.0 feed per category from rss.arxiv.org (with
``arxiv:announce_type``) and API Atom pages from export.arxiv.org answering ``id_list`` queries.
Run ``python -m arxiv_pipeline_tests.build_sample_data`` after editing the papers; a test checks
the committed files match.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from arxiv_pipeline_tests.sample_papers import (
    DAY_1,
    DAY_1_PAPERS,
    DAY_2,
    DAY_2_PAPERS,
    HOLIDAY,
    SamplePaper,
)

SYNTHETIC_DAYS_DIR = Path(__file__).resolve().parent / "recordings" / "synthetic"
FEEDS = ["cs.AI", "cs.LG", "cs.CL", "stat.ML"]
API_PAGE_IDS = 25
# Papers the API did not return yet when the day was recorded (it lags the RSS at times).
MISSING_FROM_API = {"2611.10031"}

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_ARXIV = "http://arxiv.org/schemas/atom"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"

ET.register_namespace("arxiv", NS_ARXIV)
ET.register_namespace("dc", NS_DC)
ET.register_namespace("atom", NS_ATOM)
ET.register_namespace("content", NS_CONTENT)
ET.register_namespace("opensearch", NS_OPENSEARCH)

_EASTERN = ZoneInfo("America/New_York")


def announce_type(paper: SamplePaper, feed: str) -> str:
    own = paper.primary == feed
    if paper.version == 1:
        return "new" if own else "cross"
    return "replace" if own else "replace-cross"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _write(path: Path, root: ET.Element, atom_default: bool = False) -> None:
    ET.indent(root, space="  ")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    if atom_default:
        # The API declares Atom as the default namespace; ElementTree can only write a prefix.
        body = body.replace("<atom:", "<").replace("</atom:", "</").replace("xmlns:atom=", "xmlns=")
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n" + body + "\n", encoding="utf-8")


def rss_feed(day: str, feed: str, papers: list[SamplePaper]) -> ET.Element:
    midnight = datetime.combine(date.fromisoformat(day), datetime.min.time(), _EASTERN)
    pub = format_datetime(midnight)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", f"{feed} updates on arXiv.org")
    _sub(channel, "link", f"http://rss.arxiv.org/rss/{feed}")
    _sub(channel, "description", f"{feed} updates on the arXiv.org e-print archive.")
    _sub(
        channel,
        f"{{{NS_ATOM}}}link",
        href=f"https://rss.arxiv.org/atom/{feed}",
        rel="self",
        type="application/rss+xml",
    )
    _sub(channel, "docs", "http://www.rssboard.org/rss-specification")
    _sub(channel, "language", "en-us")
    _sub(channel, "lastBuildDate", format_datetime(midnight.astimezone(ZoneInfo("UTC"))))
    _sub(channel, "managingEditor", "rss-help@arxiv.org")
    _sub(channel, "pubDate", pub)
    skip = _sub(channel, "skipDays")
    _sub(skip, "day", "Saturday")
    _sub(skip, "day", "Sunday")
    # arXiv lists new submissions, then cross-lists, then replacements.
    order = {"new": 0, "cross": 1, "replace": 2, "replace-cross": 3}
    listed = sorted(
        (p for p in papers if feed in p.categories),
        key=lambda p: (order[announce_type(p, feed)], p.arxiv_id),
    )
    for paper in listed:
        kind = announce_type(paper, feed)
        vid = f"{paper.arxiv_id}v{paper.version}"
        item = _sub(channel, "item")
        _sub(item, "title", paper.title)
        _sub(item, "link", f"https://arxiv.org/abs/{paper.arxiv_id}")
        _sub(item, "description", f"arXiv:{vid} Announce Type: {kind} \nAbstract: {paper.abstract}")
        _sub(item, "guid", f"oai:arXiv.org:{vid}", isPermaLink="false")
        for cat in paper.categories:
            _sub(item, "category", cat)
        _sub(item, "pubDate", pub)
        _sub(item, f"{{{NS_ARXIV}}}announce_type", kind)
        if paper.rights:
            _sub(item, f"{{{NS_DC}}}rights", paper.rights)
        _sub(item, f"{{{NS_DC}}}creator", ", ".join(paper.authors))
    return rss


def api_page(ids: list[str], papers: dict[str, SamplePaper], day: str) -> ET.Element:
    query = urlencode({"search_query": "", "id_list": ",".join(ids), "start": 0, "max_results": len(ids)})
    feed = ET.Element(f"{{{NS_ATOM}}}feed")
    _sub(feed, f"{{{NS_ATOM}}}id", "https://arxiv.org/api/" + hashlib.sha1(query.encode()).hexdigest()[:27])
    _sub(feed, f"{{{NS_ATOM}}}title", f"arXiv Query: {query}")
    _sub(feed, f"{{{NS_ATOM}}}updated", f"{day}T05:10:00Z")
    _sub(feed, f"{{{NS_ATOM}}}link", href=f"https://arxiv.org/api/query?{query}", type="application/atom+xml")
    found = [papers[i] for i in ids if i in papers and i not in MISSING_FROM_API]
    _sub(feed, f"{{{NS_OPENSEARCH}}}itemsPerPage", str(len(ids)))
    _sub(feed, f"{{{NS_OPENSEARCH}}}totalResults", str(len(found)))
    _sub(feed, f"{{{NS_OPENSEARCH}}}startIndex", "0")
    for p in found:
        vid = f"{p.arxiv_id}v{p.version}"
        entry = _sub(feed, f"{{{NS_ATOM}}}entry")
        _sub(entry, f"{{{NS_ATOM}}}id", f"http://arxiv.org/abs/{vid}")
        _sub(entry, f"{{{NS_ATOM}}}title", p.title)
        _sub(entry, f"{{{NS_ATOM}}}updated", p.updated or p.published)
        _sub(
            entry,
            f"{{{NS_ATOM}}}link",
            href=f"https://arxiv.org/abs/{vid}",
            rel="alternate",
            type="text/html",
        )
        _sub(
            entry,
            f"{{{NS_ATOM}}}link",
            href=f"https://arxiv.org/pdf/{vid}",
            rel="related",
            type="application/pdf",
            title="pdf",
        )
        _sub(entry, f"{{{NS_ATOM}}}summary", p.abstract)
        for cat in p.categories:
            _sub(entry, f"{{{NS_ATOM}}}category", term=cat, scheme="http://arxiv.org/schemas/atom")
        _sub(entry, f"{{{NS_ATOM}}}published", p.published)
        if p.comment:
            _sub(entry, f"{{{NS_ARXIV}}}comment", p.comment)
        if p.journal_ref:
            _sub(entry, f"{{{NS_ARXIV}}}journal_ref", p.journal_ref)
        if p.doi:
            _sub(entry, f"{{{NS_ARXIV}}}doi", p.doi)
        _sub(entry, f"{{{NS_ARXIV}}}primary_category", term=p.primary)
        for name in p.authors:
            author = _sub(entry, f"{{{NS_ATOM}}}author")
            _sub(author, f"{{{NS_ATOM}}}name", name)
    return feed


def build_day(
    root: Path,
    day: str,
    papers: list[SamplePaper],
    feeds: list[str] = FEEDS,
    recorded_at: str | None = None,
    page_ids: int = API_PAGE_IDS,
) -> None:
    out = root / day
    manifest: dict = {
        "announce_date": day,
        "recorded_at": recorded_at or f"{day}T05:10:00+00:00",
        "feeds": {},
        "api_pages": [],
    }
    for feed in feeds:
        rel = f"rss/{feed}.xml"
        _write(out / rel, rss_feed(day, feed, papers))
        manifest["feeds"][feed] = rel
    by_id = {p.arxiv_id: p for p in papers}
    ids = sorted(by_id)
    for n, start in enumerate(range(0, len(ids), page_ids), start=1):
        chunk = ids[start : start + page_ids]
        rel = f"api/id_list-{n:02d}.xml"
        _write(out / rel, api_page(chunk, by_id, day), atom_default=True)
        manifest["api_pages"].append({"id_list": chunk, "file": rel})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def build(root: Path) -> None:
    build_day(root, DAY_1, DAY_1_PAPERS)
    build_day(root, DAY_2, DAY_2_PAPERS)
    # Thanksgiving: a weekday whose feeds are rebuilt empty (an arXiv holiday).
    build_day(root, HOLIDAY, [])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SYNTHETIC_DAYS_DIR
    build(target)
    print(f"wrote recordings under {target}")
