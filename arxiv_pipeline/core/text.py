"""Text from arXiv and LLMs is untrusted: helpers that make it readable and inert in markdown."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# Font and size switches and spacing commands: they style text, they are not text.
_SWITCHES = (  # noqa: SIM905 (a word list reads better as words)
    "em bf it rm sl sc tt sf small large Large LARGE footnotesize normalsize scriptsize tiny huge Huge "
    "bfseries itshape rmfamily ttfamily sffamily scshape upshape mdseries normalfont displaystyle "
    "textstyle scriptstyle left right big Big bigl bigr Bigl Bigr middle !"
).split()
_SPACES = (",", ";", ":", " ", "quad", "qquad")
# A multi-character super- or subscript keeps its grouping: p^{1/T} reads p^(1/T), not p^1/T.
_SCRIPT_GROUP = re.compile(r"([\^_])\{([^{}]{2,})\}")
# Relations read with a space on each side (pylatexenc drops the one before them).
_RELATIONS = {
    "in": "∈", "notin": "∉", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠",
    "approx": "≈", "propto": "∝", "equiv": "≡", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "Leftrightarrow": "⇔", "mapsto": "↦", "subset": "⊂", "subseteq": "⊆",
}  # fmt: skip
_RELATION = re.compile(r"\s*\\(" + "|".join(sorted(_RELATIONS, key=len, reverse=True)) + r")(?![A-Za-z])\s*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]{2,}\S)")
_WS = re.compile(r"\s+")
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
    # Bidirectional overrides, embeddings, isolates and marks: they reorder what a reader sees
    # (a title that displays as something else); arXiv metadata has no use for them.
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    # Invisible characters that hide inside words (a name or a keyword that looks like another).
    "\u200b\u2060-\u2064\ufeff\u180e]"
)
# Joiners are needed between letters of some scripts (Persian, Indic, emoji sequences), never
# next to ASCII, where they only split a word invisibly.
_LATIN_JOINER = re.compile(
    "(?<=[\x00-\x7f])[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f])|^[\u200c\u200d]+|[\u200c\u200d]+$"
)


def _latex_converter() -> LatexNodes2Text:
    db = get_default_latex_context_db().filter_context()
    db.add_context_category(
        "arxiv",
        prepend=True,
        macros=[MacroTextSpec("LaTeX", simplify_repl="LaTeX"), MacroTextSpec("TeX", simplify_repl="TeX")]
        + [MacroTextSpec(name, simplify_repl="") for name in _SWITCHES]
        + [MacroTextSpec(name, simplify_repl=" ") for name in _SPACES],
    )
    # A macro nobody knows keeps its name (\foo -> foo) rather than vanishing with its meaning.
    db.set_unknown_macro_spec(
        MacroTextSpec("", simplify_repl=lambda node, *_: node.macroname + (node.macro_post_space or ""))
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


_LATEX = _latex_converter()


def strip_control(text: str) -> str:
    """Drop control characters, the non-characters XML cannot carry, bidirectional controls and
    invisible characters; keep newlines and tabs."""
    return _LATIN_JOINER.sub("", _CONTROL.sub("", text))


def cut_for_display(text: str, limit: int, what: str, where: str = "on arXiv") -> str:
    """``text`` whole, or its first ``limit`` characters (at a word) with a note that says so."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return f"{cut} … [{what} cut at {limit:,} of {len(text):,} characters; the whole text is {where}]"


def paragraphs(text: str) -> list[str]:
    """arXiv abstracts mark a new paragraph by a blank line or an indented line; within a
    paragraph, line breaks are only wrapping."""
    return [p for p in (_WS.sub(" ", part).strip() for part in _PARAGRAPH_BREAK.split(text)) if p]


@functools.lru_cache(maxsize=16384)
def latex_to_text(text: str) -> str:
    """Turn the LaTeX that arXiv titles and abstracts carry into readable unicode, paragraph by
    paragraph (kept apart by a blank line), with pylatexenc.

    ``$\\alpha$-Divergence`` becomes ``α-Divergence``, ``Schr\\"odinger`` becomes ``Schrödinger``,
    ``{\\em x}`` becomes ``x``. Unknown macros lose their backslash rather than vanish.
    """
    text = strip_control(text)
    if "\\" not in text and "$" not in text and "{" not in text:
        return "\n\n".join(paragraphs(text))
    converted = (
        _LATEX.latex_to_text(
            _RELATION.sub(lambda m: f" {_RELATIONS[m.group(1)]} ", _SCRIPT_GROUP.sub(r"\1(\2)", p))
        )
        for p in paragraphs(text)
    )
    return "\n\n".join(p for p in (_WS.sub(" ", c).strip() for c in converted) if p)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+\.)", re.M)


def md_inline(text: str | None) -> str:
    """Escape untrusted text for a markdown line: no raw HTML, links, emphasis or headings."""
    if not text:
        return ""
    flat = re.sub(r"\s+", " ", strip_control(text)).strip()
    escaped = html.escape(flat, quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def readable(text: str | None) -> str:
    """LaTeX made readable, then escaped: what every rendered title and abstract goes through."""
    return md_inline(latex_to_text(text or ""))


def readable_paragraphs(text: str | None) -> str:
    """Like ``readable``, keeping paragraphs apart (a blank line between them)."""
    return "\n\n".join(md_inline(p) for p in latex_to_text(text or "").split("\n\n"))


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "..."


def normalize_name(name: str) -> str:
    """Compare author names without accents, case, dots or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    return re.sub(r"[\s.]+", " ", stripped).strip().casefold()


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")


def md_block(text: str | None) -> str:
    """Untrusted multi-line markdown (an LLM's long summary): keep lists, emphasis and headings
    (demoted below the digest's own), drop raw HTML, links and images."""
    if not text:
        return ""
    out = html.escape(strip_control(text).strip(), quote=False)
    out = _LINK.sub(lambda m: m.group(1), out)
    out = _HEADING.sub(lambda m: "##### " if len(m.group(1)) <= 2 else "###### ", out)
    return re.sub(r"\n{3,}", "\n\n", out)
