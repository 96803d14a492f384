"""The real-days ranking benchmark (benchmarks/ranking_real.py) run end to end on a small folder
in the daily-arXiv bot's format, with research groups planted: its figures come out, each in
0..1, and a reader's library and ratings find their co-authors' papers where the shipped
keywords cannot."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from benchmarks.ranking_real import auc

ROOT = Path(__file__).resolve().parents[1]
TOPICS = [
    "glacier calving seismic tremor ice shelf fracture",
    "protein folding contact map coevolution residue",
    "sign language gloss handshape signer video",
    "coral reef bleaching thermal stress imagery",
    "legal contract clause retrieval statute citation",
    "choir singing pitch drift vocal ensemble",
]
CATEGORIES = ["cs.CV", "cs.CL", "cs.AI"]
FILLER = ["we", "propose", "study", "results", "show", "improves", "analysis", "framework", "dataset"]


def write_days(folder: Path, days: int = 30, seed: int = 3) -> None:
    rng = random.Random(seed)
    groups = [[f"Author {g}-{k}" for k in range(4)] for g in range(len(TOPICS))]
    day, written, number = date(2026, 3, 2), 0, 0
    while written < days:
        if day.weekday() < 5:
            lines = []
            for g, topic in enumerate(TOPICS):  # each group writes on its topic every day
                words = topic.split()
                lines.append((rng.sample(groups[g], 2), words, rng.choice(CATEGORIES)))
            anything = " ".join(TOPICS).split()
            for _ in range(84):  # everybody else, on anything: the digest (30) takes a third of the day
                lines.append(
                    ([f"Someone {rng.randrange(400)}"], rng.sample(anything, 4), rng.choice(CATEGORIES))
                )
            rng.shuffle(lines)  # ties keep the feed's order, which must not favour anyone
            with (folder / f"{day.isoformat()}.jsonl").open("w", encoding="utf-8") as out:
                for authors, words, category in lines:
                    number += 1
                    title = " ".join(rng.sample(words, 4)).capitalize()
                    summary = " ".join(rng.choice(words + FILLER) for _ in range(40)) + "."
                    paper = {"id": f"2603.{number:05d}", "title": title, "summary": summary,
                             "authors": authors, "categories": [category]}  # fmt: skip
                    out.write(json.dumps(paper) + "\n")
            written += 1
        day += timedelta(days=1)


def test_auc_counts_the_pairs_a_ranking_gets_right() -> None:
    assert auc([3.0, 2.0], [1.0, 0.0]) == 1.0
    assert auc([0.0], [1.0, 2.0]) == 0.0
    assert auc([1.0], [1.0, 0.0]) == 0.75


@pytest.mark.slow
def test_the_real_days_benchmark_runs_on_a_small_folder(tmp_path: Path) -> None:
    write_days(tmp_path)
    output = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ranking_real", str(tmp_path), "--readers", "3",
         "--test-days", "5", "--min-papers", "5", "--background", "300", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Scholar Inbox, published (anchor)" in done.stdout
    result = json.loads(output.read_text())
    assert result["readers"] == 3
    rankings = result["rankings"]
    for figures in rankings.values():
        assert all(0.0 <= v <= 1.0 for v in figures.values()), figures
    learned = next(v for k, v in rankings.items() if "ratings" in k and "learned" in k)
    shipped = rankings["shipped keywords only"]
    # The planted groups write on topics no shipped keyword names; their words are the signal.
    assert learned["auc"] > 0.9 and shipped["auc"] < 0.7, (learned, shipped)
    assert learned["classifier_balanced_accuracy"] > 0.8
    assert learned["in_digest"] > shipped["in_digest"]
    # Every paper ties at 0 for the shipped keywords; a tie must not rank the wanted ones first.
    assert shipped["ndcg"] < 0.8 and shipped["p@10"] < 0.5, shipped
