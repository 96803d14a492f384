"""arXiv's HTML rendering (LaTeXML: ``ltx_`` classes) to sections of clean text, with a plain
heading-based reading for other HTML."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from arxiv_pipeline.core.fulltext import END_OF_BODY, ExtractionError, FullText, Section, clean, section_kind

# Page furniture and what is not the paper's argument (references, appendices, author block).
_DROP_CLASSES = (
    "ltx_bibliography",
    "ltx_appendix",
    "ltx_page_navbar",
    "ltx_page_footer",
    "ltx_authors",
    "ltx_note_outer",
    "ltx_tag_equation",
)


def _has_class(name: str) -> str:
    """An XPath test for one class token: ``ltx_authors`` must not match ``ltx_authors_1line``, which
    arXiv's current pages put on the <article> that holds the whole paper."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_DROP = " | ".join(
    ["//script", "//style", "//nav", "//header", "//footer", "//noscript"]
    + [f"//*[{_has_class(name)}]" for name in _DROP_CLASSES]
)
# Back matter that LaTeXML renders as ordinary sections.
_BACK_MATTER = re.compile(
    r"^(data|code|software) availability|^author contributions|^competing interests|^funding\b", re.I
)
_BLOCKS = {
    "p",
    "div",
    "li",
    "tr",
    "figcaption",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "blockquote",
}


def _text(node: etree._Element) -> str:
    """The node's readable text: math as its LaTeX source, table cells apart, blocks on lines."""
    for math in node.iter("math"):
        alt = math.get("alttext")
        tail = math.tail
        math.clear()
        math.text, math.tail = (f" {alt} " if alt else " "), tail
    # The TeX source's line breaks survive in LaTeXML's text nodes; only blocks end a line.
    for element in node.iter():
        if isinstance(element.tag, str) and element.tag != "pre":
            element.text = _flat(element.text)
        element.tail = _flat(element.tail)
    for cell in node.iter("td", "th"):
        cell.tail = " | " + (cell.tail or "")
    for block in node.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    lines = (clean(line) for line in node.text_content().split("\n"))
    return "\n".join(line for line in lines if line and line != "|")


def _flat(text: str | None) -> str | None:
    return re.sub(r"\s*\n\s*", " ", text) if text else text


def _heading(section: etree._Element) -> str:
    titles = section.xpath(f"./*[{_has_class('ltx_title')}]")
    if not titles:
        return ""
    title = titles[0]
    text = clean(title.text_content())
    for element in title.getparent().iterchildren():
        if element is title:
            element.getparent().remove(element)
            break
    return text


def extract_html(data: bytes) -> FullText:
    try:
        root = lxml.html.fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not HTML: {exc}") from None
    for node in root.xpath(_DROP):
        node.getparent().remove(node)
    document = root.xpath(f"//*[{_has_class('ltx_document')}]")
    sections = _latexml(document[0]) if document else _headings(root)
    sections = [s for s in sections if len(s.text) >= 40]
    if sum(len(s.text) for s in sections if s.kind != "abstract") < 500:
        raise ExtractionError("the page holds no paper text (an error page, or a rendering that failed)")
    return FullText("html", sections)


def _latexml(document: etree._Element) -> list[Section]:
    sections: list[Section] = []
    for abstract in document.xpath(f".//*[{_has_class('ltx_abstract')}]"):
        _heading(abstract)
        sections.append(Section("Abstract", "abstract", _text(abstract)))
        abstract.getparent().remove(abstract)
    # <section> today, <div> in older LaTeXML output.
    found = document.xpath(f".//*[{_has_class('ltx_section')}]")
    for section in found:
        title = _heading(section)
        bare = re.sub(r"^[\dA-Z]+(\.\d+)*\.?\s+", "", title)
        if END_OF_BODY.match(bare) or _BACK_MATTER.match(bare):
            continue
        sections.append(Section(title, section_kind(title), _text(section)))
    if not found:
        # A letter or note without sections: its paragraphs are the text.
        _heading(document)
        paragraphs = document.xpath(f".//*[{_has_class('ltx_para')}]")
        text = "\n".join(_text(p) for p in paragraphs) if paragraphs else _text(document)
        sections.append(Section("Text", "other", text))
    return sections


def _headings(root: etree._Element) -> list[Section]:
    """Any other HTML: each h1-h3 starts a section, up to the references."""
    body = root.find("body") if root.find("body") is not None else root
    sections: list[Section] = []
    title, parts = "Text", []
    for node in body.iter():
        if node.tag in ("h1", "h2", "h3"):
            if parts:
                sections.append(Section(title, section_kind(title), "\n".join(parts)))
            title, parts = clean(node.text_content()), []
            if END_OF_BODY.match(title):
                return sections
        elif node.tag in ("p", "li", "td") and (text := clean(node.text_content())):
            parts.append(text)
    if parts:
        sections.append(Section(title, section_kind(title), "\n".join(parts)))
    return sections
