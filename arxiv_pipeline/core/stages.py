"""One function per pipeline stage: read the day's input from the store, compute, write the
day's output back. Dagster assets call these and only add metadata; the CLI and tests can call
them directly too."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.digest import DigestDay, build_digest_day
from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.publish import export_day, render_feeds
from arxiv_pipeline.core.records import (
    cache_row,
    candidate_from_row,
    candidate_row,
    listing_from_row,
    listing_row,
    outcome_from_cache,
    score_row,
    summary_row,
)
from arxiv_pipeline.core.render import render_daily_digest, render_readme_digest
from arxiv_pipeline.core.scoring import (
    SCORER_NAME,
    SCORER_VERSION,
    PaperScore,
    combine_with_llm,
    keyword_scores,
)
from arxiv_pipeline.core.selection import Candidate, select_candidates
from arxiv_pipeline.core.site import DaySummary, render_day_page, render_index, static_files
from arxiv_pipeline.core.sources import PaperSource, source_from_config
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.core.summarizers import PaperText, Summarizer, summarizer_from_config

README_DIGEST = "readme"
DAILY_DIGEST = "daily"
DIGEST_FILES = {README_DIGEST: "README.md", DAILY_DIGEST: "daily_digest.md"}


@dataclass
class StageReport:
    """What a stage did, for logs and the UI."""

    rows: int
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    preview: str = ""
    paths: list[Path] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def config_hash(config: PipelineConfig) -> str:
    return hashlib.sha256(config.interests_fingerprint().encode()).hexdigest()[:16]


def fetch_listings(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    source: PaperSource | None = None,
) -> StageReport:
    start = time.perf_counter()
    source = source or source_from_config(config)
    # Fetch everything before touching the store: a failed fetch leaves stored days untouched.
    result = source.fetch_day(day, config.categories)
    rows = [
        {**listing_row(item), "source": result.source, "fetched_at": result.fetched_at, "run_id": run_id}
        for item in result.listings
    ]
    store.replace_day("arxiv_listings", day, rows)
    best: dict[str, Listing] = {}
    for item in result.listings:
        if item.arxiv_id not in best or item.version > best[item.arxiv_id].version:
            best[item.arxiv_id] = item
    store.upsert_papers(
        [
            {
                "arxiv_id": i.arxiv_id,
                "latest_version": i.version,
                "title": i.title,
                "primary_category": i.primary_category,
                "first_announced": day,
                "last_announced": day,
                "last_announce_type": i.announce_type,
                "replaced": i.version > 1,
                "updated_at": result.fetched_at,
            }
            for i in best.values()
        ]
    )
    store.replace_day(
        "feed_reports",
        day,
        [
            {
                "category": f.category,
                "status": f.status,
                "items": f.items,
                "detail": f.detail,
                "source": result.source,
                "fetched_at": result.fetched_at,
                "run_id": run_id,
            }
            for f in result.feeds
        ],
    )
    per_type: dict[str, int] = {}
    for item in result.listings:
        per_type[item.announce_type] = per_type.get(item.announce_type, 0) + 1
    return StageReport(
        rows=len(rows),
        counts={
            "unique_papers": result.unique_papers,
            "api_requests": result.api_requests,
            "by_announce_type": per_type,
            "feeds": {f.category: f"{f.status} ({f.items})" for f in result.feeds},
            "source": result.source,
            "no_announcement": bool(result.feeds) and all(f.status == "empty" for f in result.feeds),
            "replacements": sum(1 for i in best.values() if i.version > 1),
        },
        seconds=time.perf_counter() - start,
    )


def decide_candidates(config: PipelineConfig, day: date, store: Warehouse, run_id: str | None) -> StageReport:
    start = time.perf_counter()
    listings = [listing_from_row(r) for r in store.read_day("arxiv_listings", day)]
    candidates = select_candidates(listings, config, store.seen_before(day))
    decided_at, chash = _now(), config_hash(config)
    store.replace_day(
        "candidate_papers",
        day,
        [
            {**candidate_row(c), "config_hash": chash, "run_id": run_id, "decided_at": decided_at}
            for c in candidates
        ],
    )
    reasons: dict[str, int] = {}
    for c in candidates:
        key = c.reason or "kept"
        reasons[key] = reasons.get(key, 0) + 1
    return StageReport(
        rows=len(candidates),
        counts={"listed_rows": len(listings), "kept": reasons.get("kept", 0), "outcomes": reasons},
        seconds=time.perf_counter() - start,
    )


def _llm_rate(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    scores: list[PaperScore],
    candidates: list[Candidate],
    api_key: str | None,
    counts: dict[str, Any],
) -> list[PaperScore]:
    """Add LLM relevance/novelty to the best keyword hits, paying once per paper and interests."""
    from arxiv_pipeline.core.llm.client import ChatClient
    from arxiv_pipeline.core.ranking import LLMRanker

    chat = ChatClient(config.llm, api_key)
    ranker = LLMRanker(chat, config.ranking.batch_size)
    interests_hash = hashlib.sha256(config.ranking.interests.strip().encode()).hexdigest()[:16]
    by_id = {c.listing.arxiv_id: c.listing for c in candidates}
    pool = [
        PaperText(s.arxiv_id, s.version, by_id[s.arxiv_id].title, by_id[s.arxiv_id].abstract)
        for s in scores[: config.ranking.top_candidates]
    ]
    rows = store.query(
        "SELECT * FROM ranking_cache WHERE model = ? AND prompt_version = ? AND interests_hash = ? "
        "AND list_contains(?, arxiv_id || 'v' || version)",
        [chat.model, ranker.version, interests_hash, [p.versioned_id for p in pool]],
    )
    ratings = {r["arxiv_id"]: (r["relevance"], r["novelty"], r["reason"]) for r in rows}
    todo = [p for p in pool if p.arxiv_id not in ratings]
    fresh, errors = ranker.rate(todo, config.ranking.interests)
    now = _now()
    store.upsert(
        "ranking_cache",
        [
            {
                "arxiv_id": p.arxiv_id,
                "version": p.version,
                "model": chat.model,
                "prompt_version": ranker.version,
                "interests_hash": interests_hash,
                "relevance": fresh[p.arxiv_id][0],
                "novelty": fresh[p.arxiv_id][1],
                "reason": fresh[p.arxiv_id][2],
                "prompt_tokens": 0,
                "completion_tokens": 0,
                "created_at": now,
            }
            for p in todo
            if p.arxiv_id in fresh
        ],
    )
    ratings.update(fresh)
    counts.update(
        {"llm_rated": len(ratings), "llm_rating_cache_hits": len(rows), "llm_rating_failures": len(errors)}
    )
    counts.update(record_llm_calls(store, day, run_id, chat))
    return combine_with_llm(scores, ratings, errors, config)


def score_papers(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, api_key: str | None = None
) -> StageReport:
    start = time.perf_counter()
    candidates = [candidate_from_row(r) for r in store.read_day("candidate_papers", day)]
    scores = keyword_scores(candidates, config)
    counts: dict[str, Any] = {}
    scorer = SCORER_NAME
    api_key = api_key or config.llm_api_key()
    if config.ranking.llm_weight > 0:
        if api_key or config.summary.summarizer == "llm":
            scores = _llm_rate(config, day, store, run_id, scores, candidates, api_key, counts)
            scorer = f"{SCORER_NAME}+llm"
        else:
            counts["llm_ranking"] = "skipped: no API key in the environment"
    scored_at = _now()
    store.replace_day(
        "paper_scores",
        day,
        [
            {
                **score_row(s),
                "scorer": scorer,
                "scorer_version": SCORER_VERSION,
                "run_id": run_id,
                "scored_at": scored_at,
            }
            for s in scores
        ],
    )
    selected = [s for s in scores if s.selected]
    top = "\n".join(
        f"{s.rank}. {s.arxiv_id} — {s.score:g} ({', '.join(s.matched_keywords)})"
        + (
            f" — LLM {s.llm_relevance:g}/{s.llm_novelty:g}: {s.llm_reason}"
            if s.llm_relevance is not None
            else ""
        )
        for s in selected[:10]
    )
    counts.update(
        {
            "selected": len(selected),
            "below_cutoff": len(scores) - len(selected),
            "max_score": max((s.score for s in scores), default=0.0),
            "scorer": scorer,
        }
    )
    return StageReport(rows=len(scores), counts=counts, seconds=time.perf_counter() - start, preview=top)


def _cached(
    store: Warehouse, kind: str, model: str, prompt_version: str, language: str, papers: list[PaperText]
) -> dict[tuple[str, int], dict[str, Any]]:
    if not papers:
        return {}
    rows = store.query(
        "SELECT * FROM summary_cache WHERE kind = ? AND model = ? AND prompt_version = ? "
        "AND language = ? AND list_contains(?, arxiv_id || 'v' || version)",
        [kind, model, prompt_version, language, [p.versioned_id for p in papers]],
    )
    return {(r["arxiv_id"], r["version"]): r for r in rows}


def record_llm_calls(store: Warehouse, day: date, run_id: str | None, chat: Any) -> dict[str, Any]:
    """Store every call the run made and sum them up for the run's metadata."""
    from arxiv_pipeline.core.llm.client import UsageTotals

    calls = list(chat.calls)
    now = _now()
    store.append(
        "llm_calls",
        [
            {
                "announce_date": day,
                "run_id": run_id,
                "purpose": c.purpose,
                "paper_ids": c.paper_ids,
                "model": c.model,
                "status": c.status,
                "attempts": c.attempts,
                "prompt_tokens": c.prompt_tokens,
                "completion_tokens": c.completion_tokens,
                "seconds": c.seconds,
                "json_mode": c.json_mode,
                "recorded_at": now,
            }
            for c in calls
        ],
    )
    totals = UsageTotals.of(calls)
    cost = chat.estimated_cost(totals.prompt_tokens, totals.completion_tokens)
    return {
        "llm_calls": totals.calls,
        "llm_failed_calls": totals.failed_calls,
        "llm_attempts": totals.attempts,
        "prompt_tokens": totals.prompt_tokens,
        "completion_tokens": totals.completion_tokens,
        "estimated_cost_usd": round(cost, 6) if cost is not None else "no price configured",
        "model": chat.model,
        "json_mode": chat.json_mode,
    }


