"""Does a summary say something? Small models send replies that are valid JSON in the right
language and still junk: every field the title, a TL;DR of a hundred words, a Motivation that
repeats the TL;DR, a result with numbers the paper never gave. Each is refused with its reason,
so the try is repeated and, failing that, recorded as a failure instead of published."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from itertools import combinations

TLDR_MAX_WORDS = 60
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


def summary_problem(fields: Mapping[str, str], title: str, source: str) -> str | None:
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
    given = set(_RESULT_NUMBER.findall(source))
    invented = [n for n in _RESULT_NUMBER.findall(fields.get("result", "")) if n not in given]
    if invented:
        return f"the result gives {', '.join(invented)}, which the paper does not"
    return None
