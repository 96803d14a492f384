"""Ranking quality on real arXiv days, for real researchers' interests.

    .venv/bin/python -m benchmarks.ranking_real DIR [--test-days 20] [--readers 60]

DIR holds a daily-arXiv bot's record of real announcement days, one ``YYYY-MM-DD.jsonl`` a day:
github.com/dw-dengwei/daily-arXiv-ai-enhanced, branch ``data`` (``git archive data data | tar x``):
the arXiv API's titles, authors and abstracts (CC0) of every new cs.CV, cs.CL and cs.AI paper
from March 2025 to July 2026, about 300 a day. It is not in this repository; fetch it and pass
its folder.

The preferences are real too, though not ratings: each reader is a real author with at least
``--min-papers`` papers before the test days. Their library is those papers, as a researcher's own
library would hold them; the papers they want on the test days are the ones written by the people
they have published with before (their co-authors), a signal nobody here wrote. Their own new
papers are left out (nobody needs a digest to find those). Split by time, per reader, as Scholar
Inbox evaluates: everything before the last ``--test-days`` announcement days is history.

For each reader and ranking, on the test days:
- in the digest: the share of wanted papers that rank within the day's ``digest.max_papers`` (30),
  and balanced accuracy of that decision (wanted papers in, a sample of the others out);
- nDCG and P@10 over a rated list: the wanted papers and ``--negatives`` × as many others from the
  same days, the closest we have to Scholar Inbox's rated test papers.

Rankings, each through the pipeline's own functions (select → keyword scores → reader profile →
rank): the shipped keywords alone; the reader's own keywords (the five terms their library's titles
use most, against the history: a reader who wrote keywords for themselves); + library similarity
(tf-idf); + library and ratings (the classifier; the ratings are the history's co-author papers
as 👍 and as many others from the same days as 👎); + embeddings when the extra is installed. Not a
test: it prints figures, and beside them Scholar Inbox's published ones.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, PipelineConfig, load_config
from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.profile.reader import (
    EmbeddingRanker,
    KnownPaper,
    ProfileSettings,
    Ranker,
    TfidfRanker,
)
from benchmarks.ranking import REPO, ndcg_at, precision_at, ranked_scores, reader_config
from benchmarks.results import write_json

DIGEST_PAPERS = load_config(DEFAULT_CONFIG_PATH).digest.max_papers  # the shipped digest's length: 30
# Scholar Inbox (Flicke et al., 2025): per-user logistic regression on GTE-large embeddings of
# the papers a user rated, their later ratings held out; 500 users.
SCHOLAR_INBOX = {"balanced accuracy": 0.775, "nDCG": 0.84}
# Words too common in these categories' titles to say what a reader works on.
_COMMON = """a an and are as at be by for from in into is of on or our the to via with we this that
using based towards toward through learning model models method methods approach new large language
vision data task tasks network networks deep neural"""
STOPWORDS = frozenset(_COMMON.split())


@dataclass(frozen=True)
class RealPaper:
    arxiv_id: str
    day: date
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}"


def load_days(folder: Path) -> list[RealPaper]:
    """Every paper once, on the first day it was announced (weekend files repeat Friday's)."""
    seen: dict[str, RealPaper] = {}
    for path in sorted(folder.glob("????-??-??.jsonl")):
        day = date.fromisoformat(path.stem)
        if day.weekday() >= 5:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if r["id"] in seen or not r.get("summary"):
                continue
            seen[r["id"]] = RealPaper(
                r["id"], day, " ".join(r["title"].split()), " ".join(r["summary"].split()),
                tuple(r["authors"]), tuple(r["categories"]),
            )  # fmt: skip
    return sorted(seen.values(), key=lambda p: (p.day, p.arxiv_id))


def listing(p: RealPaper) -> Listing:
    return Listing(
        arxiv_id=p.arxiv_id,
        version=1,
        title=p.title,
        abstract=p.abstract,
        authors=list(p.authors),
        primary_category=p.categories[0],
        categories=list(p.categories),
        announce_type="new",
        listed_in=p.categories[0],
    )


@dataclass
class Reader:
    name: str
    library: list[RealPaper]
    circle: set[str]  # their co-authors in the history
    liked: list[RealPaper]  # history papers by the circle: the ratings' 👍
    wanted: list[RealPaper]  # test papers by the circle, not by the reader


def pick_readers(history: list[RealPaper], test: list[RealPaper], args: argparse.Namespace) -> list[Reader]:
    by_author: dict[str, list[RealPaper]] = defaultdict(list)
    for p in history:
        for a in p.authors:
            by_author[a].append(p)
    rng = random.Random(args.seed)
    names = sorted(a for a, ps in by_author.items() if len(ps) >= args.min_papers)
    rng.shuffle(names)
    readers = []
    for name in names:
        own = by_author[name]
        circle = {a for p in own for a in p.authors} - {name}
        wanted = [p for p in test if name not in p.authors and circle & set(p.authors)]
        liked = [p for p in history if name not in p.authors and circle & set(p.authors)]
        if len(wanted) >= args.min_wanted and len(liked) >= 5:
            readers.append(Reader(name, own[-args.library :], circle, liked, wanted))
        if len(readers) == args.readers:
            break
    return readers


def title_words(title: str) -> set[str]:
    words = {t.strip(".,:;()?!").lower() for t in title.split()}
    return {w for w in words if len(w) > 3 and w.isalpha() and w not in STOPWORDS}


def own_keywords(reader: Reader, document_frequency: Counter[str], n_docs: int) -> list[str]:
    """The five words the reader's titles use most, weighed by how rare they are in the history."""
    counts = Counter(w for p in reader.library for w in title_words(p.title))

    def weight(word: str) -> float:
        return counts[word] * math.log(n_docs / (1 + document_frequency[word]))

    return sorted(counts, key=weight, reverse=True)[:5]


def day_ranks(
    config: PipelineConfig, papers: list[RealPaper], reader: dict[str, Any] | None, kind: str
) -> dict[str, tuple[int, float]]:
    """Each paper's place on its day (1 = top) and score."""
    ranked = ranked_scores(config, [listing(p) for p in papers], reader, kind)
    return {s.arxiv_id: (s.rank, s.score) for s in ranked}


def config_for(keywords: list[str] | None, reader_weight: float | None = None) -> PipelineConfig:
    config = reader_config(require_keyword=False)
    data = config.model_dump()
    data["categories"] = ["cs.CV", "cs.CL", "cs.AI"]
    data["keywords"]["authors"] = []
    if reader_weight is not None:
        data["reader"]["weight"] = reader_weight
    if keywords is not None:
        data["keywords"]["include"] = keywords
        data["keywords"]["weights"] = {}
    return PipelineConfig.model_validate(data)


Ranked = dict[str, tuple[int, float]]  # arxiv id -> (place on its day, score)


def rank_days(
    config: PipelineConfig, days: dict[date, list[RealPaper]], reader: Any | None = None, kind: str = "none"
) -> Ranked:
    """Every day ranked on its own; ``reader``: each paper's ReaderScore, from ``profile_scores``."""
    out: Ranked = {}
    for papers in days.values():
        out.update(day_ranks(config, papers, reader, kind))
    return out


def profile_scores(profile: Any, days: dict[date, list[RealPaper]]) -> dict[str, Any]:
    scores: dict[str, Any] = {}
    for papers in days.values():
        scores.update(zip((p.arxiv_id for p in papers), profile.score([p.text for p in papers]), strict=True))
    return scores


def measure(
    ranked: Ranked,
    wanted: list[RealPaper],
    others: list[RealPaper],
    top: int,
    liked: dict[str, float] | None = None,
) -> dict[str, float]:
    """In the digest (top ``top`` of the day), the rated list's nDCG / P@10 / ROC AUC, and, given
    ``liked`` (the reader classifier's probability a paper is wanted), that classifier's own
    decision (p ≥ 0.5) on the rated list: Scholar Inbox's measure."""
    unranked = (10**9, float("-inf"))  # left out by the filters
    hit = [ranked.get(p.arxiv_id, unranked)[0] <= top for p in wanted]
    false = [ranked.get(p.arxiv_id, unranked)[0] <= top for p in others]
    # Ties (every paper no keyword names scores 0) fall in id order, which says nothing of who
    # wants a paper; wanted-first would score a ranking that cannot tell them apart as perfect.
    by_id = sorted(wanted + others, key=lambda p: p.arxiv_id)
    rated = sorted(by_id, key=lambda p: -ranked.get(p.arxiv_id, unranked)[1])
    relevant = {p.arxiv_id for p in wanted}
    order = [p.arxiv_id for p in rated]
    tpr, tnr = sum(hit) / len(hit), 1 - sum(false) / len(false)
    out = {
        "in_digest": tpr,
        "balanced_accuracy": (tpr + tnr) / 2,
        "ndcg": ndcg_at(order, relevant, len(order)),
        "p@10": precision_at(order, relevant, 10),
        "auc": auc([ranked.get(p.arxiv_id, unranked)[1] for p in wanted],
                   [ranked.get(p.arxiv_id, unranked)[1] for p in others]),
    }  # fmt: skip
    if liked is not None:
        tpr = sum(liked.get(p.arxiv_id, 0.0) >= 0.5 for p in wanted) / len(wanted)
        tnr = sum(liked.get(p.arxiv_id, 0.0) < 0.5 for p in others) / len(others)
        out["classifier_balanced_accuracy"] = (tpr + tnr) / 2
    return out


def auc(positives: list[float], negatives: list[float]) -> float:
    """The chance that a wanted paper scores above another one (ties count half)."""
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs)