def summarize_papers(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    summarizer: Summarizer | None = None,
    api_key: str | None = None,
) -> StageReport:
    """Summarize the day's top papers; LLM answers come from the cache when already paid for."""
    start = time.perf_counter()
    summarizer = summarizer or summarizer_from_config(config, api_key)
    language = config.summary.language
    top = store.query(
        "SELECT s.rank, c.arxiv_id, c.version, c.title, c.abstract, c.primary_category "
        "FROM paper_scores s JOIN candidate_papers c USING (announce_date, arxiv_id) "
        "WHERE s.announce_date = ? AND s.selected ORDER BY s.rank LIMIT ?",
        [day, config.digest.summarize_top],
    )
    papers = [
        PaperText(r["arxiv_id"], r["version"], r["title"], r["abstract"], r["primary_category"]) for r in top
    ]
    rank_of = {r["arxiv_id"]: r["rank"] for r in top}
    chat = getattr(summarizer, "chat", None)
    counts: dict[str, Any] = {"summarizer": f"{summarizer.name} {summarizer.version}"}

    cached: dict[tuple[str, int], dict[str, Any]] = {}
    if chat is not None:
        cached = _cached(store, "structured", chat.model, summarizer.version, language, papers)
    misses = [p for p in papers if (p.arxiv_id, p.version) not in cached]
    fresh = {(o.arxiv_id, o.version): o for o in summarizer.summarize(misses, language)}
    if chat is not None:
        store.upsert(
            "summary_cache", [{**cache_row(o), "created_at": _now()} for o in fresh.values() if o.ok]
        )
    outcomes = [
        outcome_from_cache(cached[key], summarizer.name) if key in cached else fresh[key]
        for key in ((p.arxiv_id, p.version) for p in papers)
    ]

    # Long-form summaries for the very top, also paid for once.
    long_texts: dict[str, tuple[str | None, str | None]] = {}
    k = config.summary.long_summary_top if chat is not None else 0
    long_papers = [p for p, o in zip(papers, outcomes, strict=True) if o.ok][:k]
    if long_papers:
        long_version = summarizer.long_prompt.version  # type: ignore[attr-defined]
        hits = _cached(store, "long", chat.model, long_version, language, long_papers)
        todo = [p for p in long_papers if (p.arxiv_id, p.version) not in hits]
        results = summarizer.long_summaries(todo, language)  # type: ignore[attr-defined]
        store.upsert(
            "summary_cache",
            [
                {
                    "arxiv_id": p.arxiv_id,
                    "version": p.version,
                    "kind": "long",
                    "model": chat.model,
                    "prompt_version": long_version,
                    "language": language,
                    "long_summary": text,
                    "prompt_tokens": pt,
                    "completion_tokens": ct,
                    "created_at": _now(),
                }
                for p, (text, _err, pt, ct) in zip(todo, results, strict=True)
                if text
            ],
        )
        for p in long_papers:
            hit = hits.get((p.arxiv_id, p.version))
            if hit:
                long_texts[p.arxiv_id] = (hit["long_summary"], None)
        for p, (text, err, _pt, _ct) in zip(todo, results, strict=True):
            long_texts[p.arxiv_id] = (text, err)

    created_at = _now()
    store.replace_day(
        "paper_summaries",
        day,
        [
            {
                **summary_row(
                    o,
                    rank_of[o.arxiv_id],
                    cached=(o.arxiv_id, o.version) in cached,
                    long_summary=long_texts.get(o.arxiv_id, (None, None))[0],
                    long_error=long_texts.get(o.arxiv_id, (None, None))[1],
                ),
                "run_id": run_id,
                "created_at": created_at,
            }
            for o in outcomes
        ],
    )
    failed = [o for o in outcomes if not o.ok]
    counts.update(
        {
            "summarized": len(outcomes) - len(failed),
            "failed": len(failed),
            "cache_hits": len(cached),
            "long_summaries": sum(1 for t, _ in long_texts.values() if t),
        }
    )
    if chat is not None:
        counts.update(record_llm_calls(store, day, run_id, chat))
    else:
        counts.update({"llm_calls": 0, "prompt_tokens": 0, "completion_tokens": 0})
    if failed:
        counts["failures"] = {f"{o.arxiv_id}v{o.version}": o.error for o in failed}
    return StageReport(rows=len(outcomes), counts=counts, seconds=time.perf_counter() - start)


