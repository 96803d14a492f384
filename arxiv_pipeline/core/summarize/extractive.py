"""The offline summarizer: picks the paper's own sentences for each field.

It needs no model and no key, so a new user sees a full digest at once. It never invents text,
and it says what it is: fields are quotations, in the paper's language. With a full text, each
field comes from the section that holds it (the introduction's problem, the method section's
approach, the experiments' numbers, the conclusion's takeaway), chosen by salience (tf-idf
similarity to the paper's title and abstract) and cue words, never the same sentence twice and
never a sentence of the abstract shown beside it. Without one, from the abstract.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from arxiv_pipeline.core.fulltext import FullText, Section
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.summarize.base import (
    FullTexts,
    OnResult,
    StructuredSummary,
    SummaryOutcome,
)
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
FIELD_CHARS = 1000


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


def _found_index(sentences: list[str], scores: dict[str, list[float]], among: list[int]) -> int | None:
    """Of ``among``, the sentence that best says what was found: a result cue, a number first."""
    candidates = [i for i in among if scores["result"][i] >= 1.0]
    if not candidates:
        return None
    return min(candidates, key=lambda i: (not _NUMBER.search(sentences[i]), -scores["result"][i], i))


def _joined(first: str, second: str, limit: int) -> str:
    return truncate(first if first == second else f"{first} {second}", limit)


def extract_summary(abstract: str, tldr_chars: int = 240, title: str = "") -> StructuredSummary:
    """Each field a different sentence of the abstract where there are enough of them. The TL;DR
    says what was done and found: the result sentence (with its numbers when the abstract has
    any), alone when the Result field has another one to quote, else after the contribution; never
    the opening problem statement alone, never a copy of another field."""
    sentences = split_sentences(abstract) or [abstract.strip() or "(no abstract)"]
    scores = _field_scores(sentences)
    chosen: dict[str, int] = {}
    for name in _ORDER:
        ranked = sorted(range(len(sentences)), key=lambda i: (-scores[name][i], i))
        free = [i for i in ranked if i not in chosen.values()]
        chosen[name] = (free or ranked)[0]
    found = _found_index(sentences, scores, list(range(len(sentences))))
    done = sentences[chosen["method"]]
    if found is None:  # nothing measured (a theory paper): what was done, and what it means
        tldr = _joined(done, sentences[chosen["conclusion"]], 2 * tldr_chars)
    elif found not in chosen.values():
        tldr = truncate(sentences[found], tldr_chars)
    else:
        spare = [i for i in range(len(sentences)) if i not in chosen.values()]
        other = _found_index(sentences, scores, spare) if found == chosen["result"] else None
        if other is not None:  # the Result field quotes the other finding
            chosen["result"] = other
            tldr = truncate(sentences[found], tldr_chars)
        elif found == chosen["method"]:  # the contribution is the finding: and then?
            tldr = _joined(done, sentences[chosen["result"]], 2 * tldr_chars)
        else:
            tldr = _joined(done, sentences[found], 2 * tldr_chars)
    # A "sentence" of a broken record can run to megabytes: a field quotes at most FIELD_CHARS of it.
    picked = {name: truncate(sentences[i], FIELD_CHARS) for name, i in chosen.items()}
    return StructuredSummary(tldr=tldr, **picked)


def abstract_excerpt(abstract: str, limit: int) -> str:
    """The abstract's opening sentences up to about ``limit`` characters and, when the abstract
    goes on, its result sentence after a "[…]": a short excerpt that still says what was found."""
    sentences = split_sentences(abstract)
    if len(abstract) <= limit or len(sentences) <= 1:
        return truncate(abstract.strip(), limit)
    shown = [truncate(sentences[0], limit)]
    for sentence in sentences[1:]:
        if sum(len(s) + 1 for s in shown) + len(sentence) > limit:
            break
        shown.append(sentence)
    rest = range(len(shown), len(sentences))
    if len(rest) == 1:  # "[…]" would hide less than it costs
        return " ".join([*shown, sentences[-1]])
    result = _field_scores(sentences)["result"]
    # A result cue, not only the position bonus.
    best = max(rest, key=lambda i: (result[i] >= 1.0, result[i], -i))
    tail = f" […] {sentences[best]}" if result[best] >= 1.0 else " […]"
    return " ".join(shown) + tail


# Where each field's sentence is looked for first, then the fallbacks, in order.
_FIELD_SECTIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "method": (("method",), ("other",), ("introduction",)),
    "result": (("results",), ("other", "conclusion")),
    "motivation": (("introduction",), ("related", "other")),
    "conclusion": (("conclusion",), ("results", "other")),
}
_NUMBER = re.compile(r"\d+(\.\d+)?\s*(%|x\b|points?\b|×)")
_CAPTION = re.compile(r"^(table|figure|fig\.|algorithm)\s*\d+", re.I)
_CONTRIBUTION = re.compile(r"\b(we (propose|introduce|present|show|develop)|this (paper|work))\b", re.I)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def _body_sentences(fulltext: FullText, abstract: str) -> list[tuple[Section, str]]:
    """The body's sentences a summary may quote (no captions, table rows, fragments), without
    those that repeat the abstract when enough others are left."""
    candidates: list[tuple[Section, str]] = [
        (section, sentence)
        for section in fulltext.sections
        if section.kind != "abstract"
        for line in section.text.split("\n")
        for sentence in split_sentences(line)
        if 40 <= len(sentence) <= 400 and sentence.count("|") < 2 and not _CAPTION.match(sentence)
    ]
    if len(candidates) < 4:
        raise ValueError("the full text has too few sentences to summarize")
    quoted = [_content_words(s) for s in split_sentences(abstract)]
    fresh = [
        (sec, s) for sec, s in candidates if not any(_overlap(_content_words(s), q) > 0.6 for q in quoted)
    ]
    return fresh if len(fresh) >= 4 else candidates


def _salience(texts: list[str], title: str, abstract: str) -> list[float]:
    """How much each sentence is about the paper (tf-idf similarity to title and abstract) plus
    half how central it is to the text (similarity to the mean of all: TextRank's idea)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit([*texts, title, abstract])
    matrix = vectors.transform(texts)
    about = vectors.transform([f"{title} {title} {abstract}"])
    relevance = (matrix @ about.T).toarray().ravel()
    centrality = np.asarray(matrix @ np.asarray(matrix.mean(axis=0)).T).ravel()
    return [float(r) + 0.5 * float(c) for r, c in zip(relevance, centrality, strict=True)]


def extract_from_fulltext(
    fulltext: FullText, abstract: str, title: str = "", tldr_chars: int = 240
) -> tuple[StructuredSummary, tuple[str, ...]]:
    """Each field one sentence of the section that holds it; the TL;DR the sentence that best
    says what the paper contributes. Returns the summary and the titles of the sections used."""
    candidates = _body_sentences(fulltext, abstract)
    texts = [s for _, s in candidates]
    salience = _salience(texts, title, abstract)
    words = [_content_words(s) for s in texts]
    taken: list[int] = []

    def pick(name: str, kinds_order: tuple[tuple[str, ...], ...]) -> int:
        for kinds in kinds_order:
            pool = [
                i
                for i, (sec, _) in enumerate(candidates)
                if sec.kind in kinds and all(_overlap(words[i], words[j]) <= 0.6 for j in taken)
            ]
            if pool:
                cue = _CUES[name]
                return max(
                    pool,
                    key=lambda i: (
                        salience[i]
                        + 0.3 * min(3, len(cue.findall(texts[i])))
                        + (1.0 if name == "result" and _NUMBER.search(texts[i]) else 0.0),
                        -i,
                    ),
                )
        return -1

    chosen: dict[str, int] = {}
    for name in ("method", "result", "motivation", "conclusion"):
        index = pick(name, _FIELD_SECTIONS[name])
        if index >= 0:
            chosen[name] = index
            taken.append(index)
    tldr_pool = [
        i
        for i in range(len(texts))
        if i not in taken and all(_overlap(words[i], words[j]) <= 0.6 for j in taken)
    ]
    tldr = max(
        tldr_pool or list(range(len(texts))),
        key=lambda i: (salience[i] + (1.0 if _CONTRIBUTION.search(texts[i]) else 0.0), -i),
    )
    fields = {name: texts[chosen[name]] if name in chosen else "" for name in _FIELD_SECTIONS}
    used = sorted({*chosen.values(), tldr})
    titles: list[str] = []
    for i in used:
        if candidates[i][0].title not in titles:
            titles.append(candidates[i][0].title)
    order = [s.title for s in fulltext.sections]
    return (
        StructuredSummary(tldr=truncate(texts[tldr], tldr_chars), **fields),
        tuple(sorted(titles, key=order.index)),
    )


class ExtractiveSummarizer:
    name = "extractive"
    version = "3"
    description = (
        "Extractive summaries: sentences quoted from each paper's full text where it could be had "
        "(the abstract otherwise), picked offline (no LLM configured); set an API key for written "
        "summaries."
    )

    def summarize(
        self,
        papers: Sequence[Paper],
        language: str,
        on_result: OnResult | None = None,
        fulltexts: FullTexts | None = None,
    ) -> list[SummaryOutcome]:
        out = []
        for paper in papers:
            fulltext = (fulltexts or {}).get((paper.arxiv_id, paper.version))
            source, used = "abstract", ()
            try:
                summary = None
                if fulltext is not None:
                    try:
                        summary, used = extract_from_fulltext(fulltext, paper.abstract, paper.title)
                        source = fulltext.source
                    except ValueError:
                        summary = None  # too little text: the abstract still gives a summary
                if summary is None:
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
                source=source,
                sections_used=tuple(used),
            )
            out.append(outcome)
            if on_result is not None:
                on_result(paper, outcome)
        return out
