"""Feeds, JSON export and the DuckDB view, from a real materialization; and escaping of hostile
text everywhere it is published (a property test over random unicode and markup)."""

from __future__ import annotations

import json
import os
import re
import stat

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from arxiv_pipeline.core.config import parse_config
from arxiv_pipeline.core.publish.charts import digest_chart_svg
from arxiv_pipeline.core.publish.feeds import render_feeds
from arxiv_pipeline.core.publish.render import render_daily_digest, render_readme_digest
from arxiv_pipeline.core.publish.site import render_day_page
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize, warehouse_for
from arxiv_pipeline_tests.synthetic_days import one_paper_day

pytestmark = pytest.mark.slow


def instance_checks(materialize_day: Materialize, path, day) -> list[tuple[str, bool, str]]:
    result = materialize_day(path, day)
    return [
        (e.check_name, e.passed, e.severity.value)
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "digest_feeds" and e.check_name == "feeds_subscribable"
    ]


def test_feeds_parse_cleanly_in_order_and_are_byte_stable(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)
    site = config_files.root / "data" / "digests" / "site"
    store = warehouse_for(path)
    sql = (
        "SELECT s.arxiv_id, c.version FROM paper_scores s JOIN candidate_papers c "
        "USING (announce_date, arxiv_id) WHERE s.announce_date = ? AND s.selected ORDER BY s.rank"
    )
    expected = [
        f"https://arxiv.org/abs/{r['arxiv_id']}v{r['version']}"
        for day in (DAY_2, DAY_1)
        for r in store.query(sql, [day])
    ]
    for name in ("feed.atom.xml", "feed.rss.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.id for e in parsed.entries] == expected  # newest day first, best first
        first = parsed.entries[0]
        assert first.link.startswith("https://arxiv.org/abs/") and first.title
        assert [t.term for t in first.tags]
    atom = feedparser.parse((site / "feed.atom.xml").read_bytes())
    assert len(atom.entries[0].authors) >= 1
    # RSS items name their authors too (Dublin Core, as arXiv's own RSS does; <author> wants an email).
    rss_text = (site / "feed.rss.xml").read_text(encoding="utf-8")
    first_item = rss_text.split("<item>", 2)[1]
    creators = re.findall(r"<dc:creator>([^<]+)</dc:creator>", first_item)
    assert creators == [a.name for a in atom.entries[0].authors]
    assert "<dc:creator>" not in (site / "feed.atom.xml").read_text(encoding="utf-8")
    # Without publish.site_url nobody can subscribe: the build says so, as a warning check.
    [feeds] = instance_checks(materialize_day, path, DAY_2)
    assert feeds == ("feeds_subscribable", False, "WARN")
    assert "TL;DR" in atom.entries[0].content[0].value or "Abstract" in atom.entries[0].content[0].value
    # The newest announcement's time (Tuesday 20:00 US/Eastern, dated Wednesday 18th in UTC).
    assert atom.feed.updated_parsed[:6] == (2026, 11, 18, 1, 0, 0)
    for name, kind in (("feed.atom.xml", "application/atom+xml"), ("feed.rss.xml", "application/rss+xml")):
        parsed = feedparser.parse((site / name).read_bytes())
        # A reader sorting by date keeps our order: announcement time, one second less per rank.
        stamps = [e.published_parsed for e in parsed.entries]
        assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
        assert parsed.entries[0].published_parsed[:6] == (2026, 11, 18, 1, 0, 0)
        # With no publish.site_url the feed points at the site folder itself, not at arxiv.org.
        # (feedparser writes file:///x as file://x)
        assert parsed.feed.link == (site / "index.html").as_uri().replace("file:///", "file://")
        [self_link] = [link for link in parsed.feed.links if link.rel == "self"]
        assert self_link.href.endswith(f"/data/digests/site/{name}") and self_link.type == kind
        assert (site / name).as_uri() in (site / name).read_text()

    before = {n: (site / n).read_bytes() for n in ("feed.atom.xml", "feed.rss.xml")}
    materialize_day(path, DAY_2)  # same data, later: same bytes
    assert {n: (site / n).read_bytes() for n in before} == before

    # Readable by a web server running as another user: the umask's mode, not a temp file's 0600.
    umask = os.umask(0o022)
    os.umask(umask)
    written = [p for p in (config_files.root / "data" / "digests").rglob("*") if p.is_file()]
    assert len(written) > 10
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {oct(0o666 & ~umask)}


def test_export_has_every_field_and_matches_the_view(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    folder = config_files.root / "data" / "digests" / "2026-11-17"
    digest = json.loads((folder / "digest.json").read_text())
    lines = [json.loads(line) for line in (folder / "papers.jsonl").read_text().splitlines()]
    store = warehouse_for(path)
    view = store.query("SELECT * FROM paper_digest WHERE announce_date = ?", [DAY_1])
    assert len(lines) == len(view) == 42
    assert set(lines[0]) == set(view[0])
    assert {"exclusion_reason", "score", "tldr", "summary_status", "selection_run_id"} <= set(lines[0])
    assert [p["arxiv_id"] for p in digest["papers"]] == [
        r["arxiv_id"] for r in sorted((r for r in view if r["selected"]), key=lambda r: r["rank"])
    ]
    assert digest["listed"] == 42 and sum(digest["left_out"].values()) + len(digest["papers"]) == 42
    top = digest["papers"][0]
    assert top["summary"]["tldr"] and top["abs_url"].startswith("https://arxiv.org/abs/")
    excluded = [line for line in lines if line["status"] == "excluded"]
    assert all(line["exclusion_reason"] for line in excluded)


# -- hostile text ---------------------------------------------------------------------------
HOSTILE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "</details><script>x()</script>",
            "[click](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "# Heading\n- list",
            '$\\alpha$ & Schr\\"odinger <b>bold</b>',
            "]]><!--",
            "\x00\x1f\ufffe control",
            "' onmouseover='alert(1)",
            "</paper>",
            "*_`|",
        ]
    ),
)