def load_digest_day(config: PipelineConfig, day: date, store: Warehouse) -> DigestDay:
    meta = store.query(
        "SELECT max(fetched_at) AS fetched_at, list(DISTINCT source ORDER BY source) AS sources "
        "FROM arxiv_listings WHERE announce_date = ?",
        [day],
    )[0]
    notes = [
        f"feed {r['category']}: {r['status']}" + (f" ({r['detail']})" if r["detail"] else "")
        for r in store.read_day("feed_reports", day, order_by="category")
        if r["status"] != "ok"
    ]
    return build_digest_day(
        config,
        day,
        candidates=store.read_day("candidate_papers", day),
        scores=store.read_day("paper_scores", day, order_by="rank"),
        summaries=store.read_day("paper_summaries", day),
        listings_meta=meta,
        feed_notes=notes,
    )


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a crash never leaves half a digest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish_markdown(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, kind: str
) -> StageReport:
    """Render one digest format for the day, store it, and write it under the output dir.

    The day's file lives in ``<output_dir>/<date>/``; the top-level copy always shows the newest
    day, so backfilling an old day never replaces today's page.
    """
    start = time.perf_counter()
    digest = load_digest_day(config, day, store)
    if kind == README_DIGEST:
        text = render_readme_digest(digest, config.digest.abstract_chars)
    elif kind == DAILY_DIGEST:
        text = render_daily_digest(digest)
    else:
        raise ValueError(f"unknown digest kind {kind!r}")
    name = DIGEST_FILES[kind]
    day_path = config.output_dir / day.isoformat() / name
    write_atomic(day_path, text)
    latest = store.latest_digest_day(kind)
    store.replace_day(
        "digests",
        day,
        [
            {
                "path": str(day_path),
                "content": text,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "papers": len(digest.papers),
                "run_id": run_id,
                "rendered_at": _now(),
            },
        ],
        where={"kind": kind},
    )
    paths = [day_path]
    if latest is None or day >= latest:
        latest_path = config.output_dir / name
        write_atomic(latest_path, text)
        paths.append(latest_path)
    if kind == README_DIGEST:
        store.mark_seen(day, [(p.arxiv_id, p.version) for p in digest.papers], run_id)
    preview = "\n".join(
        f"{p.rank}. **{p.title}** ({p.primary_category}, score {p.score:g})"
        + (f" — {p.summary.tldr}" if p.summary else "")
        for p in digest.papers[:5]
    )
    return StageReport(
        rows=len(digest.papers),
        counts={
            "papers": len(digest.papers),
            "summarized": digest.summarized,
            "failed_summaries": digest.failed_summaries,
            "bytes": len(text.encode()),
            "sections": len(digest.sections()),
        },
        seconds=time.perf_counter() - start,
        preview=preview,
        paths=paths,
    )


