"""Publish: the day's digests, its export and its web page, and the all-days feeds and site index."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from arxiv_pipeline import __version__
from arxiv_pipeline.core import text as text_module
from arxiv_pipeline.core.config import DigestConfig, PipelineConfig
from arxiv_pipeline.core.fulltext.fetch import fulltext_source
from arxiv_pipeline.core.publish import digest as digest_module
from arxiv_pipeline.core.publish import feeds as publish_module
from arxiv_pipeline.core.publish import render as render_module
from arxiv_pipeline.core.publish import site as site_module
from arxiv_pipeline.core.publish.digest import DigestDay, build_digest_day
from arxiv_pipeline.core.publish.feeds import FEED_FILES, NO_SITE_URL, export_day, render_feeds
from arxiv_pipeline.core.publish.render import render_daily_digest, render_readme_digest, templates_version
from arxiv_pipeline.core.publish.site import (
    DaySummary,
    days_script,
    neighbours,
    render_day_page,
    render_index,
    static_files,
)
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse, data_columns, table_columns

README_DIGEST = "readme"
DAILY_DIGEST = "daily"
DIGEST_FILES = {README_DIGEST: "README.md", DAILY_DIGEST: "daily_digest.md"}
SITE_DIR = "site"


# What a day's digest is built from (table: the columns it reads, None for all but provenance); the
# rows' fingerprint over them tells when a loaded digest or a published file is stale.
DIGEST_SOURCES: dict[str, str | None] = {
    "arxiv_listings": ", ".join([*data_columns("arxiv_listings"), "fetched_at"]),
    "feed_reports": "category, status, CASE WHEN status <> 'ok' THEN detail END",
    "candidate_papers": None,
    "paper_scores": None,
    "paper_summaries": None,
}
# papers.jsonl holds every field of the paper_digest view over these, provenance included.
EXPORT_SOURCES = {
    t: ", ".join(c for c, _, _ in table_columns(t))
    for t in ("candidate_papers", "paper_scores", "paper_summaries")
}
_LOADED: OrderedDict[tuple[str, date, str, str], DigestDay] = OrderedDict()
_LOADED_LOCK = threading.Lock()
_LOADED_MAX = 8  # the day being published and a week of feed days,
_LOADED_MAX_PAPERS = 3000  # unless they are big days: memory stays bounded


def load_digest_day(config: PipelineConfig, day: date, store: Warehouse) -> DigestDay:
    """The day's digest as the store holds it now. A run renders it five times (two digests, the
    export, the page, the feeds) and the feeds read a week of days: a digest whose source rows are
    unchanged (same fingerprint, same config) is built once per process."""
    key = (store.location, day, store.day_fingerprint(day, DIGEST_SOURCES), _settings(config))
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


def _settings(config: PipelineConfig) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()


@functools.cache
def renderer_version() -> str:
    """Changes when any output could: the templates, static files and the code that renders."""
    digest = hashlib.sha256(f"{__version__}:{templates_version()}".encode())
    for module in (
        digest_module,
        publish_module,
        render_module,
        site_module,
        text_module,
        sys.modules[__name__],
    ):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def inputs_key(config: PipelineConfig, store: Warehouse, days: Sequence[date], *extra: object) -> str:
    """Everything a published file is made from: the days' rows, the settings, the renderer."""
    parts = [renderer_version(), _settings(config), *(store.day_fingerprint(d, DIGEST_SOURCES) for d in days)]
    return hashlib.sha256("\x1f".join([*parts, *map(str, extra)]).encode()).hexdigest()


def write_unless_unchanged(
    store: Warehouse, path: Path, inputs: str, render: Callable[[], str], run_id: str | None = None
) -> tuple[str, bool]:
    """(the file's text, whether it was written): rendered only when the stored record says
    different inputs made it, or the file on disk is not the one recorded; written only when what
    was rendered differs from the file on disk."""
    record = store.published_file(str(path))
    stored = path.read_bytes() if record is not None and path.is_file() else None
    on_disk = hashlib.sha256(stored).hexdigest() if stored is not None else None
    if record is not None and record["inputs"] == inputs and on_disk == record["sha256"]:
        return stored.decode("utf-8"), False
    text = render()
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    if record is not None and on_disk == sha == record["sha256"]:
        # The same bytes from new inputs (a new renderer, the warehouse copied to another
        # database): the file and its record stay, now keyed by these inputs.
        store.upsert("published_files", [{**record, "inputs": inputs}])
        return text, False
    write_atomic(path, text)
    store.record_published(str(path), inputs, sha, len(data), run_id)
    return text, True


