"""arXiv's HTML rendering to sections: on the real page arXiv's HTML service renders today and on
generated pages in the LaTeXML variants arXiv has served."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_pipeline.core.fulltext import ExtractionError
from arxiv_pipeline.core.fulltext.html import extract_html
from arxiv_pipeline_tests.paper_documents import make_paper, paper_html


def test_the_real_arxiv_html_page_gives_its_sections_without_back_matter(realtext: Path) -> None:
    page = (realtext / "html" / "arxiv-feedback_sample_paper.html").read_bytes()
    assert b"ltx_document ltx_authors_1line" in page  # the class that hid the whole paper
    full = extract_html(page)
    kinds = full.kinds()
    assert kinds == ["abstract", "introduction", "method", "results", "conclusion"]
    text = full.text
    assert text.count("\n") < 60  # paragraphs, not the source's lines
    assert "angular momentum" in full.of_kind("introduction")[0].text
    for back_matter in ("Acknowledgements", "Data availability", "Fall S. M., Efstathiou G."):
        assert back_matter not in text
    assert full.chars > 20_000


@pytest.mark.parametrize(
    "article_class", ["ltx_document", "ltx_document ltx_authors_1line", "ltx_authors_multiline ltx_document"]
)
def test_the_paper_is_kept_whatever_author_layout_class_its_article_carries(article_class: str) -> None:
    paper = make_paper("2611.00001")
    full = extract_html(paper_html(paper, article_class=article_class))
    assert full.kinds()[:2] == ["abstract", "introduction"]
    assert all(author not in full.text for author in paper.authors)  # the author block still goes


def test_older_div_sections_count_like_section_elements() -> None:
    paper = make_paper("2611.00002")
    older = extract_html(paper_html(paper, section_tag="div"))
    assert older.kinds() == extract_html(paper_html(paper)).kinds()


def test_source_line_breaks_inside_a_paragraph_do_not_split_its_sentences() -> None:
    paper = make_paper("2611.00003")
    flowing = extract_html(paper_html(paper))
    wrapped = extract_html(paper_html(paper, wrap=60))
    assert wrapped.text == flowing.text


def test_a_letter_without_sections_keeps_its_paragraphs_as_text() -> None:
    paragraphs = "".join(
        f"<div class='ltx_para'><p class='ltx_p'>Paragraph {i} of a short letter reports a measured "
        f"value of {i}.5 units,\n and states what follows from it for the field.</p></div>"
        for i in range(12)
    )
    page = (
        "<html><body><article class='ltx_document ltx_authors_1line'>"
        "<h1 class='ltx_title ltx_title_document'>A Letter</h1>"
        "<div class='ltx_authors'><span class='ltx_personname'>A. Author</span></div>"
        f"{paragraphs}</article></body></html>"
    ).encode()
    full = extract_html(page)
    assert [s.title for s in full.sections] == ["Text"]
    assert "Paragraph 0 of a short letter reports a measured value of 0.5 units, and states" in full.text
    assert "A. Author" not in full.text and "A Letter" not in full.text


def test_a_page_without_paper_text_is_still_refused() -> None:
    with pytest.raises(ExtractionError):
        extract_html(b"<html><body><article class='ltx_document'><p>Conversion failed.</p></article></html>")