_SCRIPT = re.compile(r"<\s*script", re.I)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=HOSTILE, abstract=HOSTILE, tldr=HOSTILE, author=HOSTILE, category=HOSTILE)
def test_no_text_can_break_or_script_any_output(
    title: str, abstract: str, tldr: str, author: str, category: str
) -> None:
    day = one_paper_day(title, abstract, tldr, author, category)
    atom, rss = render_feeds([day], "Digest", "https://digest.example.org/")
    for doc in (atom, rss):
        assert not feedparser.parse(doc).bozo
        root = etree.fromstring(doc)
        assert not _SCRIPT.search(doc.decode())
        for el in root.iter():  # HTML-bearing elements, once unescaped, hold no live markup
            if etree.QName(el).localname in ("content", "description", "summary"):
                assert not _SCRIPT.search(el.text or "")
        for el in root.iter("category", "{http://www.w3.org/2005/Atom}category"):
            assert (el.text or el.get("term")) in ("cs.LG", category)
            assert re.fullmatch(r"[A-Za-z][A-Za-z\-]*(\.[A-Za-z\-]+)?", el.text or el.get("term"))
    page = render_day_page(day, "Digest")
    body = page.split("<main>")[1].split("</main>")[0]
    assert not _SCRIPT.search(body) and "onerror=" not in body.replace("onerror=alert", "")
    assert body.count("<details>") == body.count("</details>") == 1
    assert body.count("<article") == 1
    for markdown in (render_readme_digest(day), render_daily_digest(day)):
        assert not _SCRIPT.search(markdown)
        assert markdown.count("<details>") == markdown.count("</details>")
        assert len(re.findall(r"^### ", markdown, re.M)) == 1  # the paper's own heading only
    svg = etree.fromstring(digest_chart_svg(day).encode())  # strict XML: nothing broke out
    assert not list(svg.iter("{*}script", "{*}foreignObject")) and not _SCRIPT.search(digest_chart_svg(day))


def test_latex_titles_read_well_everywhere() -> None:
    day = one_paper_day(r"$\alpha$-Divergence and Schr\"odinger Bridges", "Abstract.", "t", "A", "cs.AI")
    atom, _ = render_feeds([day], "Digest", "https://digest.example.org/")
    assert "α-Divergence and Schrödinger Bridges" in atom.decode()
    assert "α-Divergence and Schrödinger Bridges" in render_day_page(day, "D")
    assert "α-Divergence and Schrödinger Bridges" in render_readme_digest(day)


def test_feeds_name_their_public_address_when_the_site_has_one() -> None:
    day = one_paper_day("A title", "Abstract.", "t", "A", "cs.AI")
    atom, rss = render_feeds([day], "Digest", "https://me.example.org/digest")
    for text, name in ((atom, "feed.atom.xml"), (rss, "feed.rss.xml")):
        parsed = feedparser.parse(text)
        assert parsed.feed.link == "https://me.example.org/digest/index.html"
        assert [lk.href for lk in parsed.feed.links if lk.rel == "self"] == [
            f"https://me.example.org/digest/{name}"
        ]


def test_feed_configuration_is_validated() -> None:
    config = parse_config({"publish": {"feed_days": 3, "site_url": "https://me.example.org/digest"}})
    assert config.publish.feed_days == 3


def test_feeds_hold_at_most_feed_max_entries_newest_day_first(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)
    store = warehouse_for(path)
    selected = "SELECT count(*) AS n FROM paper_scores WHERE announce_date = ? AND selected"
    newest = store.query(selected, [DAY_2])[0]["n"]
    assert newest >= 2 and store.query(selected, [DAY_1])[0]["n"] >= 3

    path = config_files.write(publish={"feed_max_entries": newest + 2})
    materialize_day(path, DAY_2)
    site = config_files.root / "data" / "digests" / "site"
    for name in ("feed.atom.xml", "feed.rss.xml"):
        entries = feedparser.parse((site / name).read_bytes()).entries
        assert len(entries) == newest + 2  # all of the newest day, then the best two of the day before
    path = config_files.write(publish={"feed_max_entries": newest})
    materialize_day(path, DAY_2)
    assert len(feedparser.parse((site / "feed.atom.xml").read_bytes()).entries) == newest


def test_a_loaded_digest_follows_the_stored_rows(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    from arxiv_pipeline.core.config import load_config
    from arxiv_pipeline.core.publish.stage import load_digest_day

    path = config_files.write()
    materialize_day(path, DAY_1)
    config, store = load_config(path), warehouse_for(path)
    first = load_digest_day(config, DAY_1, store)
    assert load_digest_day(config, DAY_1, store) is first  # unchanged rows: built once
    top = first.papers[0]
    store.query(
        "UPDATE paper_summaries SET tldr = 'Rewritten.' WHERE announce_date = ? AND arxiv_id = ?",
        [DAY_1, top.paper.arxiv_id],
    )
    again = load_digest_day(config, DAY_1, store)
    assert again is not first and again.papers[0].summary is not None
    assert again.papers[0].summary.tldr == "Rewritten."
    retitled = config.model_copy(update={"digest": config.digest.model_copy(update={"title": "Other"})})
    assert load_digest_day(retitled, DAY_1, store).title == "Other"