def _build_digest_day(config: PipelineConfig, day: date, store: Warehouse) -> DigestDay:
    feeds = store.read_day("feed_reports", day, order_by="category")
    notes = [
        f"feed {r['category']}: {r['status']}" + (f" ({r['detail']})" if r["detail"] else "")
        for r in feeds
        if r["status"] != "ok"
    ]
    if (
        config.fulltext.top
        and not fulltext_source(config.fulltext, config.source, config.replay_root).available
    ):
        notes.append("full texts: none bundled with this recording, so the summaries come from the abstracts")
    summaries = store.read_day("paper_summaries", day)
    from_fulltext = [(s["arxiv_id"], s["version"]) for s in summaries if s.get("source") in ("html", "pdf")]
    return build_digest_day(
        day,
        candidates=store.read_day("candidate_papers", day),
        scores=store.read_day("paper_scores", day, order_by="rank"),
        summaries=summaries,
        fulltexts=store.fulltexts(from_fulltext),
        listings_meta=store.listing_meta(day),
        feed_notes=notes,
        announced=not feeds or any(r["status"] != "empty" for r in feeds),
        settings=config.digest,
        categories=config.categories,
        keywords=config.keywords,
        language=config.summary.language,
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


def render_digest(kind: str, digest: DigestDay, settings: DigestConfig) -> str:
    if kind == README_DIGEST:
        return render_readme_digest(digest, settings.abstract_chars, settings.authors_shown)
    if kind == DAILY_DIGEST:
        return render_daily_digest(digest, settings.authors_shown)
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
    name = DIGEST_FILES[kind]
    paths = [config.output_dir / day.isoformat() / name]
    inputs = inputs_key(config, store, [day], kind)
    text, written = write_unless_unchanged(
        store, paths[0], inputs, lambda: render_digest(kind, digest, config.digest), run_id
    )
    if written or not store.query("SELECT 1 FROM digests WHERE announce_date = ? AND kind = ?", [day, kind]):
        data = text.encode("utf-8")
        row = {
            "path": str(paths[0]),
            "content_zlib": zlib.compress(data, 6),
            "sha256": hashlib.sha256(data).hexdigest(),
            "papers": len(digest.papers),
            "run_id": run_id,
            "rendered_at": datetime.now(UTC),
        }
        store.replace_day("digests", day, [row], where={"kind": kind})
    latest = store.latest_digest_day(kind)
    # A holiday's page never becomes "the newest day": readers keep the last real digest.
    if digest.announced and (latest is None or day >= latest):
        paths.append(config.output_dir / name)
        if not paths[1].is_file() or paths[1].read_text(encoding="utf-8") != text:
            write_atomic(paths[1], text)
    counts = {
        "papers": len(digest.papers),
        "summarized": digest.summarized,
        "failed_summaries": digest.failed_summaries,
        "bytes": len(text.encode()),
        "sections": len(digest.sections()),
        "unchanged": not written,
    }
    return StageReport(
        rows=len(digest.papers),
        counts=counts,
        seconds=clock(),
        preview=_top_papers_preview(digest),
        paths=paths,
    )


def publish_export(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None = None
) -> StageReport:
    """``<day>/digest.json`` (the digest as data) and ``<day>/papers.jsonl`` (every paper of the
    day with every stored field, from the ``paper_digest`` view)."""
    clock = Stopwatch()
    digest = load_digest_day(config, day, store)
    folder = config.output_dir / day.isoformat()
    inputs = inputs_key(config, store, [day], "export", store.day_fingerprint(day, EXPORT_SOURCES))

    @functools.cache
    def rendered() -> tuple[str, str]:
        return export_day(digest, store.digest_rows(day))

    written = [
        write_unless_unchanged(store, folder / name, inputs, lambda i=i: rendered()[i], run_id)[1]
        for i, name in enumerate(("digest.json", "papers.jsonl"))
    ]
    rows = store.query("SELECT count(*) AS n FROM paper_digest WHERE announce_date = ?", [day])[0]["n"]
    paths = [folder / "digest.json", folder / "papers.jsonl"]
    return _file_report(paths, clock(), rows=rows, papers=len(digest.papers), unchanged=not any(written))


def publish_day_page(
    config: PipelineConfig, day: date, store: Warehouse, run_id: str | None = None
) -> StageReport:
    """The day's page of the web site."""
    clock = Stopwatch()
    digest = load_digest_day(config, day, store)
    prev_day, next_day = neighbours(day, [d.announce_date for d in built_days(store)])
    path = config.output_dir / SITE_DIR / f"{day.isoformat()}.html"
    inputs = inputs_key(config, store, [day], "page", prev_day, next_day)
    _, written = write_unless_unchanged(
        store,
        path,
        inputs,
        lambda: render_day_page(digest, config.publish.site_title, prev_day, next_day),
        run_id,
    )
    return _file_report(
        [path], clock(), rows=len(digest.papers), papers=len(digest.papers), unchanged=not written
    )


def built_days(store: Warehouse) -> list[DaySummary]:
    return [DaySummary(r["d"], r["papers"], r["summarized"], r["listed"]) for r in store.built_days()]


def publish_feeds(config: PipelineConfig, store: Warehouse, run_id: str | None = None) -> StageReport:
    """Atom and RSS feeds of the latest ``publish.feed_days`` built days, into the site folder."""
    clock = Stopwatch()
    latest, entries = [], 0
    for built in built_days(store)[: config.publish.feed_days]:
        if entries >= config.publish.feed_max_entries:
            break  # the feed is full: older days are not read at all
        latest.append(built.announce_date)
        entries += built.papers
    site_url = config.publish.site_url or (config.output_dir / SITE_DIR).as_uri()
    inputs = inputs_key(config, store, latest, "feeds", site_url)

    @functools.cache
    def rendered() -> tuple[str, str]:
        days = [load_digest_day(config, d, store) for d in latest]
        atom, rss = render_feeds(
            days, config.publish.site_title, site_url, max_entries=config.publish.feed_max_entries
        )
        return atom.decode("utf-8"), rss.decode("utf-8")

    folder = config.output_dir / SITE_DIR
    written = [
        write_unless_unchanged(store, folder / name, inputs, lambda i=i: rendered()[i], run_id)[1]
        for i, name in enumerate(FEED_FILES)
    ]
    shown = min(entries, config.publish.feed_max_entries)
    report = _file_report(
        [folder / name for name in FEED_FILES],
        clock(),
        rows=shown,
        days=[d.isoformat() for d in latest],
        unchanged=not any(written),
    )
    if not config.publish.site_url:
        report.warnings.append(NO_SITE_URL)
    return report


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
