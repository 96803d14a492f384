"""Whole-word, case-insensitive keyword matching that people expect from a digest.

``LLM`` matches "LLM" and "LLMs" but not "LLaMA"; ``retrieval-augmented generation`` matches with
a hyphen or a space; a trailing ``*`` matches any ending (``quantiz*``: quantize, quantization).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from arxiv_pipeline.core.text import normalize_name

_SEPARATOR = r"[\s\-]+"


def term_pattern(term: str) -> re.Pattern[str]:
    prefix = term.endswith("*")
    words = re.split(r"[\s\-]+", term.rstrip("*").strip())
    body = _SEPARATOR.join(re.escape(w) for w in words)
    if prefix:
        tail = r"\w*"
    elif words[-1][-1:].isalpha():
        tail = r"(?:s|es)?"
    else:
        tail = ""
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", re.IGNORECASE)


class TermMatcher:
    """Finds which of a fixed list of terms occur in a text, in the list's order."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = list(dict.fromkeys(terms))
        self._patterns = [(t, term_pattern(t)) for t in self.terms]

    def find(self, text: str) -> list[str]:
        return [term for term, pattern in self._patterns if pattern.search(text)]

    def __bool__(self) -> bool:
        return bool(self.terms)


class AuthorMatcher:
    def __init__(self, names: Iterable[str]) -> None:
        self._names = {normalize_name(n): n for n in names}

    def find(self, authors: Iterable[str]) -> list[str]:
        return [self._names[key] for a in authors if (key := normalize_name(a)) in self._names]
