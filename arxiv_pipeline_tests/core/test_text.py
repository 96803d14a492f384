from __future__ import annotations

import pytest

from arxiv_pipeline.core.text import latex_to_text, md_inline, readable, truncate


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"$\alpha$-Divergence Policy Optimization", "α-Divergence Policy Optimization"),
        (r"Schr\"odinger Bridges", "Schrödinger Bridges"),
        (r"G\"{o}del and \c{c}a and \'{e}t\'e", "Gödel and ça and été"),
        (r"Regret $O(\sqrt{T})$", "Regret O(√(T))"),
        (r"$k = O(d \log d / \epsilon^2)$", "k = O(d log d / ϵ^2)"),  # \epsilon is ϵ; \varepsilon is ε
        (r"Markup with \LaTeX{} inside", "Markup with LaTeX inside"),
        (r"$\tilde O(\sqrt{H})$ and $\mathbb{R}^d$", "Õ(√(H)) and ℝ^d"),
        (r"\emph{Really} \textbf{bold}", "Really bold"),
        ("Plain title", "Plain title"),
        (r"unknown \foo macro", "unknown foo macro"),
    ],
)
def test_latex_becomes_readable_unicode(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_markdown_escaping_neutralises_markup() -> None:
    hostile = "<script>alert(1)</script> [click](http://evil) *x* _y_ `code` </details> | a"
    out = md_inline(hostile)
    assert "<" not in out and ">" not in out
    assert "&lt;script&gt;" in out and "&lt;/details&gt;" in out
    assert "\\[click\\]" in out and "\\*x\\*" in out and "\\_y\\_" in out and "\\`code\\`" in out
    assert "\\|" in out


def test_line_starts_cannot_become_headings_or_lists() -> None:
    assert md_inline("# Heading") == "\\# Heading"
    assert md_inline("- item") == "\\- item"
    assert md_inline("1. first") == "\\1. first"
    assert "\n" not in md_inline("two\n\n# lines")


def test_readable_converts_then_escapes() -> None:
    assert readable(r"When $k < n$: bounds") == "When k &lt; n: bounds"


def test_truncate_cuts_on_a_word_boundary() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("one two three four", 12) == "one two..."


def test_bidi_controls_and_invisible_characters_are_stripped_but_scripts_keep_their_joiners() -> None:
    from arxiv_pipeline.core.text import strip_control

    assert strip_control("a\u202eexe.txt\u202c b\u2066c\u2069 \u200fd") == "aexe.txt bc d"
    assert strip_control("Go\u200bog\u2060le \ufeffG\u200do\u200cod") == "Google Good"
    # Persian needs its zero-width non-joiner, and emoji sequences their joiner.
    assert strip_control("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb"
    )


def test_cut_for_display_says_where_and_how_much() -> None:
    from arxiv_pipeline.core.text import cut_for_display

    assert cut_for_display("short", 100, "title") == "short"
    cut = cut_for_display("word " * 1000, 100, "abstract")
    assert cut.startswith("word word") and len(cut) < 200
    assert cut.endswith("[abstract cut at 100 of 5,000 characters; the whole text is on arXiv]")


def test_the_readme_excerpt_keeps_the_result_sentence() -> None:
    from arxiv_pipeline.core.summarize.extractive import abstract_excerpt

    abstract = (
        "Large models are slow to serve. Batching helps but wastes memory on padding. "
        "We propose a paged cache that shares blocks between requests. It needs no retraining. "
        "On three serving benchmarks it raises throughput by 2.4x at equal latency. "
        "The cache is open source."
    )
    excerpt = abstract_excerpt(abstract, 90)
    assert excerpt.startswith("Large models are slow to serve. Batching helps")
    assert excerpt.endswith("[…] On three serving benchmarks it raises throughput by 2.4x at equal latency.")
    assert abstract_excerpt(abstract, 1000) == abstract