def known_for(
    reader: Reader, history: list[RealPaper], rng: random.Random, ratings: int, background: int
) -> list[KnownPaper]:
    known = [KnownPaper(p.arxiv_id, p.title, p.text, "library", p.day) for p in reader.library]
    taken = {p.arxiv_id for p in reader.library}
    if ratings:
        ups = reader.liked[-ratings:]
        days = {p.day for p in ups}
        pool = [
            p
            for p in history
            if p.day in days and p.arxiv_id not in taken and not reader.circle & set(p.authors)
        ]
        downs = rng.sample(pool, min(len(pool), len(ups)))
        known += [KnownPaper(p.arxiv_id, p.title, p.text, "up", p.day) for p in ups]
        known += [KnownPaper(p.arxiv_id, p.title, p.text, "down", p.day) for p in downs]
        taken |= {p.arxiv_id for p in ups + downs}
    rest = [p for p in history if p.arxiv_id not in taken]
    known += [
        KnownPaper(p.arxiv_id, p.title, p.text, "background")
        for p in rng.sample(rest, min(background, len(rest)))
    ]
    return known


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    papers = load_days(args.data)
    days = sorted({p.day for p in papers})
    test_from = days[-args.test_days]
    history = [p for p in papers if p.day < test_from]
    test = [p for p in papers if p.day >= test_from]
    readers = pick_readers(history, test, args)
    frequency = Counter(w for p in history for w in title_words(p.title))
    rankers: list[tuple[str, Ranker]] = [("tf-idf", TfidfRanker())]
    try:
        import sentence_transformers  # noqa: F401

        rankers.append(("embeddings", EmbeddingRanker(memo_size=200_000)))  # a day, once for all readers
    except ImportError:
        pass
    shipped = config_for(None)
    sweep = [
        (ProfileSettings(min_ratings=m, half_life_days=h, today=test_from), h, m)
        for h in args.half_lives or [shipped.reader.half_life_days]
        for m in args.min_ratings or [shipped.reader.min_ratings]
    ]
    rng = random.Random(args.seed)
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    fit_seconds: dict[str, list[float]] = defaultdict(list)
    shipped_ranks: dict[date, Ranked] = {}
    for reader in readers:
        own_ids = {p.arxiv_id for p in test if reader.name in p.authors}
        by_day: dict[date, list[RealPaper]] = defaultdict(list)
        for p in test:
            if p.arxiv_id not in own_ids:
                by_day[p.day].append(p)
        wanted_ids = {p.arxiv_id for p in reader.wanted}
        pool = [p for p in test if p.arxiv_id not in own_ids | wanted_ids]
        others = rng.sample(pool, min(len(pool), args.negatives * len(reader.wanted)))
        top = DIGEST_PAPERS
        ranked = {}
        for day in by_day:  # the shipped keywords rank a day the same for every reader
            if day not in shipped_ranks:
                shipped_ranks[day] = rank_days(shipped, {day: [p for p in test if p.day == day]})
            ranked.update(shipped_ranks[day])
        rows["shipped keywords only"].append(measure(ranked, reader.wanted, others, top))
        keywords = own_keywords(reader, frequency, len(history))
        mine = config_for(keywords)
        rows["your keywords only"].append(measure(rank_days(mine, by_day), reader.wanted, others, top))
        for name, ranker in rankers:
            for what, ratings in (("library", 0), ("library + ratings", args.ratings)):
                known = known_for(reader, history, random.Random(args.seed), ratings, args.background)
                for settings, half_life, min_ratings in sweep:
                    started = time.perf_counter()
                    profile = ranker.fit(known, settings)
                    fit_seconds[f"{name}: {what}"].append(time.perf_counter() - started)
                    scored = profile_scores(profile, by_day)
                    for weight in args.weights:
                        label = f"your keywords + {name} {what} ({profile.kind})"
                        if len(args.weights) > 1:
                            label += f", weight {weight:g}"
                        if len(sweep) > 1:
                            label += f", half-life {half_life:g} d, min_ratings {min_ratings}"
                        ranked = rank_days(config_for(keywords, weight), by_day, scored, profile.kind)
                        liked = {i: r.value for i, r in scored.items()} if profile.kind == "learned" else None
                        rows[label].append(measure(ranked, reader.wanted, others, top, liked))
    return {
        "data": {
            "papers": len(papers),
            "days": len(days),
            "first_day": days[0].isoformat(),
            "test_from": test_from.isoformat(),
            "last_day": days[-1].isoformat(),
            "test_papers": len(test),
        },
        "readers": len(readers),
        "wanted_per_reader": statistics.median(len(r.wanted) for r in readers) if readers else 0,
        "library_per_reader": statistics.median(len(r.library) for r in readers) if readers else 0,
        "rankings": {
            name: {k: round(statistics.mean(m[k] for m in ms), 3) for k in ms[0]} for name, ms in rows.items()
        },
        "fit_s": {k: round(statistics.median(v), 2) for k, v in fit_seconds.items()},
        "scholar_inbox": SCHOLAR_INBOX,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder of the bot's YYYY-MM-DD.jsonl files")
    parser.add_argument("--test-days", type=int, default=20)
    parser.add_argument("--readers", type=int, default=60)
    parser.add_argument("--min-papers", type=int, default=5, help="papers a reader wrote in the history")
    parser.add_argument("--min-wanted", type=int, default=3, help="co-author papers on the test days")
    parser.add_argument("--library", type=int, default=30, help="their newest papers in the library")
    parser.add_argument("--ratings", type=int, default=20, help="👍 (and as many 👎) from the history")
    parser.add_argument(
        "--negatives", type=int, default=4, help="other papers per wanted one in the rated list"
    )
    parser.add_argument("--background", type=int, default=2000)
    parser.add_argument(
        "--weights",
        type=lambda t: [float(w) for w in t.split(",")],
        default=None,
        help="reader.weight values to compare (default: the shipped one)",
    )
    parser.add_argument(
        "--half-lives",
        type=lambda t: [float(w) for w in t.split(",")],
        default=None,
        help="reader.half_life_days values to compare (default: the shipped one)",
    )
    parser.add_argument(
        "--min-ratings",
        type=lambda t: [int(w) for w in t.split(",")],
        default=None,
        help="reader.min_ratings values to compare (default: the shipped one)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=REPO / "test-artifacts" / "ranking_real.json")
    args = parser.parse_args()
    args.weights = args.weights or [load_config(DEFAULT_CONFIG_PATH).reader.weight]
    started = time.perf_counter()
    result = evaluate(args)
    d = result["data"]
    print(
        f"Real arXiv days: {d['papers']} papers on {d['days']} announcement days, {d['first_day']} to "
        f"{d['last_day']}; test days from {d['test_from']} ({d['test_papers']} papers).\n"
        f"{result['readers']} readers (real authors): library {result['library_per_reader']} of their "
        f"papers, {result['wanted_per_reader']} co-author papers wanted on the test days (medians)."
    )
    si = result["scholar_inbox"]
    base = result["rankings"]["shipped keywords only"]["in_digest"] or float("nan")
    print(
        f"\n  {'ranking':<54} {'in digest':>9} {'× keywords':>10} {'bal.acc':>8} {'nDCG':>6} {'P@10':>6} "
        f"{'AUC':>6} {'clf.bal.acc':>11}"
    )
    for name, m in result["rankings"].items():
        classifier = m.get("classifier_balanced_accuracy")
        print(
            f"  {name:<54} {m['in_digest']:>9.2f} {m['in_digest'] / base:>9.1f}× "
            f"{m['balanced_accuracy']:>8.3f} {m['ndcg']:>6.3f} {m['p@10']:>6.2f} {m['auc']:>6.3f} "
            + (f"{classifier:>11.3f}" if classifier is not None else f"{'':>11}")
        )
    print(
        f"  {'Scholar Inbox, published (anchor)':<54} {'':>9} {'':>10} {'':>8} "
        f"{si['nDCG']:>6.2f} {'':>6} {'':>6} {si['balanced accuracy']:>11.3f}\n"
        "  Target: well above the shipped keywords, and within reach of the anchor. The anchor's\n"
        "  protocol is not ours: GTE-large embeddings and per-user logistic regression on 500 users'\n"
        "  own 👍/👎, later ratings held out; here the wanted papers are co-authors' (no one rated\n"
        "  anything). bal.acc is of the digest's decision (in the day's top 30 or not); clf.bal.acc\n"
        "  is the reader classifier's own (p ≥ 0.5) on the rated list, the anchor's kind of decision;\n"
        "  AUC is over the rated list."
    )
    print("\n  Fit time (median): " + ", ".join(f"{k} {v:.2f} s" for k, v in result["fit_s"].items()))
    print(f"  Wall time: {time.perf_counter() - started:.0f} s")
    write_json(args.output, result)


if __name__ == "__main__":
    main()
