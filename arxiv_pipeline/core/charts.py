"""A small picture of the day for the run's metadata: papers per category and the score spread."""

from __future__ import annotations

import io
from collections import Counter

from arxiv_pipeline.core.digest import DigestDay


def digest_chart_png(day: DigestDay) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display anywhere this runs
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 2.6), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2)
    per_cat = Counter(p.section for p in day.papers)
    cats = [c for c, _ in per_cat.most_common()] or ["(none)"]
    left.barh(cats[::-1], [per_cat.get(c, 0) for c in cats[::-1]], color="#b31b1b")
    left.set_title(f"Papers per category ({len(day.papers)})", fontsize=10)
    left.tick_params(labelsize=8)
    scores = [p.score for p in day.papers]
    right.hist(scores or [0], bins=min(12, max(1, len(set(scores)))), color="#4a6fa5")
    right.set_title("Scores of the selected papers", fontsize=10)
    right.set_xlabel("score", fontsize=8)
    right.tick_params(labelsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
