"""Text arrives as arXiv (or the LLM) wrote it, and one bad character never costs a day: each test
feeds the input that once broke it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from arxiv_pipeline.core.config import LANGUAGES, LLMConfig
from arxiv_pipeline.core.ingest.arxiv_live import ArxivSource
from arxiv_pipeline.core.ingest.feeds import parse_rss
from arxiv_pipeline.core.ingest.http import RateLimiter
from arxiv_pipeline.core.llm.client import ChatClient
from arxiv_pipeline.core.llm.language import language_mismatch
from arxiv_pipeline.core.models import FetchResult, Paper
from arxiv_pipeline.core.publish.render import render_daily_digest, render_readme_digest
from arxiv_pipeline.core.summarize.llm import LLMSummarizer
from arxiv_pipeline.core.text import latex_to_text, readable_paragraphs
from arxiv_pipeline_tests.conftest import DAY_1
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI
from arxiv_pipeline_tests.synthetic_days import one_paper_day

CATEGORIES = ["cs.AI", "cs.CL", "cs.LG"]


class DirtyArxiv(FakeArxiv):
    """Serves the API pages with one raw \\x01 (and a &#1; reference) inside an abstract."""

    def api(self, found: list, start: int, max_results: int) -> bytes:
        body = super().api(found, start, max_results)
        return re.sub(rb"(<(?:\w+:)?summary>)", b"\\1\x01 &#1;", body, count=1)


def _fetch_sample_day(server: FakeArxiv) -> tuple[FetchResult, int]:
    """The sample day through the live source (retrying without waiting), and the requests it took."""
    source = ArxivSource(
        rss_url=f"{server.base_url}/rss/{{}}",
        api_url=f"{server.base_url}/api/query?{{}}",
        limiter=RateLimiter(min_interval_s=0.0),
        min_interval_s=0.0,
        backoff_base_s=0.0,
        now=lambda: datetime(2026, 11, 17, 6, tzinfo=UTC),
    )
    return source.fetch_day(DAY_1, CATEGORIES), len(server.requests)


def test_a_control_character_in_the_api_answer_costs_nothing_but_itself() -> None:
    with DirtyArxiv("2026-11-17") as server:
        result, tries = _fetch_sample_day(server)
    with FakeArxiv("2026-11-17") as clean_server:
        clean, clean_tries = _fetch_sample_day(clean_server)
    assert tries == clean_tries  # not retried: nothing was wrong but one character
    assert [x.versioned_id for x in result.listings] == [x.versioned_id for x in clean.listings]
    assert [x.metadata_source for x in result.listings] == [x.metadata_source for x in clean.listings]
    assert not any("\x01" in x.abstract for x in result.listings)
    assert "dropped 2 characters XML cannot carry" in result.feeds[0].detail


RSS = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel><title>cs.LG</title><pubDate>Tue, 17 Nov 2026 00:00:00 -0500</pubDate>
<item><title>Orders with $i&lt;j$</title>
<description>arXiv:2611.00001v1 Announce Type: new
Abstract: We show $i&lt;j$ and $k&gt;m$ for all pairs, and a&lt;b, c&gt;d holds.
  A second paragraph starts here.</description>
<guid>oai:arXiv.org:2611.00001v1</guid><category>cs.LG</category>
<arxiv:announce_type>new</arxiv:announce_type><dc:creator>Ann One, Bob Two</dc:creator></item>
</channel></rss>"""


def test_rss_text_arrives_as_arxiv_wrote_it() -> None:
    feed = parse_rss(RSS.encode())
    [item] = feed.items
    assert item.paper.title == "Orders with $i<j$"
    assert item.paper.abstract == (
        "We show $i<j$ and $k>m$ for all pairs, and a<b, c>d holds.\n\nA second paragraph starts here."
    )
    assert item.paper.authors == ["Ann One", "Bob Two"]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\em Deep} nets", "Deep nets"),
        (r"an error of $\sim\!0.04$", "an error of ∼0.04"),
        (r"GPT-4 vs.\ GEM", "GPT-4 vs. GEM"),
        (r"sampling $p^{1/T} \propto q$", "sampling p^(1/T) ∝ q"),
        (r"for each $\alpha \in (0, 1]$", "for each α ∈ (0, 1]"),
        (r"$\mathcal{O}(n \log n)$ time", "𝒪(n log n) time"),
        ("First paragraph,\nwrapped.\n  Second paragraph.", "First paragraph, wrapped.\n\nSecond paragraph."),
    ],
)
def test_latex_leftovers_are_gone(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_paragraphs_survive_into_markdown() -> None:
    assert readable_paragraphs("One $a<b$.\n\nTwo *x*.") == "One a&lt;b.\n\nTwo \\*x\\*."


def test_control_characters_from_an_llm_reach_no_digest() -> None:
    day = one_paper_day("Title\x07", "Abstract \x01 text", "tl\x01dr \ufffe", "Auth\x1b", "cs.AI")
    for text in (render_readme_digest(day), render_daily_digest(day)):
        assert not any(ch in text for ch in "\x01\x07\x1b\ufffe")
    with FakeOpenAI() as server:
        server.next_faults.append("control_chars")
        llm = LLMSummarizer(ChatClient(LLMConfig(base_url=server.base_url, model="m"), "k"))
        [outcome] = llm.summarize([Paper(arxiv_id="2611.1", version=1, title="T", abstract="A b c.")], "en")
    assert outcome.ok and not any(ch in outcome.summary.tldr for ch in "\x01\x07\ufffe")


# A short reply in each language; each must pass for itself and fail for the others.
REPLIES = {
    "en": "The authors train a small draft model and reach a 2.3x speedup on standard benchmarks.",
    "de": "Die Autoren trainieren ein kleines Entwurfsmodell und erreichen eine 2,3-fache Beschleunigung.",
    "fr": "Les auteurs entraînent un petit modèle et obtiennent une accélération de 2,3 fois sur les tests.",
    "es": "Los autores entrenan un modelo pequeño y logran una aceleración de 2,3 veces en las pruebas.",
    "pt": "Os autores treinam um modelo pequeno e obtêm uma aceleração de 2,3 vezes nos testes padrão.",
    "it": "Gli autori addestrano un piccolo modello e ottengono un'accelerazione di 2,3 volte nei test.",
    "ru": "Авторы обучают небольшую модель и получают ускорение в 2,3 раза на стандартных тестах.",
    "zh": "作者训练了一个小型模型，在标准测试上实现了2.3倍加速，这说明该方法对实际应用很有价值。",
    "zh-TW": "作者訓練了一個小型模型，在標準測試上實現了2.3倍加速，這說明該方法對實際應用很有價值。",
    "ja": "著者らは小さなモデルを学習し、標準的なベンチマークで2.3倍の高速化を達成した。",
    "ko": "저자들은 작은 모델을 학습하여 표준 벤치마크에서 2.3배 속도 향상을 달성했다.",
}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_each_language_is_told_from_the_others(language: str) -> None:
    assert language_mismatch(REPLIES[language], language) is None
    for other, reply in REPLIES.items():
        if other != language:
            assert language_mismatch(reply, language) is not None, (other, language)


def test_feed_titles_and_descriptions_are_plain_text_escaped_once() -> None:
    from lxml import etree

    from arxiv_pipeline.core.publish.feeds import render_feeds

    day = one_paper_day(
        "<script>alert(1)</script> Fast & <b>bold</b> a<b, c>d", "x", "tl <i>dr</i> & more", "A", "cs.AI"
    )
    atom, rss = render_feeds([day], "Digest", "https://digest.example.org/")
    item = etree.fromstring(rss).find("channel/item")
    # What a reader gets after the one XML decoding: text with no markup left to run.
    assert item.findtext("title") == "alert(1) Fast & bold a<b, c>d"
    assert item.findtext("description") == "From the abstract: tl dr & more"  # says its source
    summary = etree.fromstring(atom).find(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
    )
    assert summary.get("type") == "text" and summary.text == "From the abstract: tl dr & more"
