"""A paper's PDF to sections of clean text, with pypdf: the text in reading order (a column at a
time, as LaTeX writes it), cut at numbered section headings, up to the references."""

from __future__ import annotations

import io
import logging
import re

from arxiv_pipeline.core.fulltext import END_OF_BODY, ExtractionError, FullText, Section, clean, section_kind

# "3 Method", "3. Method", "III. METHOD"; a subsection ("3.1 Setup") stays inside its section.
_HEADING = re.compile(r"^(?P<num>\d{1,2}|[IVX]{1,5})\.?\s+(?P<title>[A-Z][A-Za-z][^.!?]{1,70})$")
_NAMED = re.compile(
    r"^(abstract|references|bibliography|acknowledge?ments?|appendix( [A-Z])?|[A-Z] appendix.*)$", re.I
)


def extract_pdf(data: bytes, max_pages: int = 60) -> FullText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed objects are noted, not fatal
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ExtractionError("not a PDF (the server sent something else)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ExtractionError("the PDF is encrypted")
            except (NotImplementedError, PdfReadError, ImportError) as exc:
                raise ExtractionError(f"the PDF is encrypted ({exc})") from None
        pages = reader.pages[:max_pages]
        text = "\n".join(page.extract_text() or "" for page in pages)
        page_count = len(reader.pages)
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file; all mean "no text"
        raise ExtractionError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if len(clean(text)) < 500:
        raise ExtractionError("the PDF holds no text layer (a scan?) or almost none")
    notes = [f"read the first {max_pages} of {page_count} pages"] if page_count > max_pages else []
    return FullText("pdf", split_sections(text), pages=page_count, notes=notes)


def split_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    title, kind, lines = "Front matter", "front", []
    seen_numbers: list[str] = []

    def close() -> None:
        body = clean("\n".join(lines))
        if body:
            sections.append(Section(title, kind, body))

    for raw in text.splitlines():
        line = raw.strip()
        named = _NAMED.match(line)
        numbered = _HEADING.match(line)
        if named and END_OF_BODY.match(re.sub(r"^[A-Z] ", "", line)):
            break
        if named and line.lower() == "abstract":
            close()
            title, kind, lines = "Abstract", "abstract", []
            continue
        if numbered and _next_number(seen_numbers, numbered.group("num")):
            close()
            seen_numbers.append(numbered.group("num"))
            title, lines = line, []
            kind = section_kind(numbered.group("title"))
            continue
        lines.append(raw)
    close()
    return [s for s in sections if s.kind != "front"]


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _next_number(seen: list[str], number: str) -> bool:
    """Headings come in order (1, 2, 3 or I, II, III): a line like "2 GPUs were used" in the
    middle of section 4 is not a heading."""
    if number.isdigit():
        expected = str(len(seen) + 1)
    else:
        expected = _ROMAN[len(seen)] if len(seen) < len(_ROMAN) else ""
    return number == expected
