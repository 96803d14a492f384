"""A paper's PDF to sections: a generated two-column conference paper (fast tier), and the real
arXiv PDFs in ../shared/realtext read without error."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_pipeline.core.fulltext import ExtractionError
from arxiv_pipeline.core.fulltext.pdf import extract_pdf
from arxiv_pipeline_tests.paper_documents import make_paper, paper_pdf


def test_a_two_column_paper_gives_its_sections_without_references_or_appendix() -> None:
    paper = make_paper("2611.00010")
    full = extract_pdf(paper_pdf(paper))
    assert full.source == "pdf" and full.pages and full.pages > 1
    kinds = full.kinds()
    for kind in ("introduction", "method", "results", "conclusion"):
        assert kind in kinds, kinds
    text = full.text
    assert paper.references[0] not in text
    assert all(line not in text for line in paper.appendix)


def test_what_is_not_a_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(ExtractionError, match="not a PDF"):
        extract_pdf(b"<!DOCTYPE html><html><body>Not found</body></html>")


@pytest.mark.slow
def test_every_real_arxiv_pdf_gives_an_introduction_and_a_conclusion(realtext: Path) -> None:
    pdfs = sorted((realtext / "pdf").glob("*.pdf"))
    assert len(pdfs) >= 7
    found = {pdf.name: extract_pdf(pdf.read_bytes()).kinds() for pdf in pdfs}
    # Measured on the seven shared PDFs: each has both (method and results are found in fewer).
    missing = {n: k for n, k in found.items() if not {"introduction", "conclusion"} <= set(k)}
    assert not missing, missing
