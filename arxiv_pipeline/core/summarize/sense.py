"""Does a summary say something? Small models send replies that are valid JSON in the right
language and still junk: every field the title, a TL;DR of a hundred words or of four, a Motivation that
repeats the TL;DR, a result with numbers the paper never gave. Each is refused with its reason,
so the try is repeated and, failing that, recorded as a failure instead of published."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from itertools import combinations

TLDR_MAX_WORDS = 60
# Fewer words cannot say what was done and found: SmolLM2-135M answered two papers of the real
# sample day with the TL;DR "The Art of Persuasion", which the other checks let through.
TLDR_MIN_WORDS = 6
# Of an English TL;DR's content words, at least this share must be the paper's own: a summary
# that could be about anything ("This JSON document describes the benefits of a system") is not
# one. Measured on the sample days' abstracts and SmolLM2-135M's replies (see the test).
MIN_GROUNDED = 0.4
_CONTENT = re.compile(r"[a-z][a-z-]{3,}")
_COMMON_WORDS = (
    "this that these those with from into their there which while where when what about also "
    "than then them they have has been being were will would could should more most such some "
    "each both other over under between using used uses paper work show shows shown propose "
    "proposes proposed present presents study results result method methods approach approaches "
    "based novel new well only very much many does make makes made find finds found"
)
_COMMON = frozenset(_COMMON_WORDS.split())
# Numbers that carry a result: with a decimal point, or a percentage.
_RESULT_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+(?=\s*%))")
_WS = re.compile(r"\W+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def _words(text: str) -> int:
    """Words, with two CJK characters counted as one (about how they read)."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk // 2


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() > 0.9


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def grounded_share(text: str, source: str) -> float | None:
    """The share of ``text``'s content words (four letters or more, not the common ones) that the
    source has too, stems compared; None when it has fewer than three."""
    words = [_stem(w) for w in _CONTENT.findall(text.casefold()) if w not in _COMMON]
    if len(words) < 3:
        return None
    known = {_stem(w) for w in _CONTENT.findall(source.casefold())}
    return sum(w in known for w in words) / len(words)


def summary_problem(fields: Mapping[str, str], title: str, source: str, language: str = "en") -> str | None:
    """Why the summary's fields are not a summary of the paper, or None when they may be one.
    ``source`` is the text the model was given (title, abstract or full text)."""
    normed = {name: _norm(value) for name, value in fields.items()}
    heading = _norm(title)
    for name, value in normed.items():
        if heading and _same(value, heading):
            return f"the {name} only repeats the title"
    for (a, va), (b, vb) in combinations(normed.items(), 2):
        if _same(va, vb):
            return f"the {a} and the {b} say the same"
    tldr = fields.get("tldr", "")
    if _words(tldr) > TLDR_MAX_WORDS:
        return f"the TL;DR is {_words(tldr)} words; at most {TLDR_MAX_WORDS}"
    if _words(tldr) < TLDR_MIN_WORDS:
        return f"the TL;DR is {_words(tldr)} words, too few to say what was done and found"
    given = set(_RESULT_NUMBER.findall(source))
    invented = [n for n in _RESULT_NUMBER.findall(fields.get("result", "")) if n not in given]
    if invented:
        return f"the result gives {', '.join(invented)}, which the paper does not"
    share = grounded_share(tldr, f"{title} {source}") if language == "en" else None
    if share is not None and share < MIN_GROUNDED:
        return f"the TL;DR is not about this paper (only {share:.0%} of its words are the paper's)"
    return None
