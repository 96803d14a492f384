"""Full texts: fetching and extracting through the polite session against a local server, the PDF
extractors compared on the same bytes, and a day summarized from full texts."""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from arxiv_pipeline_tests.synthetic_days import synthetic_papers, write_day
from benchmarks.pipeline.harness import bench_config, materialize_days

FULLTEXT_PAPERS = 50


def _serve_fulltext(conn: Any, ids: list[str], pdf_only: set[str]) -> None:
    from arxiv_pipeline_tests.fakes.fulltext_server import FakeFulltext

    # The weight of a typical arXiv paper: a PDF of ~0.5 MB with figures, an HTML page of a few
    # hundred KB (mostly MathML), ~40,000 characters of text.
    with FakeFulltext(paragraphs=12, figures=1, equations=4) as server:
        for vid in ids:
            if vid in pdf_only:
                server.fault(vid, "no_html")
            server.document("pdf" if vid in pdf_only else "html", vid)  # made before any clock starts
        conn.send((server.html_url, server.pdf_url))
        while conn.recv() == "requests":
            conn.send(sum(server.requests.values()))


class FulltextServerApart:
    """The full-text server in a child process, so this process's peak memory is the fetching and
    extraction alone (generating the PDFs with fpdf2 takes more than reading them)."""

    def __init__(self, ids: list[str], pdf_only: set[str]) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve_fulltext, args=(child, ids, pdf_only), daemon=True)
        self._proc.start()
        self.html_url, self.pdf_url = self._conn.recv()

    def requests(self) -> int:
        self._conn.send("requests")
        return self._conn.recv()

    def __enter__(self) -> FulltextServerApart:
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._proc.join(timeout=30)


def _compare_pdf_extractors(pdfs: list[bytes]) -> dict[str, Any]:
    """pypdf (what we ship) against the other maintained extractors, when they are installed:
    milliseconds a paper, and papers whose introduction, method, results and conclusion were all
    found by the same section splitter."""
    import io

    from arxiv_pipeline.core.fulltext.pdf import split_sections

    def with_pypdf(data: bytes) -> str:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

    def with_pdfminer(data: bytes) -> str:
        from pdfminer.high_level import extract_text

        return extract_text(io.BytesIO(data))

    def with_pdfium(data: bytes) -> str:
        import pypdfium2

        document = pypdfium2.PdfDocument(data)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    found: dict[str, Any] = {}
    for name, extract in (("pypdf", with_pypdf), ("pdfminer.six", with_pdfminer), ("pypdfium2", with_pdfium)):
        try:
            extract(pdfs[0])  # imports and first-call set-up, outside the clock
        except ImportError:
            found[name] = "not installed"
            continue
        started = time.perf_counter()
        texts = [extract(data) for data in pdfs]
        seconds = time.perf_counter() - started
        main = {"introduction", "method", "results", "conclusion"}
        complete = sum(main <= {s.kind for s in split_sections(text)} for text in texts)
        found[name] = {"ms_per_paper": 1000 * seconds / len(pdfs), "all_main_sections": complete}
    return found


