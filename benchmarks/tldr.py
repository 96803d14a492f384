"""The offline TL;DR measured on real abstracts that people labelled sentence by sentence.

    .venv/bin/python benchmarks/tldr.py PATH/abstract_sentences.csv

The file is Scholar Inbox's abstract highlighting data (github.com/avg-dev/scholar_inbox_datasets,
data/abstract_sentences.csv: real arXiv abstracts with the spans users marked as problem, task,
idea or result). It carries no licence, so it is not in this repository: fetch it and pass its path.
For every abstract with a marked result: does the TL;DR quote it (the TL;DR should say what was
found), and does it quote only problem or task spans (the opening problem statement alone)? Beside
it, two simple baselines on the same abstracts: the first sentence, and the last.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from arxiv_pipeline.core.summarize.extractive import extract_summary, split_sentences

Span = tuple[int, int, str]


def load(path: Path) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            spans[row["abstract"]].append((int(row["start_idx"]), int(row["end_idx"]), row["label"]))
    return spans


def covered(abstract: str, quoted: str, spans: list[Span]) -> set[str]:
    """The labels of the spans that the quoted sentences overlap."""
    labels: set[str] = set()
    for sentence in split_sentences(quoted):
        start = abstract.find(sentence.rstrip("."))
        if start < 0:
            continue
        end = start + len(sentence)
        labels |= {label for a, b, label in spans if a < end and b > start}
    return labels


def measure(name: str, tldr_of: Callable[[str], str], data: dict[str, list[Span]]) -> None:
    with_result = [(a, s) for a, s in data.items() if any(label == "result" for *_, label in s)]
    says_result = problem_only = 0
    for abstract, spans in with_result:
        labels = covered(abstract, tldr_of(abstract), spans)
        says_result += "result" in labels
        problem_only += bool(labels) and labels <= {"problem", "task"}
    n = len(with_result)
    print(
        f"  {name:<34} quotes a result {says_result / n:6.1%}   only problem/task {problem_only / n:6.1%}"
        f"   ({n} abstracts with a marked result)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="abstract_sentences.csv from avg-dev/scholar_inbox_datasets")
    args = parser.parse_args()
    if not args.csv.is_file():
        print(f"{args.csv} is not a file; see this script's docstring for where to get it", file=sys.stderr)
        return 2
    data = load(args.csv)
    print(f"{len(data)} labelled abstracts from {args.csv.name}")
    measure("TL;DR (extract_summary)", lambda a: extract_summary(a).tldr, data)
    measure("baseline: the first sentence", lambda a: (split_sentences(a) or [""])[0], data)
    measure("baseline: the last sentence", lambda a: (split_sentences(a) or [""])[-1], data)
    measure("Result field (extract_summary)", lambda a: extract_summary(a).result, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
