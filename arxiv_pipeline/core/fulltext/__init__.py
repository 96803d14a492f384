"""A paper's full text, from arXiv's HTML rendering or its PDF: clean text by section, with the
references, appendices and page furniture dropped, and each section labelled by what it is
(introduction, method, results, conclusion...) so summarizers can pick the parts they need."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

# Bumped when extraction changes what it produces from the same document.
EXTRACTION_VERSION = "fulltext.6"

# What a section is, from its heading; the first rule that matches wins.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("abstract", re.compile(r"^abstract$", re.I)),
    ("introduction", re.compile(r"\bintroduc|\bmotivation\b|\boverview\b", re.I)),
    ("related", re.compile(r"\brelated\b|\bbackground\b|\bprior work\b|\bpreliminar", re.I)),
    ("conclusion", re.compile(r"\bconclu|\bsummary\b|\bfuture work\b|\blimitation|\bdiscussion\b", re.I)),
    (
        "results",
        re.compile(r"\bexperiment|\bresult|\bevaluat|\bempirical|\bbenchmark|\bablation|\banalys", re.I),
    ),
    (
        "method",
        re.compile(
            r"\bmethod|\bapproach\b|\bmodel\b|\bframework\b|\barchitecture\b|\balgorithm|\bproposed\b|"
            r"\bdesign\b|\bour\b|\bsetup\b|\bformulation\b|\btraining\b",
            re.I,
        ),
    ),
)
# Headings after which nothing is part of the paper's argument.
END_OF_BODY = re.compile(
    r"^(references|bibliography|acknowledg(e)?ments?|appendi(x|ces)|supplementary|checklist)\b", re.I
)


def section_kind(heading: str) -> str:
    title = re.sub(r"^[\dIVX]+(\.\d+)*\.?\s+", "", heading.strip())
    for kind, pattern in _KINDS:
        if pattern.search(title):
            return kind
    return "other"


@dataclass(frozen=True)
class Section:
    title: str
    kind: str
    text: str


@dataclass(frozen=True)
class FullText:
    """The text of one paper version, as extracted."""

    source: str  # "html" or "pdf"
    sections: list[Section]
    pages: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(len(s.text) for s in self.sections)

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.title}\n{s.text}" for s in self.sections)

    def kinds(self) -> list[str]:
        return [s.kind for s in self.sections]

    def sections_json(self) -> str:
        return json.dumps([{"title": s.title, "kind": s.kind, "chars": len(s.text)} for s in self.sections])

    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def of_kind(self, *kinds: str) -> list[Section]:
        return [s for s in self.sections if s.kind in kinds]


class ExtractionError(ValueError):
    """The document holds no usable text (scanned, encrypted, not a paper)."""


# Typographic ligatures as PDFs' text layers give them (ﬁ in "ﬁnd" would not match "find").
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)-[ \t]*\n\s*([A-Za-z]+)")


def _hyphen_join(vocabulary: set[str] | None):  # type: ignore[no-untyped-def]
    def join(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        if vocabulary is None:
            return first + second
        if (first + second).lower() in vocabulary:
            return first + second  # "experi-ments": the document writes "experiments"
        if first.lower() in vocabulary and second.lower() in vocabulary:
            return f"{first}-{second}"  # "energy-dependent": two words, a compound
        return first + second

    return join


# "gener- ating": a line-end hyphen some text layers give as a hyphen and a space.
_SPACED_HYPHEN = re.compile(r"\b([A-Za-z]{2,})- ([a-z]{2,})\b")
_SUSPENDED = frozenset({"or", "and", "nor", "to", "vs"})  # "single- or multi-document"


def _spaced_join(vocabulary: set[str]):  # type: ignore[no-untyped-def]
    def join(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        words = len(first) > 2 and first.lower() in vocabulary and second.lower() in vocabulary
        if second.lower() in _SUSPENDED or words:
            return m.group(0)
        return first + second

    return join


def clean(text: str, vocabulary: set[str] | None = None) -> str:
    """One paragraph of running text: ligatures spelt out, words hyphenated across lines joined
    (a real hyphen kept when both halves are words of the document), whitespace collapsed."""
    text = _LINE_END_HYPHEN.sub(_hyphen_join(vocabulary), text.translate(_LIGATURES))
    if vocabulary is not None:
        text = _SPACED_HYPHEN.sub(_spaced_join(vocabulary), text)
    return re.sub(r"\s+", " ", text).strip()


def vocabulary(text: str) -> set[str]:
    """The words a document uses whole (not split across a line end), lower-cased."""
    whole = _SPACED_HYPHEN.sub(" ", _LINE_END_HYPHEN.sub(" ", text.translate(_LIGATURES)))
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", whole)}


def sections_from_json(data: str | None) -> list[dict[str, object]]:
    return json.loads(data) if data else []
