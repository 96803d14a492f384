from __future__ import annotations

import re

from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.summarize import SUMMARY_FIELDS, ExtractiveSummarizer
from arxiv_pipeline.core.summarize.extractive import extract_summary, split_sentences
from arxiv_pipeline_tests.sample_papers import DAY_1_PAPERS

# A reported figure: a percentage, a factor or points.
NUMBER = re.compile(r"\d+(\.\d+)?\s*(%|x\b|points?\b|×|times)")


def test_sentences_split_without_breaking_abbreviations_or_numbers() -> None:
    text = (
        "Prior work (e.g. Smith et al. 2020) uses 3.5x more data. We propose X. "
        "It improves accuracy by 2.1%. This matters."
    )
    assert split_sentences(text) == [
        "Prior work (e.g. Smith et al. 2020) uses 3.5x more data.",
        "We propose X.",
        "It improves accuracy by 2.1%.",
        "This matters.",
    ]


def test_each_field_quotes_a_distinct_sentence_of_the_abstract() -> None:
    for paper in DAY_1_PAPERS:
        summary = extract_summary(paper.abstract)
        sentences = split_sentences(paper.abstract)
        assert summary.missing_fields() == []
        for field in ("motivation", "method", "result", "conclusion"):
            assert getattr(summary, field) in sentences
        if len(sentences) >= 4:
            picked = [summary.motivation, summary.method, summary.result, summary.conclusion]
            assert len(set(picked)) == 4


def test_cues_put_sentences_in_the_right_fields() -> None:
    abstract = (
        "Training is slow because data loading is a bottleneck. We propose a prefetching "
        "scheduler. It achieves a 40% speed-up on ImageNet. This suggests loaders matter."
    )
    s = extract_summary(abstract)
    assert s.motivation.startswith("Training is slow")
    assert s.method == "We propose a prefetching scheduler."
    assert s.result.startswith("It achieves a 40%")
    assert s.conclusion.startswith("This suggests")
    # Four sentences, four fields: the TL;DR says what was done and what was found.
    assert s.tldr == "We propose a prefetching scheduler. It achieves a 40% speed-up on ImageNet."


def test_the_tldr_says_what_was_done_and_found_and_copies_no_field() -> None:
    from arxiv_pipeline_tests.sample_papers import DAY_2_PAPERS

    for paper in [*DAY_1_PAPERS, *DAY_2_PAPERS]:
        summary = extract_summary(paper.abstract, title=paper.title)
        sentences = split_sentences(paper.abstract)
        fields = [summary.motivation, summary.method, summary.result, summary.conclusion]
        assert summary.tldr not in fields, paper.arxiv_id  # one sample had TL;DR = Result
        assert summary.tldr != sentences[0], paper.arxiv_id  # never the opening problem alone
        quoted = split_sentences(summary.tldr)
        assert all(q in sentences for q in quoted) and len(quoted) <= 2, paper.arxiv_id
        # When the abstract reports a number, the TL;DR carries one.
        if any(NUMBER.search(x) for x in sentences[1:]):
            assert NUMBER.search(summary.tldr), paper.arxiv_id


def test_short_abstracts_still_fill_every_field() -> None:
    s = extract_summary("We propose one thing.")
    assert s.missing_fields() == []
    assert extract_summary("").missing_fields() == []


def test_summarizer_labels_itself_and_returns_one_outcome_per_paper() -> None:
    papers = [
        Paper(arxiv_id="2611.1", version=1, title="T", abstract=DAY_1_PAPERS[0].abstract),
        Paper(arxiv_id="2611.2", version=2, title="T", abstract=""),
    ]
    outcomes = ExtractiveSummarizer().summarize(papers, "zh")
    assert [(o.arxiv_id, o.version, o.ok, o.summarizer, o.language) for o in outcomes] == [
        ("2611.1", 1, True, "extractive", "zh"),
        ("2611.2", 2, True, "extractive", "zh"),
    ]
    assert all(getattr(outcomes[0].summary, f) for f in SUMMARY_FIELDS)
    assert "extractive" in ExtractiveSummarizer.description.lower()
