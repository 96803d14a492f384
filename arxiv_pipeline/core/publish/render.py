"""Markdown renderers for the two digest formats our users already read."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined

from arxiv_pipeline.core.publish.digest import DigestDay
from arxiv_pipeline.core.summarize.extractive import abstract_excerpt
from arxiv_pipeline.core.text import latex_to_text, md_block, md_inline, readable, truncate


def _author_list(authors: Sequence[str], limit: int) -> str:
    shown = ", ".join(md_inline(a) for a in authors[:limit])
    extra = len(authors) - limit
    return f"{shown} and {extra} more" if extra > 0 else shown


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("arxiv_pipeline.core.publish", "templates"),
        autoescape=False,  # markdown, not HTML: every untrusted value goes through `md`
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = readable
    env.filters["md_trunc"] = lambda text, n: md_inline(truncate(latex_to_text(text or ""), n))
    env.filters["md_excerpt"] = lambda text, n: md_inline(abstract_excerpt(latex_to_text(text or ""), n))
    env.filters["author_list"] = _author_list
    env.filters["md_block"] = md_block
    return env


_ENV = _environment()


def templates_version() -> str:
    """A hash of every template and static file: changes when any rendered output could."""
    root = resources.files("arxiv_pipeline.core.publish")
    digest = hashlib.sha256()
    for folder in ("templates", "templates/site", "static"):
        for item in sorted(root.joinpath(folder).iterdir(), key=lambda f: f.name):
            if item.is_file():
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:12]


def render_readme_digest(day: DigestDay, abstract_chars: int = 300, authors_shown: int = 12) -> str:
    """README-style: statistics, ranked papers with collapsible summaries, configuration."""
    return _ENV.get_template("readme_digest.md.j2").render(
        day=day, abstract_chars=abstract_chars, authors_shown=authors_shown
    )


def render_daily_digest(day: DigestDay, authors_shown: int = 12) -> str:
    """Per-category: a table of contents with totals, then each category's papers."""
    return _ENV.get_template("daily_digest.md.j2").render(
        day=day, sections=day.sections(), authors_shown=authors_shown
    )
