from __future__ import annotations

import pytest

from arxiv_pipeline.core.ingest.feeds import (
    ArxivApiError,
    FeedFormatError,
    merge_listing,
    parse_api_page,
    parse_rss,
)
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR

DAY = SYNTHETIC_DAYS_DIR / "2026-11-17"

RSS_ITEM = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel><title>cs.LG updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.LG</link>
<description>x</description><pubDate>Tue, 17 Nov 2026 00:00:00 -0500</pubDate>
{items}
</channel></rss>"""


def item(guid: str, desc: str, kind: str = "new", cats: str = "<category>cs.LG</category>") -> str:
    return (
        f"<item><title>T</title><link>https://arxiv.org/abs/x</link><description>{desc}"
        f"</description><guid isPermaLink='false'>{guid}</guid>{cats}"
        f"<arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:creator>Ann One, Bob Two</dc:creator></item>"
    )


def test_recorded_rss_parses_with_types_and_authors() -> None:
    feed = parse_rss((DAY / "rss" / "cs.LG.xml").read_bytes())
    assert str(feed.announce_date) == "2026-11-17"
    assert len(feed.items) == 32 and not feed.skipped
    kinds = {i.announce_type for i in feed.items}
    assert kinds == {"new", "cross", "replace", "replace-cross"}
    paper = next(i.paper for i in feed.items if i.paper.arxiv_id == "2611.10006")
    assert len(paper.authors) == 32 and paper.version == 1
    assert paper.abstract.startswith("Mixture-of-experts")


def test_empty_channel_is_a_day_without_announcements() -> None:
    feed = parse_rss(RSS_ITEM.format(items="").encode())
    assert feed.items == [] and str(feed.announce_date) == "2026-11-17"


def test_bad_items_are_skipped_and_reported_not_fatal() -> None:
    body = RSS_ITEM.format(
        items="".join(
            [
                item("oai:arXiv.org:2611.00001v1", "arXiv:2611.00001v1 Announce Type: new \nAbstract: Fine."),
                item("oai:x", "no arXiv header here"),
                item("oai:y", "arXiv:../../etc/passwdv1 Announce Type: new \nAbstract: Evil id."),
                item("oai:z", "arXiv:2611.00004v1 Announce Type: bogus \nAbstract: X.", kind="bogus"),
                item(
                    "oai:arXiv.org:2611.00005v1",
                    "arXiv:2611.00005v1 Announce Type: new \nAbstract: Y.",
                    cats="<category>cs.LG</category><category>&lt;script&gt;</category>",
                ),
            ]
        )
    )
    feed = parse_rss(body.encode())
    assert [i.paper.arxiv_id for i in feed.items] == ["2611.00001", "2611.00005"]
    assert feed.items[1].paper.categories == ["cs.LG"]
    assert feed.items[0].paper.authors == ["Ann One", "Bob Two"]
    assert len(feed.skipped) == 3


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
        (b"<rss><channel><item><title>unclosed", "malformed"),
    ],
)
def test_documents_that_are_not_feeds_raise(body: bytes, message: str) -> None:
    with pytest.raises(FeedFormatError, match=message):
        parse_rss(body)


def test_api_page_has_full_records() -> None:
    page = parse_api_page((DAY / "api" / "id_list-01.xml").read_bytes())
    assert page.total_results == 25 == len(page.records)
    rec = next(r for r in page.records if r.arxiv_id == "2609.08765")
    assert rec.version == 3 and rec.primary_category == "cs.LG"
    assert rec.journal_ref == "Transactions on Machine Learning Research, 2026"
    assert rec.published is not None and rec.published.tzinfo is not None
    tensor = next(r for r in page.records if r.arxiv_id == "2611.10010")
    assert tensor.doi == "10.1021/acs.jctc.6b00000"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"<!DOCTYPE html><html><body>Rate exceeded.</body></html>", "HTML page"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>unclosed', "malformed"),
        (b"<rss><channel/></rss>", "not an Atom feed"),
    ],
)
def test_api_documents_that_are_not_atom_raise(body: bytes, message: str) -> None:
    with pytest.raises(FeedFormatError, match=message):
        parse_api_page(body)


def test_api_text_arrives_as_written() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/2611.00001v2</id><title>Bounds for $i&lt;j$
  &amp; more</title><summary>  First line
 wraps.

 Second &lt;b&gt;paragraph&lt;/b&gt;.</summary><author><name>Ann One</name></author>
<author><name> </name></author><arxiv:primary_category term="cs.LG"/>
<category term="cs.LG"/><category term="not a category"/><category term="cs.LG"/></entry></feed>"""
    (paper,) = parse_api_page(body).records
    assert (paper.arxiv_id, paper.version) == ("2611.00001", 2)
    assert paper.title == "Bounds for $i<j$ & more"
    assert paper.abstract == "First line wraps.\n\nSecond <b>paragraph</b>."
    assert paper.authors == ["Ann One"] and paper.categories == ["cs.LG"]


def test_api_error_entry_raises() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title>
<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id><title>Error</title>
<summary>incorrect id format for 1234</summary></entry></feed>"""
    with pytest.raises(ArxivApiError, match="incorrect id format"):
        parse_api_page(body)


def test_merge_prefers_the_api_record_but_keeps_the_feed_type() -> None:
    feed = parse_rss((DAY / "rss" / "cs.AI.xml").read_bytes())
    records = {r.arxiv_id: r for r in parse_api_page((DAY / "api" / "id_list-01.xml").read_bytes()).records}
    cross = next(i for i in feed.items if i.paper.arxiv_id == "2611.10002")
    merged = merge_listing(cross, records["2611.10002"], "cs.AI")
    assert merged.announce_type == "cross" and merged.primary_category == "cs.LG"
    assert merged.metadata_source == "api" and merged.comment
    rss_only = merge_listing(cross, None, "cs.AI")
    assert rss_only.metadata_source == "rss" and rss_only.comment is None
