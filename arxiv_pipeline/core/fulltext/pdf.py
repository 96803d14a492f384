"""A paper's PDF to sections of clean text, with pypdf: the text in reading order (a column at a
time, as LaTeX writes it; superscripts and footnotes read from font sizes, in pdf_layout), cut at
the outline's or numbered section headings, up to the references."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from arxiv_pipeline.core.fulltext import (
    END_OF_BODY,
    ExtractionError,
    FullText,
    Section,
    clean,
    section_kind,
    vocabulary,
)
from arxiv_pipeline.core.fulltext.pdf_layout import body_size, page_runs, page_text, styled_headings

# "3 Method", "3. Method", "III. METHOD", "3 A Model of X", "4 Results on U.S. Data vs. GPT-4.5";
# a subsection ("3.1 Setup") stays inside its section. A period only in an abbreviation or a
# number: a line with a sentence's end is text.
_TITLE_CHAR = r"(?:[^.!?]|(?<=\b[A-Z])\.|(?<=\bvs)\.|(?<=\be\.g)\.|(?<=\bi\.e)\.|\.(?=[A-Za-z0-9]))"
_HEADING = re.compile(
    rf"^(?P<num>\d{{1,2}}|[IVX]{{1,5}})\.?\s+(?P<title>[A-Z](?:[A-Za-z]|\s+[A-Z]){_TITLE_CHAR}{{1,70}})$"
)
# The stamp arXiv prints down the first page's margin.
_STAMP = re.compile(r"^\s*arXiv:\d{4}\.\d{4,5}(v\d+)?\s+\[[^\]]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s*(/|of)\s*\d{1,4})?\s*$", re.I)
_EDGE_LINES = 3  # lines at the top and bottom of a page where running headers and footers sit
_NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2}|[IVX]{1,5}|[A-Z])?\.?\s+(?=\S)|^\s*(\d{1,2}|[IVX]{1,5})\.?$")
_CONTENTS = re.compile(r"^(table of )?contents$", re.I)
_DOT_LEADERS = re.compile(r"(\.\s?){4,}\s*\d+$")
# amsart's "Abstract. We study…", IEEE's "Abstract—We study…": the abstract run in, no heading.
_RUN_IN_ABSTRACT = re.compile(r"^Abstract\s*[.:—–-]\s*(\S.*)$")
_NUMBERED_START = re.compile(r"^(\d{1,2}|[IVX]{1,5})\.?\s+[A-Z]")
# A table of contents' line: "2 Method ........ 5" or "2 Method 5" is not the heading itself.
_TOC_LINE = re.compile(r"(\.\s?){3,}\s*\d*$|…\s*\d+$|\s\d{1,3}$")
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
        laid_out = [page_runs(page) for page in reader.pages[:max_pages]]
        body = body_size(laid_out)
        pages = [page_text(runs, height, body) for runs, height in laid_out]
        text = "\n".join(strip_page_furniture(pages))
        page_count = len(reader.pages)
        outline = outline_titles(reader)
        styled = styled_headings(laid_out, body) if len(outline) < 3 else []
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file; all mean "no text"
        raise ExtractionError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if len(clean(text)) < 500:
        raise ExtractionError("the PDF holds no text layer (a scan?) or almost none")
    notes = [f"read the first {max_pages} of {page_count} pages"] if page_count > max_pages else []
    sections = split_sections(text, outline, styled)
    if not sections:
        raise ExtractionError("the PDF holds no text between its title and its references")
    return FullText("pdf", sections, pages=page_count, notes=notes)


def outline_titles(reader: object) -> list[str]:
    """The titles of the PDF's top-level bookmarks (LaTeX with hyperref writes one per section),
    in order; [] when it has none or they cannot be read."""
    try:
        entries = reader.outline  # type: ignore[attr-defined]
        return [str(e.title) for e in entries if not isinstance(e, list) and getattr(e, "title", None)]
    except Exception:  # a broken outline is no outline: the numbered headings still split
        return []


def _heading_key(line: str) -> str:
    """A heading without its number, case and spacing: "3. Main Results" and "MAIN RESULTS" alike."""
    return " ".join(_NUMBER_PREFIX.sub("", line).lower().split())


def _edges(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return {*filled[:_EDGE_LINES], *filled[-_EDGE_LINES:]}


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def strip_page_furniture(pages: list[str]) -> list[str]:
    """The pages without arXiv's margin stamp, page numbers, and running headers and footers (a
    line at a page's top or bottom that recurs, numbers aside, on at least three pages)."""
    split = [page.splitlines() for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_furniture_key(lines[i]) for i in _edges(lines)})
    recurring = {key for key, n in counts.items() if key.strip("# ") and n >= max(3, len(pages) // 3)}
    out = []
    for lines in split:
        edges = _edges(lines)
        out.append(
            "\n".join(
                line
                for i, line in enumerate(lines)
                if not _STAMP.match(line)
                and not (i in edges and (_PAGE_NUMBER.match(line) or _furniture_key(line) in recurring))
            )
        )
    return out


def split_sections(
    text: str, outline: list[str] | None = None, styled: list[str] | None = None
) -> list[Section]:
    """Cut at the headings: the PDF's own bookmarks when it has at least three (they need no
    numbers), or numbered headings in order, whichever finds more; the references end the body.
    Without either, the lines ``styled`` as headings (bold or large type) are matched in order."""
    keys = [_heading_key(t) for t in outline or []]
    numbered = _split(text, [])
    if len([k for k in keys if k]) < 3:
        if len(numbered) >= 3 or not styled:
            return numbered
        keys = [_heading_key(t) for t in styled]
    by_name = _split(text, keys)
    return by_name if len(by_name) > len(numbered) else numbered


def _split(text: str, keys: list[str]) -> list[Section]:
    sections: list[Section] = []
    title, kind, lines = "Front matter", "front", []
    seen_numbers: list[str] = []
    next_key = 0  # bookmarks are matched in their order, so a later mention is not a heading
    words = vocabulary(text)
    body_lines: list[str] = []  # everything before the references, for a paper with no headings

    def close() -> None:
        body = clean("\n".join(lines), words)
        if body:
            sections.append(Section(title, kind, body))

    for raw in text.splitlines():
        line = raw.strip()
        named = _NAMED.match(line)
        if named and END_OF_BODY.match(re.sub(r"^[A-Z] ", "", line)):
            break
        if _CONTENTS.match(line):  # a table of contents: not text, and it ends the abstract
            close()
            title, kind, lines = "Contents", "front", []
            continue
        if _DOT_LEADERS.search(line):
            continue
        run_in = _RUN_IN_ABSTRACT.match(line)
        if ((named and line.lower() == "abstract") or run_in) and not seen_numbers and not next_key:
            close()  # not a figure's "Abstract"
            title, kind, lines = "Abstract", "abstract", [run_in.group(1)] if run_in else []
            continue
        heading = _bookmarked(line, keys, next_key) if keys else None
        if heading is not None:
            close()
            next_key = heading + 1
            title, kind, lines = line, section_kind(_heading_key(line)), []
            continue
        numbered = None if keys or _TOC_LINE.search(line) else _HEADING.match(line)
        if numbered and _next_number(seen_numbers, numbered.group("num")):
            close()
            seen_numbers.append(numbered.group("num"))
            title, lines = line, []
            kind = section_kind(numbered.group("title"))
            continue
        lines.append(raw)
        body_lines.append(raw)
    close()
    found = [s for s in sections if s.kind != "front"]
    if found:
        return found
    # Unnumbered headings (or none): the body as one section, not zero characters taken for a success.
    body = clean("\n".join(body_lines), words)
    return [Section("Text", "other", body)] if body else []


def _bookmarked(line: str, keys: list[str], start: int) -> int | None:
    """The index of the bookmark (from ``start`` on) that this line is the heading of."""
    if not line or len(line) > 100 or _TOC_LINE.search(line):
        return None
    key = _heading_key(line)
    # A long heading wraps: its first line, numbered, begins the bookmark's title.
    wrapped = len(key) >= 12 and _NUMBERED_START.match(line) is not None
    for i in range(start, len(keys)):
        if keys[i] and (key == keys[i] or (wrapped and keys[i].startswith(key))):
            return i
    return None


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _next_number(seen: list[str], number: str) -> bool:
    """Headings come in order (1, 2, 3 or I, II, III): a line like "2 GPUs were used" in the
    middle of section 4 is not a heading."""
    if number.isdigit():
        expected = str(len(seen) + 1)
    else:
        expected = _ROMAN[len(seen)] if len(seen) < len(_ROMAN) else ""
    return number == expected
