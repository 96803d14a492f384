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