def _built_days(store: Warehouse) -> list[DaySummary]:
    rows = store.query("""
        SELECT c.announce_date AS d, count(*) AS listed,
               count(*) FILTER (WHERE s.selected) AS papers,
               count(*) FILTER (WHERE m.status = 'ok') AS summarized
        FROM candidate_papers c
        LEFT JOIN paper_scores s USING (announce_date, arxiv_id)
        LEFT JOIN paper_summaries m USING (announce_date, arxiv_id)
        GROUP BY c.announce_date ORDER BY c.announce_date DESC""")
    days = [DaySummary(r["d"], r["papers"], r["summarized"], r["listed"]) for r in rows]
    # Days without announcements have no candidates; they still get a page.
    empty = store.query("SELECT DISTINCT announce_date AS d FROM digests WHERE papers = 0")
    known = {d.announce_date for d in days}
    days += [DaySummary(r["d"], 0, 0, 0) for r in empty if r["d"] not in known]
    return sorted(days, key=lambda d: d.announce_date, reverse=True)


def _file_report(paths: list[Path], start: float, **counts: Any) -> StageReport:
    sizes = {
        str(p.name if p.parent.name != "assets" else f"assets/{p.name}"): p.stat().st_size for p in paths
    }
    return StageReport(
        rows=counts.pop("rows", len(paths)),
        counts={**counts, "bytes": sum(sizes.values()), "files": sizes},
        seconds=time.perf_counter() - start,
        paths=paths,
    )


