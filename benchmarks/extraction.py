"""Full-text extraction measured on real arXiv papers (../shared/realtext: 7 PDFs, 1 arXiv HTML page).

    .venv/bin/python benchmarks/extraction.py [--realtext DIR]

For each document: which of Introduction / Method / Results / Conclusion the paper has and which
were found, whether appendices were kept out, the share of the text kept, defects left (ligatures,
words split at a line end, arXiv's margin stamp) and the time per page. The paper's own headings are
the truth: its PDF outline (bookmarks) where it has one, else the numbered headings printed in it,
listed below; the HTML page's sections as LaTeXML marks them. The pipeline's own `extract_pdf`
(outline, numbered headings, superscripts and footnotes from the type) is measured first; then the
same PDFs with headings found by their type alone (bold or large lines, the fallback for a paper
that neither numbers its headings nor has an outline); then pypdfium2's text layer through the
numbered-heading splitter when pypdfium2 is installed (`pip install pypdfium2`), to compare the
extractor apart from the splitter. Figures are printed beside their targets (issue 31).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from arxiv_pipeline.core.fulltext import END_OF_BODY, Section, clean, section_kind
from arxiv_pipeline.core.fulltext.html import extract_html
from arxiv_pipeline.core.fulltext.pdf import extract_pdf, split_sections, strip_page_furniture
from arxiv_pipeline.core.fulltext.pdf_layout import body_size, page_runs, page_text, styled_headings

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("introduction", "method", "results", "conclusion")
# The numbered headings printed in the three PDFs that carry no outline.
PRINTED_HEADINGS = {
    "acl2020-main.447_s2orc.pdf": [
        "Introduction", "Constructing the corpus", "The S2ORC dataset", "Evaluation",
        "Pretraining BERT on S2ORC", "Applications of S2ORC", "Related work", "Conclusion",
    ],
    "eacl2023-main.121.pdf": [
        "Introduction", "Survey of human evaluation practices", "The LONGEVAL guidelines",
        "Related Work", "Conclusion",
    ],
    "papermage_emnlp2023demo.pdf": [
        "Introduction", "Related Work", "Design of papermage", "Vignette: Building an Attributed QA System",
        "Conclusion",
    ],
}  # fmt: skip
_LIGATURE = re.compile("[\ufb00-\ufb06]")
# "experi- ments": a line-end hyphen left ("single- or multi-document" is English).
_SPLIT_WORD = re.compile(r"\b[a-z]{2,}- (?!(?:or|and|to|nor)\b)[a-z]{2,}\b")
# A URL in the body text is nearly always a footnote's (they are how papers cite code and data).
_URL = re.compile(r"https?://")
_STAMP = re.compile(r"arXiv:\d{4}\.\d{4,5}v\d+\s+\[[^\]]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}")


def truth_of_pdf(path: Path) -> tuple[set[str], list[str]]:
    """(the body's section kinds, the appendix headings) by the paper's own headings."""
    from pypdf import PdfReader

    outline = [o.title for o in PdfReader(path).outline if not isinstance(o, list)]
    titles = outline or PRINTED_HEADINGS.get(path.name, [])
    body, appendix, ended = [], [], False
    for title in titles:
        plain = re.sub(r"^[\dIVX]+\.?\s+", "", title.strip())
        if re.match(r"^[A-Z]\s", title):  # "A Interviews ...": an appendix
            appendix.append(title)
        elif END_OF_BODY.match(plain):
            ended = True
        elif not ended:
            body.append(plain)
    return {section_kind(t) for t in body} & set(KINDS), appendix


def pypdf_pages(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


def pipeline_sections(data: bytes) -> list[Section]:
    return extract_pdf(data).sections


def by_type_sections(data: bytes) -> list[Section]:
    """Headings from bold or large type alone, as for a paper with no numbers and no outline."""
    import io

    from pypdf import PdfReader

    from arxiv_pipeline.core.fulltext.pdf import _heading_key, _split

    laid_out = [page_runs(p) for p in PdfReader(io.BytesIO(data)).pages]
    body = body_size(laid_out)
    text = "\n".join(strip_page_furniture([page_text(runs, h, body) for runs, h in laid_out]))
    return _split(text, [_heading_key(t) for t in styled_headings(laid_out, body)])


def pdfium_sections(data: bytes) -> list[Section]:
    import pypdfium2 as pdfium  # type: ignore[import-not-found]

    doc = pdfium.PdfDocument(data)
    pages = [doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))]
    return split_sections("\n".join(strip_page_furniture(pages)))


def measure(name: str, sections_of: Callable[[bytes], list[Section]], path: Path) -> dict[str, object]:
    data = path.read_bytes()
    started = time.perf_counter()
    sections = sections_of(data)
    seconds = time.perf_counter() - started
    pages = pypdf_pages(data)  # the document's whole text, for the share kept (not timed)
    text = " ".join(s.text for s in sections)
    truth, appendix = truth_of_pdf(path)
    found = {s.kind for s in sections}
    leaked = [a for a in appendix if any(a[2:30].lower() in s.title.lower() for s in sections)]
    return {
        "extractor": name,
        "doc": path.name,
        "truth": truth,
        "found": found & truth,
        "appendix_kept": len(leaked),
        "kept": len(text) / max(1, len(clean("\n".join(pages)))),
        "ligatures": len(_LIGATURE.findall(text)),
        "split_words": len(_SPLIT_WORD.findall(text)),
        "stamps": len(_STAMP.findall(text)),
        "footnote_urls": len(_URL.findall(text)),
        "ms_per_page": 1000 * seconds / max(1, len(pages)),
    }


def report(rows: list[dict[str, object]], label: str) -> None:
    print(f"\n{label}")
    print(f"  {'document':<30} {'found / in the paper':<44} appx lig split stamp  urls  kept  ms/page")
    for r in rows:
        have = ", ".join(k[:5] + ("" if k in r["found"] else "✗") for k in KINDS if k in r["truth"])  # type: ignore[operator]
        print(
            f"  {str(r['doc'])[:30]:<30} {have:<44} {r['appendix_kept']:>4} {r['ligatures']:>3} "
            f"{r['split_words']:>5} {r['stamps']:>5} {r['footnote_urls']:>5} {float(r['kept']):>5.0%} "
            f"{float(r['ms_per_page']):>8.1f}"
        )
    for kind in KINDS:
        having = [r for r in rows if kind in r["truth"]]  # type: ignore[operator]
        hits = sum(kind in r["found"] for r in having)  # type: ignore[operator]
        target = "target ≥ 90 %" if kind != "method" else "(no target)"
        print(f"  recall {kind:<13} {hits}/{len(having)} = {hits / max(1, len(having)):.0%}   {target}")
    print(
        f"  ligatures {sum(int(r['ligatures']) for r in rows)} (target 0), words split at a line end "
        f"{sum(int(r['split_words']) for r in rows)} (target 0), margin stamps "
        f"{sum(int(r['stamps']) for r in rows)}, URLs left in the text (footnotes') "
        f"{sum(int(r['footnote_urls']) for r in rows)}, appendix sections kept "
        f"{sum(int(r['appendix_kept']) for r in rows)}, "
        f"{max(float(r['ms_per_page']) for r in rows):.1f} ms a page at most (target ≤ 50)"
    )


def html_report(folder: Path) -> None:
    from lxml import html as lxml_html

    print("\narXiv HTML (LaTeXML) pages")
    for path in sorted(folder.glob("*.html")):
        data = path.read_bytes()
        tree = lxml_html.fromstring(data)
        titles = [
            " ".join(h.text_content().split())
            for h in tree.xpath("//section[contains(concat(' ', @class, ' '), ' ltx_section ')]/*[1]")
        ]
        truth = {section_kind(re.sub(r"^\d+\s*", "", t)) for t in titles} & set(KINDS)
        started = time.perf_counter()
        found = {s.kind for s in extract_html(data).sections}
        ms = 1000 * (time.perf_counter() - started)
        hits = len(found & truth)
        print(
            f"  {path.name[:40]:<40} {hits}/{len(truth)} kinds found ({', '.join(sorted(truth))}) "
            f"in {ms:.0f} ms   target ≥ 95 %"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realtext", type=Path, default=ROOT.parent / "shared" / "realtext")
    args = parser.parse_args()
    pdfs = sorted((args.realtext / "pdf").glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs under {args.realtext / 'pdf'}", file=sys.stderr)
        return 2
    report([measure("pypdf", pipeline_sections, p) for p in pdfs], "PDF: the pipeline (pypdf)")
    floor = []
    for path in pdfs:  # the baseline: pypdf's text layer alone, no splitting, in the same run
        started = time.perf_counter()
        pages = pypdf_pages(path.read_bytes())
        floor.append(1000 * (time.perf_counter() - started) / max(1, len(pages)))
    print(f"  baseline, pypdf's extract_text alone: {min(floor):.1f}–{max(floor):.1f} ms a page")
    report(
        [measure("by type", by_type_sections, p) for p in pdfs],
        "PDF: headings by their type alone (the fallback without numbers or an outline)",
    )
    try:
        import pypdfium2  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        print("\n(pypdfium2 is not installed: `pip install pypdfium2` to compare it)")
    else:
        report([measure("pypdfium2", pdfium_sections, p) for p in pdfs], "PDF: pypdfium2, numbered headings")
    html_report(args.realtext / "html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
