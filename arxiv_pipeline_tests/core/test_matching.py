from __future__ import annotations

import pytest

from arxiv_pipeline.core.select.matching import AuthorMatcher, TermMatcher


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [
        ("LLM", "We study LLMs at scale", True),
        ("LLM", "an llm-based agent", True),
        ("LLM", "LLaMA models", False),
        ("agent", "a reagent in chemistry", False),
        ("agent", "multi-agent systems", True),
        ("agent", "Agents that act", True),
        ("retrieval-augmented generation", "retrieval augmented   generation works", True),
        ("retrieval-augmented generation", "retrieval-augmented-generation", True),
        ("large language model", "Large Language Models are", True),
        ("quantiz*", "post-training quantization", True),
        ("quantiz*", "we quantize weights", True),
        ("quantiz*", "dequantization", False),
        ("diffusion", "Diffusion-based", True),
        ("C++", "written in C++ today", True),
        ("RL", "offline RL is hard", True),
        ("RL", "RLHF", False),
    ],
)
def test_terms_match_whole_words_case_insensitively(term: str, text: str, hit: bool) -> None:
    assert bool(TermMatcher([term]).find(text)) is hit


def test_matches_come_back_in_configured_order_once() -> None:
    matcher = TermMatcher(["transformer", "LLM", "LLM"])
    assert matcher.terms == ["transformer", "LLM"]
    assert matcher.find("LLMs and transformers and LLMs") == ["transformer", "LLM"]


def test_author_matching_ignores_accents_case_and_dots() -> None:
    matcher = AuthorMatcher(["Zoe Okubo", "lukasz wrobel", "J. R. Smith"])
    assert matcher.find(["Zoë Ōkubo", "Someone Else"]) == ["Zoe Okubo"]
    assert matcher.find(["Łukasz Wróbel"]) == ["lukasz wrobel"]
    assert matcher.find(["J R Smith"]) == ["J. R. Smith"]
    assert matcher.find(["Zoe Okubota"]) == []
