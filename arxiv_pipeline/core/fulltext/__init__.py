"""A paper's full text, from arXiv's HTML rendering or its PDF: clean text by section, with the
references, appendices and page furniture dropped, and each section labelled by what it is
(introduction, method, results, conclusion...) so summarizers can pick the parts they need."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

# Bumped when extraction changes what it produces from the same document.
EXTRACTION_VERSION = "fulltext.2"

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


def clean(text: str) -> str:
    """One paragraph of running text: words hyphenated across lines joined, whitespace collapsed."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def sections_from_json(data: str | None) -> list[dict[str, object]]:
    return json.loads(data) if data else []
