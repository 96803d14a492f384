"""A PDF page's text as pypdf reads it, corrected by what font sizes and baselines say.

pypdf hands each run of text to a visitor with its font size and position; the runs, joined,
are exactly the page's text. A run set smaller and raised above the text before it is a
superscript: an exponent keeps its meaning ("10^25", not "1025"), a footnote or affiliation
marker goes (it cuts into sentences). A raised marker at the foot of a page, followed by small
text, starts the footnotes, which go too: they are not part of the section they sit under.
Positions are as pdfTeX writes them (a superscript is a run moved up, not a text rise).
A figure included from a PDF file is not read: its labels and legends are not the paper's text.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

_SMALL = 0.85  # a superscript or marker is set at most this size of the text it sits on
_FOOTNOTE_TEXT = 0.92  # footnote text is smaller than the body's
_FOOT = 0.3  # footnotes start in this bottom share of the page
_ORDINAL = {"st", "nd", "rd", "th"}
_EXPONENT = re.compile(r"^[−\-+]?(\d+([.,]\d+)?|[a-zA-Z])$")
_MATH_LETTER = re.compile(r"[\U0001d400-\U0001d7ff]$")
_MARKER = re.compile(r"^[0-9a-z*∗†‡§¶♦♣♠♢♡⋄□★◦α-ω,\s]{1,8}$")
_FOOTNOTE_MARK = re.compile(r"^([0-9]{1,2}|[*∗†‡§¶♦♣♠♢♡⋄□★])$")
# What an exponent follows: a whole number ("10", "3.2×10"; not "v0.5.5", whose mark is a
# footnote's), a math letter or a Greek one, or a unit after a number ("5 cm", "100 m").
_BASE = re.compile(r"((^|[\s(\[×·*−-])\d+|[\U0001d400-\U0001d7ff]|[α-ωΑ-Ω]|\d\s?[A-Za-zµμÅΩ]{1,3})$")


_BOLD = re.compile(r"bold|black|heavy|demi|medi|cmbx|-b$|tb$|\.b$", re.I)
# A heading line: short, capitalised, no sentence's end, not a caption.
_HEADING_LINE = re.compile(r"^(?!(?i:figure|fig\.|table|algorithm|listing)\b)[A-Z0-9][^.!?:;\]]{2,79}(?<!-)$")
_HEADING_SIZE = 1.1  # larger than the body by this much, or bold
# pdfTeX marks a PDF it includes (\includegraphics) with these keys.
_INCLUDED = ("/PTEX.FileName", "/PTEX.InfoDict", "/PTEX.PageNumber")
# A page that shows this little text itself only frames an included page (a proceedings stamp).
_OWN_TEXT = 20


@dataclass(slots=True)
class Run:
    text: str
    size: float
    y: float
    bold: bool = False


def page_runs(page: Any) -> tuple[list[Run], float]:
    """The page's runs of text in pypdf's order, and the page's height."""
    runs: list[Run] = []
    with contextlib.suppress(Exception):  # a figure that cannot be judged is read, as before
        skip_figures(page)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text:
            scale = abs(tm[3] or 1) * abs(cm[3] or 1)
            name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
            runs.append(Run(text, abs(size) * scale, tm[5] * (cm[3] or 1) + cm[5], bool(_BOLD.search(name))))

    page.extract_text(visitor_text=visit)
    return runs, float(page.mediabox.height)


def skip_figures(page: Any) -> int:
    """Blank, for reading, the PDF figures included on a page that has text of its own, and say
    how many. A figure drawn as vectors can hold thousands of runs (axis ticks, legends, quoted
    examples) that would land inside the sections, and reading it can cost more than the page's
    text; a page made of one included page (a proceedings' stamped copy) keeps it. Only the
    reader's parsed objects change, never the file."""
    from pypdf.generic import DecodedStreamObject, NameObject

    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return 0
    xobjects = xobjects.get_object()
    forms = ((name, ref.get_object()) for name, ref in xobjects.items())
    figures = [(n, f) for n, f in forms if f.get("/Subtype") == "/Form" and any(k in f for k in _INCLUDED)]
    if not figures or _own_text_operators(page) < _OWN_TEXT:
        return 0
    for name, form in figures:
        blank = DecodedStreamObject()
        blank[NameObject("/Type")] = NameObject("/XObject")
        blank[NameObject("/Subtype")] = NameObject("/Form")
        if "/BBox" in form:
            blank[NameObject("/BBox")] = form["/BBox"]
        xobjects[NameObject(name)] = blank
    return len(figures)