def _fetch_figures(
    server: FulltextServerApart, ids: list[str], pdf_only: set[str]
) -> tuple[dict[str, Any], list[bytes]]:
    """Each paper fetched and extracted through the polite session, timed against downloading the
    same bytes alone; and the PDFs, for the extractors' comparison."""
    import requests

    from arxiv_pipeline.core.fulltext.fetch import HttpFulltext
    from arxiv_pipeline.core.ingest.http import PoliteSession, user_agent

    session = PoliteSession(
        user_agent(None),
        min_interval_s=0,
        timeout_s=30,
        max_attempts=3,
        backoff_base_s=0.1,
        expect_feed=False,
    )
    source = HttpFulltext(server.html_url, server.pdf_url, 30_000_000, 60, session)
    timings: dict[str, list[float]] = {"html": [], "pdf": []}
    download: dict[str, list[float]] = {"html": [], "pdf": []}
    sizes: dict[str, list[int]] = {"html": [], "pdf": []}
    pages, complete = [], 0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for vid in ids:
        kind = "pdf" if vid in pdf_only else "html"
        started = time.perf_counter()
        outcome = source.fetch(vid)
        timings[kind].append(time.perf_counter() - started)
        assert outcome.fulltext is not None, outcome.error
        sizes[kind].append(outcome.size)
        if kind == "pdf":
            pages.append(outcome.fulltext.pages or 0)
        kinds = set(outcome.fulltext.kinds())
        complete += {"introduction", "method", "results", "conclusion"} <= kinds and not any(
            s.kind in ("references", "appendix") for s in outcome.fulltext.sections
        )
    # The baseline: the same requests with nothing done to what comes back.
    pdfs: list[bytes] = []
    with requests.Session() as plain:
        for vid in ids:
            kind = "pdf" if vid in pdf_only else "html"
            started = time.perf_counter()
            got = plain.get((server.pdf_url if kind == "pdf" else server.html_url).format(vid)).content
            if kind == "pdf":
                pdfs.append(got)
                plain.get(server.html_url.format(vid)).content  # noqa: B018 (the 404 comes first)
            download[kind].append(time.perf_counter() - started)
    out: dict[str, Any] = {"papers": len(ids)}
    for kind in ("html", "pdf"):
        out[f"{kind}_papers"] = len(timings[kind])
        out[f"{kind}_ms_per_paper"] = 1000 * sum(timings[kind]) / len(timings[kind])
        out[f"{kind}_download_only_ms_per_paper"] = 1000 * sum(download[kind]) / len(download[kind])
        out[f"{kind}_kb_per_paper"] = sum(sizes[kind]) / len(sizes[kind]) / 1024
    out |= {
        "pdf_pages_per_paper": sum(pages) / len(pages),
        "with_all_main_sections_and_no_references": complete,
        "peak_rss_mb_before": rss_before,
        "peak_rss_mb_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return out, pdfs


def _day_figures(
    root: Path,
    today: date,
    latency: float,
    args: argparse.Namespace,
    server: FulltextServerApart,
    papers: list[Any],
) -> dict[str, Any]:
    """The day whose top half is summarized from full texts, then the same day again."""
    from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
    from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

    n = len(papers) // 2
    rec = root / "recordings"
    write_day(rec, today, papers)
    before = server.requests()
    with FakeArxiv(today.isoformat(), root=rec) as arxiv, FakeOpenAI(latency_s=latency) as llm:
        config = bench_config(root, arxiv.base_url, llm.base_url, 2 * n, "llm", args.concurrency)
        data = yaml.safe_load(config.read_text())
        data["fulltext"] = {"top": n, "html_url": server.html_url, "pdf_url": server.pdf_url}
        config.write_text(yaml.safe_dump(data))
        first = materialize_days(config, [today])
        fetched = server.requests() - before
        calls = llm.calls
        again = materialize_days(config, [today])
        return {
            "papers": 2 * n,
            "fulltext_top": n,
            "wall_s": first["wall_s"],
            "fulltext_step_s": first["asset_s"].get("paper_fulltext", 0.0),
            "summaries_step_s": first["asset_s"].get("paper_summaries", 0.0),
            "fulltext_requests": fetched,
            "llm_calls": calls,
            "rerun_wall_s": again["wall_s"],
            "rerun_fulltext_requests": server.requests() - before - fetched,
            "rerun_llm_calls": llm.calls - calls,
        }


def fulltext(root: Path, today: date, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    """Full texts: fetch and extract 50 papers (half with an HTML rendering, half PDF only) through
    the polite session against a local server, timed per paper against downloading the same bytes
    alone; then a day whose top 50 are summarized from their full texts and the rest from their
    abstracts (LLM tokens of each), and the same day again (fetches and LLM calls made: 0)."""
    import duckdb

    n = FULLTEXT_PAPERS
    papers = synthetic_papers(2 * n, today, seed=11)
    ids = [f"{p.arxiv_id}v1" for p in papers]
    pdf_only = set(ids[1::2])  # every other paper has no HTML rendering: 404, then the PDF
    with FulltextServerApart(ids, pdf_only) as server:
        fetch, pdfs = _fetch_figures(server, ids[:n], pdf_only)
        out: dict[str, Any] = {"fetch": fetch, "pdf_extractors": _compare_pdf_extractors(pdfs)}
        out["day"] = _day_figures(root, today, latency, args, server, papers)
    with duckdb.connect(str(root / "bench.duckdb"), read_only=True) as db:
        rows = db.execute(
            "SELECT purpose, count(*), avg(prompt_tokens), avg(completion_tokens) FROM llm_calls "
            "GROUP BY purpose ORDER BY purpose"
        ).fetchall()
        sources = dict(db.execute("SELECT source, count(*) FROM paper_summaries GROUP BY source").fetchall())
    out["tokens"] = {
        purpose: {"calls": c, "prompt_per_call": p, "completion_per_call": q} for purpose, c, p, q in rows
    }
    out["summary_sources"] = sources
    out["papers"] = 2 * n
    return out
