"""PDFs that include other PDFs as pdfTeX does (\\includegraphics of a PDF is a form XObject
marked with /PTEX.FileName): a vector figure placed on a page of text, or whole pages framed
by a proceedings' stamp."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

FIGURE_LABELS = "Throughput tokens per second Baseline Ours Speculative"


def figure_pdf(labels: str = FIGURE_LABELS) -> bytes:
    """A vector figure: axis labels and a legend, each a run of text, the way plots are drawn."""
    pdf = FPDF(format=(300, 200))
    pdf.add_page()
    pdf.set_font("Helvetica", "", 7)
    for k, word in enumerate(labels.split()):
        pdf.text(10 + 35 * (k % 7), 20 + 25 * (k // 7), word)
    pdf.line(10, 180, 290, 180)
    return bytes(pdf.output())


def _include(writer: PdfWriter, number: int, page: PageObject, scale: float, at: tuple[int, int]) -> None:
    """Draw ``page`` on the writer's page ``number`` as a marked form."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): page["/Resources"].clone(writer),
            NameObject("/PTEX.FileName"): TextStringObject("./figures/included.pdf"),
        }
    )
    target = writer.pages[number]
    resources = target.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[NameObject("/Inc1")] = writer._add_object(form)
    own = target.get_contents()
    merged = DecodedStreamObject()
    shown = f"\nq {scale} 0 0 {scale} {at[0]} {at[1]} cm /Inc1 Do Q\n".encode()
    merged.set_data((own.get_data() if own is not None else b"") + shown)
    target.replace_contents(merged)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_figure(document: bytes, figure: bytes, page: int = 0) -> bytes:
    """``document`` with the vector ``figure`` drawn at half size on its page ``page``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    _include(writer, page, PdfReader(io.BytesIO(figure)).pages[0], 0.5, (72, 300))
    return _written(writer)


def framed_pdf(document: bytes) -> bytes:
    """Every page of ``document`` included whole in a page that adds only a stamp, as the ACL
    Anthology's stamped copies are made."""
    source = PdfReader(io.BytesIO(document))
    stamp = FPDF(format="letter")
    for _ in source.pages:
        stamp.add_page()
        stamp.set_font("Helvetica", "", 7)
        stamp.text(20, 275, "Proceedings of the Workshop, 2026")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(stamp.output()))))
    for number in range(len(source.pages)):
        _include(writer, number, source.pages[number], 1.0, (0, 0))
    return _written(writer)
