"""Publish: the day's digests, its export and its web page, and the all-days feeds and site index."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.digest import DigestDay, build_digest_day
from arxiv_pipeline.core.publish import FEED_FILES, export_day, render_feeds
from arxiv_pipeline.core.render import render_daily_digest, render_readme_digest
from arxiv_pipeline.core.site import (
    DaySummary,
    days_script,
    neighbours,
    render_day_page,
    render_index,
    static_files,
)
from arxiv_pipeline.core.stages import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse

README_DIGEST = "readme"
DAILY_DIGEST = "daily"
DIGEST_FILES = {README_DIGEST: "README.md", DAILY_DIGEST: "daily_digest.md"}
SITE_DIR = "site"


# What a day's digest is built from; its rows' fingerprint tells when a loaded digest is stale.
DIGEST_SOURCES = ("arxiv_listings", "feed_reports", "candidate_papers", "paper_scores", "paper_summaries")
_LOADED: OrderedDict[tuple[str, date, str, str], DigestDay] = OrderedDict()
_LOADED_LOCK = threading.Lock()
_LOADED_MAX = 8  # the day being published and a week of feed days,
_LOADED_MAX_PAPERS = 3000  # unless they are big days: memory stays bounded


def load_digest_day(config: PipelineConfig, day: date, store: Warehouse) -> DigestDay:
    """The day's digest as the store holds it now. A run renders it five times (two digests, the
    export, the page, the feeds) and the feeds read a week of days: a digest whose source rows are
    unchanged (same fingerprint, same config) is built once per process."""
    settings = hashlib.sha256(config.model_dump_json().encode()).hexdigest()
    key = (str(store.path.resolve()), day, store.day_fingerprint(day, DIGEST_SOURCES), settings)
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key]
    digest = _build_digest_day(config, day, store)
    with _LOADED_LOCK:
        _LOADED[key] = digest
        while len(_LOADED) > 1 and (
            len(_LOADED) > _LOADED_MAX or sum(len(d.papers) for d in _LOADED.values()) > _LOADED_MAX_PAPERS
        ):
            _LOADED.popitem(last=False)
    return digest


def _build_digest_day(config: PipelineConfig, day: date, store: Warehouse) -> DigestDay:
    feeds = store.read_day("feed_reports", day, order_by="category")
    notes = [
        f"feed {r['category']}: {r['status']}" + (f" ({r['detail']})" if r["detail"] else "")
        for r in feeds
        if r["status"] != "ok"
    ]
    return build_digest_day(
        config,
        day,
        candidates=store.read_day("candidate_papers", day),
        scores=store.read_day("paper_scores", day, order_by="rank"),
        summaries=store.read_day("paper_summaries", day),
        listings_meta=store.listing_meta(day),
        feed_notes=notes,
        announced=not feeds or any(r["status"] != "empty" for r in feeds),
    )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a crash never leaves half a file. The file gets the
    mode any new file gets (0644 under the usual umask), not the temp file's private 0600, so a
    web server running as another user can serve the site and feeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_report(paths: list[Path], seconds: float, rows: int, **counts: Any) -> StageReport:
    sizes = {(p.name if p.parent.name != "assets" else f"assets/{p.name}"): p.stat().st_size for p in paths}
    return StageReport(
        rows=rows,
        counts={**counts, "bytes": sum(sizes.values()), "files": sizes},
        seconds=seconds,
        paths=paths,
    )


def _write_all(folder: Path, files: dict[str, str]) -> list[Path]:
    for rel, text in files.items():
        write_atomic(folder / rel, text)
    return [folder / rel for rel in files]


def render_digest(kind: str, digest: DigestDay, config: PipelineConfig) -> str:
    if kind == README_DIGEST:
        return render_readme_digest(digest, config.digest.abstract_chars)
    if kind == DAILY_DIGEST:
        return render_daily_digest(digest)
    raise ValueError(f"unknown digest kind {kind!r}")


def _top_papers_preview(digest: DigestDay) -> str:
    return "\n".join(
        f"{p.rank}. **{p.paper.title}** ({p.paper.primary_category}, score {p.score:g})"
        + (f" — {p.summary.tldr}" if p.summary else "")
        for p in digest.papers[:5]
    )


def publish_markdown(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None, kind: str
) -> StageReport:
    """Render one digest format for the day, store it, and write it under the output dir.

    The day's file lives in ``<output_dir>/<date>/``; the top-level copy always shows the newest
    day, so backfilling an old day never replaces today's page.
    """
    clock = Stopwatch()
    digest = load_digest_day(config, day, store)
    text = render_digest(kind, digest, config)
    name = DIGEST_FILES[kind]
    paths = [config.output_dir / day.isoformat() / name]
    write_atomic(paths[0], text)
    latest = store.latest_digest_day(kind)
    row = {
        "path": str(paths[0]),
        "content": text,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "papers": len(digest.papers),
        "run_id": run_id,
        "rendered_at": datetime.now(UTC),
    }
    store.replace_day("digests", day, [row], where={"kind": kind})
    # A holiday's page never becomes "the newest day": readers keep the last real digest.
    if digest.announced and (latest is None or day >= latest):
        paths.append(config.output_dir / name)
        write_atomic(paths[1], text)
    counts = {
        "papers": len(digest.papers),
        "summarized": digest.summarized,
        "failed_summaries": digest.failed_summaries,
        "bytes": len(text.encode()),
        "sections": len(digest.sections()),
    }
    return StageReport(
        rows=len(digest.papers),
        counts=counts,
        seconds=clock(),
        preview=_top_papers_preview(digest),
        paths=paths,
    )


def publish_export(config: PipelineConfig, day: date, store: Warehouse) -> StageReport:
    """``<day>/digest.json`` (the digest as data) and ``<day>/papers.jsonl`` (every paper of the
    day with every stored field, from the ``paper_digest`` view)."""
    clock = Stopwatch()
    digest = load_digest_day(config, day, store)
    rows = store.digest_rows(day)
    digest_json, papers_jsonl = export_day(digest, rows)
    paths = _write_all(
        config.output_dir / day.isoformat(), {"digest.json": digest_json, "papers.jsonl": papers_jsonl}
    )
    return _file_report(paths, clock(), rows=len(rows), papers=len(digest.papers))


def publish_day_page(config: PipelineConfig, day: date, store: Warehouse) -> StageReport:
    """The day's page of the web site."""
    clock = Stopwatch()
    digest = load_digest_day(config, day, store)
    prev_day, next_day = neighbours(day, [d.announce_date for d in built_days(store)])
    page = render_day_page(digest, config.publish.site_title, prev_day, next_day)
    paths = _write_all(config.output_dir / SITE_DIR, {f"{day.isoformat()}.html": page})
    return _file_report(paths, clock(), rows=len(digest.papers), papers=len(digest.papers))


