"""Full text: the day's top ``fulltext.top`` papers, each version fetched once and stored by id and
version; a failure is stored with its reasons and tried again by later runs (up to
``fulltext.max_attempts``), while the paper keeps its abstract summary."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.fulltext.fetch import FetchOutcome, FulltextSource
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse

OK, FAILED = "ok", "failed"


def fetch_fulltexts(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, source: FulltextSource
) -> StageReport:
    clock = Stopwatch()
    if not source.available:
        note = "the recording has no full texts (offline replay): summaries come from the abstracts"
        return StageReport(rows=0, counts={"papers": 0, "source": source.name, "note": note}, seconds=clock())
    top = store.papers_to_summarize(day, config.fulltext.top) if config.fulltext.top else []
    wanted = [(r["arxiv_id"], r["version"]) for r in top]
    stored = store.fulltexts(wanted)
    todo = [
        key
        for key in wanted
        if key not in stored
        or (stored[key]["status"] != OK and stored[key]["attempts"] < config.fulltext.max_attempts)
    ]
    outcomes: list[FetchOutcome] = []
    for arxiv_id, version in todo:
        outcome = source.fetch(f"{arxiv_id}v{version}")
        outcomes.append(outcome)
        # Stored as it arrives: a crash later in the day costs no fetch again.
        store.upsert(
            "paper_fulltext", [_row(arxiv_id, version, outcome, stored.get((arxiv_id, version)), run_id)]
        )
    rows = store.fulltexts(wanted)
    status = Counter(r["status"] for r in rows.values())
    sources = Counter(r["source"] for r in rows.values() if r["status"] == OK)
    counts: dict[str, Any] = {
        "papers": len(wanted),
        "with_fulltext": status.get(OK, 0),
        "from_html": sources.get("html", 0),
        "from_pdf": sources.get("pdf", 0),
        "fetched_now": sum(1 for o in outcomes if o.fulltext),
        "reused": len(wanted) - len(todo),
        "requests": sum(o.requests for o in outcomes),
        "bytes_downloaded": sum(o.size for o in outcomes),
        "source": source.name,
    }
    failures = {f"{a}v{v}": r["error"] for (a, v), r in rows.items() if r["status"] != OK}
    if failures:
        counts["failed"] = len(failures)
        counts["failures"] = failures
    preview = "\n".join(
        f"- {a}v{v}: "
        + (
            f"{r['source']}, {r['chars']:,} characters, sections: "
            + ", ".join(s["kind"] for s in json.loads(r["sections"]))
            if r["status"] == OK
            else f"none ({r['error']})"
        )
        for (a, v), r in rows.items()
    )
    return StageReport(rows=len(wanted), counts=counts, seconds=clock(), preview=preview)


def _row(
    arxiv_id: str, version: int, outcome: FetchOutcome, before: dict[str, Any] | None, run_id: str | None
) -> dict[str, Any]:
    fulltext = outcome.fulltext
    sections = (
        json.dumps([{"title": s.title, "kind": s.kind, "text": s.text} for s in fulltext.sections])
        if fulltext
        else None
    )
    return {
        "arxiv_id": arxiv_id,
        "version": version,
        "status": OK if fulltext else FAILED,
        "source": fulltext.source if fulltext else None,
        "url": outcome.url,
        "sections": sections,
        "chars": fulltext.chars if fulltext else 0,
        "bytes": outcome.size,
        "pages": fulltext.pages if fulltext else None,
        "sha256": outcome.sha256,
        "error": outcome.error,
        "attempts": (before["attempts"] if before else 0) + 1,
        "requests": (before["requests"] if before else 0) + outcome.requests,
        "run_id": run_id,
        "fetched_at": datetime.now(UTC),
    }
