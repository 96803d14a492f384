"""A small picture of the day for the run's metadata: papers per category and the score spread.

Written as SVG by hand: two bar charts need no plotting library, and matplotlib's import and
layout cost about 1.5 s of every run's wall time for this one picture.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from arxiv_pipeline.core.publish.digest import DigestDay

WIDTH, HEIGHT = 700, 260
PANEL = 330  # each panel's width; the left one leaves room for category names
BAR_COLOR, HIST_COLOR, TEXT = "#b31b1b", "#4a6fa5", "#222222"


def _text(
    x: float, y: float, text: str, size: int = 11, anchor: str = "start", weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{TEXT}">{escape(text)}</text>'
    )


def _category_bars(day: DigestDay) -> list[str]:
    per_cat = Counter(p.section for p in day.papers)
    rows = per_cat.most_common() or [("(none)", 0)]
    label_w, top, bottom = 110, 40, HEIGHT - 20
    step = (bottom - top) / len(rows)
    most = max(n for _, n in rows) or 1
    parts = [_text(PANEL / 2, 20, f"Papers per category ({len(day.papers)})", 13, "middle", "bold")]
    for i, (cat, n) in enumerate(rows):
        y = top + i * step
        width = (PANEL - label_w - 30) * n / most
        height = max(step * 0.7, 1)
        parts.append(_text(label_w - 6, y + height / 2 + 4, cat, 10, "end"))
        parts.append(
            f'<rect x="{label_w}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{BAR_COLOR}"/>'
        )
        parts.append(_text(label_w + width + 4, y + height / 2 + 4, str(n), 10))
    return parts


def _score_histogram(day: DigestDay, bins: int = 12) -> list[str]:
    scores = [p.score for p in day.papers] or [0.0]
    low, high = min(scores), max(scores)
    bins = min(bins, max(1, len(set(scores))))
    span = (high - low) or 1.0
    counts = [0] * bins
    for s in scores:
        counts[min(int((s - low) / span * bins), bins - 1)] += 1
    left, top, bottom = PANEL + 60, 40, HEIGHT - 40
    plot_w = WIDTH - left - 20
    most = max(counts) or 1
    parts = [_text(left + plot_w / 2, 20, "Scores of the selected papers", 13, "middle", "bold")]
    for i, n in enumerate(counts):
        height = (bottom - top) * n / most
        x = left + i * plot_w / bins
        parts.append(
            f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{plot_w / bins - 2:.1f}" '
            f'height="{height:.1f}" fill="{HIST_COLOR}"><title>{n}</title></rect>'
        )
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="{TEXT}"/>')
    parts.append(_text(left, bottom + 14, f"{low:g}", 10))
    parts.append(_text(left + plot_w, bottom + 14, f"{high:g}", 10, "end"))
    parts.append(_text(left + plot_w / 2, bottom + 28, "score", 10, "middle"))
    parts.append(_text(left - 6, top + 8, str(most), 10, "end"))
    return parts


def digest_chart_svg(day: DigestDay) -> str:
    """The chart as a standalone SVG document (every text from the data escaped)."""
    body = "\n".join([*_category_bars(day), *_score_histogram(day)])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">\n'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>\n{body}\n</svg>\n'
    )