def _own_text_operators(page: Any) -> int:
    """How often the page's own content stream shows text (counted in its bytes, not parsed)."""
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = [s.get_object() for s in contents] if isinstance(contents, ArrayObject) else [contents]
    return sum(data.count(b"Tj") + data.count(b"TJ") for data in (s.get_data() for s in streams))


def body_size(pages: list[tuple[list[Run], float]]) -> float:
    """The size most of the document's characters are set in."""
    sizes: Counter[float] = Counter()
    for runs, _ in pages:
        for run in runs:
            sizes[round(run.size, 1)] += len(run.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _raised(run: Run, base: Run) -> bool:
    return run.size < _SMALL * base.size and 0.15 * base.size < run.y - base.y < 0.8 * base.size


def _superscript(text: str, before: str) -> str:
    """A superscript run as it should read after ``before``: an exponent marked with "^", an
    ordinal's ending joined, a marker dropped; anything else as it was."""
    body = text.strip()
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    if body in _ORDINAL and before[-1:].isdigit():
        return text
    if _EXPONENT.match(body) and (body[0] in "−-+" or _BASE.search(before)):
        return f"^{body}{trail}"
    if _MATH_LETTER.search(before.rstrip()) and len(body) <= 4:  # "𝜒^2" (its subscript run in)
        return f"^{body}{trail}"
    if _MARKER.match(body):
        return lead + trail
    return text


def _footnotes_end(runs: list[Run], i: int, height: float, body: float) -> int | None:
    """Where the footnotes that start at run ``i`` end, or None when no footnote starts there."""
    run = runs[i]
    if not (_FOOTNOTE_MARK.match(run.text.strip()) and run.size < _SMALL * body and run.y < _FOOT * height):
        return None
    after = next((r for r in runs[i + 1 :] if r.text.strip()), None)
    if after is None or after.size >= _FOOTNOTE_TEXT * body or not _raised(run, after):
        return None
    j = i + 1
    while j < len(runs) and (not runs[j].text.strip() or _footnote_text(runs[j], height, body)):
        j += 1
    return j


def _footnote_text(run: Run, height: float, body: float) -> bool:
    return run.size < _FOOTNOTE_TEXT * body and run.y < (_FOOT + 0.05) * height


def page_text(runs: list[Run], height: float, body: float) -> str:
    """The page's text with exponents marked, markers and footnotes dropped."""
    out: list[str] = []
    base: Run | None = None  # the last run of ordinary text, whose baseline a superscript rises from
    i = 0
    while i < len(runs):
        end = _footnotes_end(runs, i, height, body)
        if end is not None:
            out.append("\n")
            i, base = end, None
            continue
        run = runs[i]
        if run.text.strip() and base is not None and _raised(run, base):
            out.append(_superscript(run.text, "".join(out[-3:])))
        else:
            out.append(run.text)
            if run.text.strip():
                base = run
        i += 1
    return "".join(out)


def styled_headings(pages: list[tuple[list[Run], float]], body: float) -> list[str]:
    """The lines set whole in bold or larger than the body, that read like headings, in order:
    the headings of a paper that neither numbers them nor has an outline. The title (the first
    page's largest type, when nothing later is set as large) is not one."""
    found: list[tuple[str, float, int]] = []
    for number, (runs, _height) in enumerate(pages):
        line, styled, size = "", True, 0.0
        for run in runs:
            pieces = run.text.split("\n")
            for k, piece in enumerate(pieces):
                if k:  # a line ended
                    if styled and _HEADING_LINE.match(line.strip()):
                        found.append((line.strip(), size, number))
                    line, styled, size = "", True, 0.0
                line += piece
                if piece.strip():  # a figure's or a table's bold small type is not a heading
                    styled = (
                        styled and run.size >= 0.95 * body and (run.bold or run.size >= _HEADING_SIZE * body)
                    )
                    size = max(size, run.size)
        if styled and _HEADING_LINE.match(line.strip()):
            found.append((line.strip(), size, number))
    abstract = next((i for i, (text, _, _) in enumerate(found) if text.lower() == "abstract"), 0)
    found = found[abstract:]  # bold author names are not headings
    largest = max((size for _, size, _ in found), default=0.0)
    if all(page == 0 for _, size, page in found if size == largest):
        found = [f for f in found if f[1] < largest]
    return [text for text, _, _ in found]
