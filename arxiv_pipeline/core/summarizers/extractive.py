"""The offline summarizer: picks the abstract's own sentences for each field.

It needs no model and no key, so a new user sees a full digest at once. It never invents text,
and it says what it is: fields are quotations from the abstract, in the abstract's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.summarizers.base import OnResult, StructuredSummary, SummaryOutcome
from arxiv_pipeline.core.text import truncate

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec|resp|approx|etc)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\"'“])")
_CUES = {
    "motivation": re.compile(
        r"\b(however|but|remain\w*|unclear|challeng\w*|limit\w*|expensive|costly|slow|fail\w*|"
        r"poorly|lack\w*|often|usually|typically|hinder\w*|difficult|hard|require\w*|problem)\b",
        re.I,
    ),
    "method": re.compile(
        r"\b(we (propose|introduce|present|develop|design|build|derive|train|give|combine|"
        r"construct|model|study|analy[sz]e|collect|re-?implement|re-?evaluate|benchmark|track|"
        r"search|intervene|project|schedule|group|select|expand|align|bound|show|run|trace|"
        r"assemble)\w*|our (method|approach|model|framework))\b",
        re.I,
    ),
    "result": re.compile(
        r"(\d+(\.\d+)?\s*(%|x\b|points?|times)|\b(outperform\w*|achiev\w*|improv\w*|reduc\w*|"
        r"match\w*|reach\w*|recover\w*|beat\w*|fall\w*|faster|results?|experiments?|accuracy)\b)",
        re.I,
    ),
    "conclusion": re.compile(
        r"\b(suggest\w*|indicat\w*|conclud\w*|thus|therefore|should|opens?|enabl\w*|practical|"
        r"matters?|needed|argue|viable|credible|essential|promis\w*|implications?|future|"
        r"broadly|overall)\b",
        re.I,
    ),
}
_ORDER = ("method", "result", "conclusion", "motivation")


def split_sentences(text: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text.strip())
    parts = _SENTENCE_END.split(protected)
    return [p.replace("\x00", ".").strip() for p in parts if p.strip()]


def _field_scores(sentences: list[str]) -> dict[str, list[float]]:
    n = len(sentences)
    scores: dict[str, list[float]] = {}
    for name, cue in _CUES.items():
        row = []
        for i, s in enumerate(sentences):
            value = float(len(cue.findall(s)))
            if name == "motivation":
                value += 2.0 if i == 0 else (0.5 if i == 1 else 0.0)
            elif name == "conclusion":
                value += 2.0 if i == n - 1 else 0.0
            elif name == "method":
                value += 0.5 if 0 < i < n - 1 else 0.0
            elif name == "result":
                value += 0.5 if i >= n // 2 and i != n - 1 else 0.0
            row.append(value)
        scores[name] = row
    return scores


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "the and for with from that this these those into over under via our their its are was "
        "were has have been can not more less than using based towards toward between across new",
    )
)


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _tldr_index(sentences: list[str], title: str, scores: dict[str, list[float]], method: int) -> int:
    """The sentence that best says what the paper is: most words shared with the title, then
    the strongest contribution or result cue, then the earliest; not the Method sentence, which
    the reader would otherwise get twice."""
    title_words = _content_words(title)
    others = [i for i in range(len(sentences)) if i != method] or [method]
    return min(
        others,
        key=lambda i: (
            -len(_content_words(sentences[i]) & title_words),
            -(scores["method"][i] + scores["result"][i]),
            i,
        ),
    )


def extract_summary(abstract: str, tldr_chars: int = 240, title: str = "") -> StructuredSummary:
    """Each field a different sentence of the abstract where there are enough of them; the TL;DR
    is not the Method sentence unless the abstract has a single sentence."""
    sentences = split_sentences(abstract) or [abstract.strip() or "(no abstract)"]
    scores = _field_scores(sentences)
    chosen: dict[str, int] = {}
    for name in _ORDER:
        ranked = sorted(range(len(sentences)), key=lambda i: (-scores[name][i], i))
        free = [i for i in ranked if i not in chosen.values()]
        chosen[name] = (free or ranked)[0]
    picked = {name: sentences[i] for name, i in chosen.items()}
    tldr = _tldr_index(sentences, title, scores, chosen["method"])
    return StructuredSummary(
        tldr=truncate(sentences[tldr], tldr_chars),
        motivation=picked["motivation"],
        method=picked["method"],
        result=picked["result"],
        conclusion=picked["conclusion"],
    )


class ExtractiveSummarizer:
    name = "extractive"
    version = "2"
    description = (
        "Extractive summaries: the TL;DR is a sentence quoted from the abstract, picked offline "
        "(no LLM configured); set an API key for written summaries."
    )

    def summarize(
        self, papers: Sequence[Paper], language: str, on_result: OnResult | None = None
    ) -> list[SummaryOutcome]:
        out = []
        for paper in papers:
            try:
                summary = extract_summary(paper.abstract, title=paper.title)
                error = None
            except Exception as exc:  # one odd abstract must not cost the others their summary
                summary, error = None, f"{type(exc).__name__}: {exc}"
            outcome = SummaryOutcome(
                arxiv_id=paper.arxiv_id,
                version=paper.version,
                summarizer=self.name,
                summarizer_version=self.version,
                language=language,
                summary=summary,
                error=error,
            )
            out.append(outcome)
            if on_result is not None:
                on_result(paper, outcome)
        return out