def publish_export(config: PipelineConfig, day: date, store: Warehouse, run_id: str | None) -> StageReport:
    """``<day>/digest.json`` (the digest as data) and ``<day>/papers.jsonl`` (every paper of the
    day with every stored field, from the ``paper_digest`` view)."""
    start = time.perf_counter()
    digest = load_digest_day(config, day, store)
    rows = store.query(
        "SELECT * FROM paper_digest WHERE announce_date = ? ORDER BY rank NULLS LAST, arxiv_id", [day]
    )
    digest_json, papers_jsonl = export_day(digest, rows)
    folder = config.output_dir / day.isoformat()
    paths = [folder / "digest.json", folder / "papers.jsonl"]
    write_atomic(paths[0], digest_json)
    write_atomic(paths[1], papers_jsonl)
    return _file_report(paths, start, rows=len(rows), papers=len(digest.papers))


def publish_feeds(config: PipelineConfig, day: date, store: Warehouse, run_id: str | None) -> StageReport:
    """Atom and RSS feeds of the latest ``publish.feed_days`` days, into the site folder."""
    start = time.perf_counter()
    latest = [d.announce_date for d in _built_days(store)][: config.publish.feed_days]
    days = [load_digest_day(config, d, store) for d in latest]
    atom, rss = render_feeds(days, config.publish.site_title, config.publish.site_url)
    folder = config.output_dir / "site"
    paths = [folder / "feed.atom.xml", folder / "feed.rss.xml"]
    write_atomic(paths[0], atom.decode("utf-8"))
    write_atomic(paths[1], rss.decode("utf-8"))
    return _file_report(
        paths, start, rows=sum(len(d.papers) for d in days), days=[d.isoformat() for d in latest]
    )


def publish_site(config: PipelineConfig, day: date, store: Warehouse, run_id: str | None) -> StageReport:
    """The day's page, the index of all days, and the site's assets."""
    start = time.perf_counter()
    folder = config.output_dir / "site"
    digest = load_digest_day(config, day, store)
    title = config.publish.site_title
    files = {
        f"{day.isoformat()}.html": render_day_page(digest, title),
        "index.html": render_index(_built_days(store), title),
        **static_files(),
    }
    paths = []
    for rel, text in files.items():
        write_atomic(folder / rel, text)
        paths.append(folder / rel)
    return _file_report(paths, start, rows=len(digest.papers), papers=len(digest.papers))


def record_run_failure(
    store: Warehouse,
    run_id: str,
    job: str,
    partition: str | None,
    failed_steps: list[str],
    error: str,
    trigger: str | None,
) -> None:
    store.upsert(
        "run_failures",
        [
            {
                "run_id": run_id,
                "job": job,
                "partition": partition,
                "failed_steps": failed_steps,
                "error": error[:4000],
                "trigger": trigger,
                "failed_at": _now(),
            }
        ],
    )