def built_days(store: Warehouse) -> list[DaySummary]:
    return [DaySummary(r["d"], r["papers"], r["summarized"], r["listed"]) for r in store.built_days()]


def publish_feeds(config: PipelineConfig, store: Warehouse) -> StageReport:
    """Atom and RSS feeds of the latest ``publish.feed_days`` built days, into the site folder."""
    clock = Stopwatch()
    latest, entries = [], 0
    for built in built_days(store)[: config.publish.feed_days]:
        if entries >= config.publish.feed_max_entries:
            break  # the feed is full: older days are not read at all
        latest.append(built.announce_date)
        entries += built.papers
    days = [load_digest_day(config, d, store) for d in latest]
    site_url = config.publish.site_url or (config.output_dir / SITE_DIR).as_uri()
    atom, rss = render_feeds(
        days, config.publish.site_title, site_url, max_entries=config.publish.feed_max_entries
    )
    files = dict(zip(FEED_FILES, (atom.decode("utf-8"), rss.decode("utf-8")), strict=True))
    paths = _write_all(config.output_dir / SITE_DIR, files)
    shown = min(sum(len(d.papers) for d in days), config.publish.feed_max_entries)
    return _file_report(paths, clock(), rows=shown, days=[d.isoformat() for d in latest])


def publish_site_index(config: PipelineConfig, store: Warehouse) -> StageReport:
    """The site's index of every built day, and its style and script."""
    clock = Stopwatch()
    days = built_days(store)
    files = {
        "index.html": render_index(days, config.publish.site_title),
        "assets/days.js": days_script(days),
        **static_files(),
    }
    paths = _write_all(config.output_dir / SITE_DIR, files)
    return _file_report(paths, clock(), rows=len(days), days=len(days))
