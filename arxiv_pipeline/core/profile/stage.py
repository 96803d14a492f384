"""Reader profile: the library files and the ratings, turned into a fitted model that scores papers.

Refitted only when something it is built from changed (the library files' bytes, the ratings, the
reader settings, the stored history of listings): a rerun reuses the stored model.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import PipelineConfig, ReaderConfig
from arxiv_pipeline.core.models import Paper
from arxiv_pipeline.core.profile.library import Library, LibraryEntry, LibraryProblem, load_library
from arxiv_pipeline.core.profile.reader import FittedProfile, KnownPaper, ProfileSettings, ranker_by_name
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.store import Warehouse

# Looks papers up on arXiv by id (the live source's id_list query); None offline.
Lookup = Callable[[Sequence[str]], Mapping[str, Paper]]


@dataclass(frozen=True)
class ProfileState:
    """What a stored profile gives the scoring stage."""

    kind: str  # "none", "library" or "learned"
    fingerprint: str | None
    model: FittedProfile | None


def profile_fingerprint(
    reader: ReaderConfig, library_paths: Sequence[Path], store: Warehouse, ratings: Mapping[str, Any]
) -> str:
    """What the profile is built from: the ranker and reader settings, the library files' bytes,
    the ratings and (when either is there) the stored history. The same fingerprint, no refit."""
    digest = hashlib.sha256()
    ranker = ranker_by_name(reader.ranker)
    digest.update(f"{ranker.name}:{ranker.version}\n".encode())
    digest.update(reader.model_dump_json(exclude={"weight"}).encode())
    for path in library_paths:
        digest.update(f"\n{path}\n".encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as err:
            digest.update(f"unreadable: {err.strerror}".encode())
    for arxiv_id in sorted(ratings):
        digest.update(f"\n{arxiv_id}:{ratings[arxiv_id]['version']}:{ratings[arxiv_id]['rating']}".encode())
    if ratings or reader.library:
        digest.update(store.history_stamp().encode())
    return digest.hexdigest()[:20]


def load_profile(store: Warehouse) -> ProfileState:
    row = store.reader_profile()
    if row is None:
        return ProfileState("none", None, None)
    # Our own file, written by build_reader_profile below.
    model = pickle.loads(row["model"]) if row["model"] is not None else None
    return ProfileState(row["kind"], row["fingerprint"], model)


def _entry_texts(
    library: Library, store: Warehouse, lookup: Lookup | None, problems: list[LibraryProblem]
) -> tuple[list[tuple[LibraryEntry, str, str]], int]:
    """(entry, title, text) for each library paper we have words for; papers listed only by id
    take their title and abstract from the stored history, else from arXiv (once) when live."""
    need = [e.arxiv_id for e in library.entries if e.arxiv_id and not e.abstract]
    stored = store.paper_texts(need)
    missing = [i for i in need if i not in stored]
    fetched = 0
    if missing and lookup is not None:
        try:
            found = lookup(missing)
        except Exception as err:
            problems.append(LibraryProblem("arXiv", f"could not look up {len(missing)} library ids ({err})"))
            found = {}
        now = datetime.now(UTC)
        rows = [
            {
                "arxiv_id": p.arxiv_id,
                "version": p.version,
                "title": p.title,
                "abstract": p.abstract,
                "fetched_at": now,
            }
            for p in found.values()
        ]
        store.store_library_papers(rows)
        fetched = len(rows)
        stored.update({r["arxiv_id"]: r for r in rows})
    out = []
    for entry in library.entries:
        known = stored.get(entry.arxiv_id or "")
        title = entry.title or (known["title"] if known else "")
        abstract = entry.abstract or (known["abstract"] if known else "")
        if not title and not abstract:
            problems.append(
                LibraryProblem(
                    entry.source,
                    f"{entry.arxiv_id}: no title or abstract yet (not in the stored history; looked up on "
                    "arXiv when source.kind is arxiv)",
                )
            )
            continue
        out.append((entry, title, f"{title}. {abstract}".strip()))
    return out, fetched


def _known_papers(
    texts: list[tuple[LibraryEntry, str, str]], ratings: Mapping[str, Any], store: Warehouse, background: int
) -> list[KnownPaper]:
    """What the profile learns from: the library, the rated papers we have words for, and (when
    there is any of those) up to ``background`` unrated papers of the history: the idf of every
    term, and what "not for me" looks like to the classifier."""
    known = [KnownPaper(e.arxiv_id or e.source, title, text, "library", e.when) for e, title, text in texts]
    rated_texts = store.paper_texts(list(ratings))
    for arxiv_id, r in ratings.items():
        paper = rated_texts.get(arxiv_id)
        if paper is not None:
            text = f"{paper['title']}. {paper['abstract']}"
            label = "up" if r["rating"] > 0 else "down"
            known.append(KnownPaper(arxiv_id, paper["title"], text, label, r["rated_at"].date()))
    if not known:
        return known
    taken = {k.key for k in known}
    room = background
    for row in store.history_papers(room + len(taken)):
        if room <= 0:
            break
        if row["arxiv_id"] in taken:
            continue
        known.append(
            KnownPaper(row["arxiv_id"], row["title"], f"{row['title']}. {row['abstract']}", "background")
        )
        room -= 1
    return known


def _profile_report(
    kind: str,
    unchanged: bool,
    entries: int,
    ratings: Mapping[str, Any],
    metrics: Mapping[str, Any],
    seconds: float,
) -> StageReport:
    ups = sum(1 for r in ratings.values() if r["rating"] > 0)
    counts = {"kind": kind, "unchanged": unchanged, "library_entries": entries}
    counts.update({"ratings_up": ups, "ratings_down": len(ratings) - ups, **metrics})
    return StageReport(rows=entries, counts=counts, seconds=seconds)


def build_reader_profile(
    config: PipelineConfig,
    store: Warehouse,
    run_id: str | None,
    lookup: Lookup | None = None,
    today: date | None = None,
) -> StageReport:
    clock = Stopwatch()
    reader = config.reader
    ratings = store.current_ratings()
    fingerprint = profile_fingerprint(reader, config.library_paths, store, ratings)
    stored = store.reader_profile()
    if stored is not None and stored["fingerprint"] == fingerprint:
        metrics = json.loads(stored["metrics"])
        return _profile_report(stored["kind"], True, stored["library_entries"], ratings, metrics, clock())
    library = load_library(config.library_paths)
    problems = list(library.problems)
    texts, fetched = _entry_texts(library, store, lookup, problems)
    known = _known_papers(texts, ratings, store, reader.background_papers)
    settings = ProfileSettings(
        min_ratings=reader.min_ratings,
        learned=reader.learned,
        half_life_days=reader.half_life_days,
        today=today or datetime.now(UTC).date(),
    )
    model = ranker_by_name(reader.ranker).fit(known, settings) if known else None
    kind = model.kind if model is not None else "none"
    metrics: dict[str, Any] = dict(model.metrics) if model is not None else {}
    metrics.update(
        {
            "library_files": len(library.files),
            "duplicates_merged": library.duplicates,
            "looked_up_on_arxiv": fetched,
            "problems": [str(p) for p in problems[:50]],
        }
    )
    report = _profile_report(kind, False, len(texts), ratings, metrics, 0.0)
    _save_profile(store, fingerprint, kind, reader.ranker, texts, report, metrics, model, run_id)
    return replace(report, seconds=clock())


def _save_profile(
    store: Warehouse,
    fingerprint: str,
    kind: str,
    ranker: str,
    texts: list[tuple[LibraryEntry, str, str]],
    report: StageReport,
    metrics: Mapping[str, Any],
    model: FittedProfile | None,
    run_id: str | None,
) -> None:
    """The profile (the model pickled: our own file, read back by load_profile) and the library
    entries it was fitted on, replacing the stored ones."""
    store.save_reader_profile(
        {
            "fingerprint": fingerprint,
            "kind": kind,
            "ranker": ranker,
            "library_entries": len(texts),
            "ratings_up": report.counts["ratings_up"],
            "ratings_down": report.counts["ratings_down"],
            "metrics": json.dumps(metrics, default=str),
            "model": pickle.dumps(model) if model is not None else None,
            "run_id": run_id,
            "built_at": datetime.now(UTC),
        },
        [
            {
                "entry": e.source,
                "arxiv_id": e.arxiv_id,
                "title": title,
                "abstract": e.abstract,
                "year": e.year,
                "added": e.added,
                "has_text": True,
                "fingerprint": fingerprint,
            }
            for e, title, _ in texts
        ],
    )
