"""Markdown renderers for the two digest formats our users already read."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined

from arxiv_pipeline.core.digest import DigestDay
from arxiv_pipeline.core.text import latex_to_text, md_block, md_inline, readable, truncate


def _author_list(authors: Sequence[str], limit: int) -> str:
    shown = ", ".join(md_inline(a) for a in authors[:limit])
    extra = len(authors) - limit
    return f"{shown} and {extra} more" if extra > 0 else shown


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("arxiv_pipeline.core", "templates"),
        autoescape=False,  # markdown, not HTML: every untrusted value goes through `md`
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = readable
    env.filters["md_trunc"] = lambda text, n: md_inline(truncate(latex_to_text(text or ""), n))
    env.filters["author_list"] = _author_list
    env.filters["md_block"] = md_block
    return env


_ENV = _environment()


def render_readme_digest(day: DigestDay, abstract_chars: int = 300) -> str:
    """README-style: statistics, ranked papers with collapsible summaries, configuration."""
    return _ENV.get_template("readme_digest.md.j2").render(day=day, abstract_chars=abstract_chars)


def render_daily_digest(day: DigestDay) -> str:
    """Per-category: a table of contents with totals, then each category's papers."""
    return _ENV.get_template("daily_digest.md.j2").render(day=day, sections=day.sections())
