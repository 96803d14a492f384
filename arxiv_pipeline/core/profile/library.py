"""The reader's own library: the papers they keep, read from what reference managers export.

BibTeX (Zotero, Mendeley, JabRef, Google Scholar), CSL-JSON (Zotero's "CSL JSON" export) and a
plain list of arXiv ids or URLs. A broken entry is reported with its file and line and the rest
still loads; the same paper listed twice counts once.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

# New-style ids (2301.00001, 2301.00001v2) and old-style ones (hep-th/9901001, math.GT/0309136).
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?<![\w./-])(?:arXiv:)?({_NEW_ID}|{_OLD_ID})(?:v(\d+))?(?![\w.-]*\d)", re.I)
_ARXIV_URL = re.compile(rf"arxiv\.org/(?:abs|pdf|html)/({_NEW_ID}|{_OLD_ID})(?:v\d+)?", re.I)
_ARXIV_DOI = re.compile(rf"10\.48550/arXiv\.({_NEW_ID}|{_OLD_ID})", re.I)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


@dataclass(frozen=True)
class LibraryEntry:
    """One paper of the reader's library. ``arxiv_id`` is None for a paper not on arXiv (it still
    counts through its title and abstract)."""

    source: str  # file:line, for messages and provenance
    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    year: int | None = None
    added: date | None = None  # when it entered the library, when the export says

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}".strip()

    @property
    def when(self) -> date | None:
        """When the reader took the paper up (publication year says little about that)."""
        return self.added


@dataclass(frozen=True)
class LibraryProblem:
    source: str  # file:line
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def find_arxiv_id(*values: str | None) -> str | None:
    """The first arXiv id in these field values (URL, DOI 10.48550/arXiv.x, eprint, free text)."""
    for value in values:
        if not value:
            continue
        for pattern in (_ARXIV_URL, _ARXIV_DOI, ARXIV_ID):
            match = pattern.search(value)
            if match:
                return match.group(1)
    return None


def _clean(text: str | None) -> str:
    # Braces that protect capitals in BibTeX titles, and the whitespace of wrapped lines.
    return re.sub(r"\s+", " ", (text or "").replace("{", "").replace("}", "")).strip()


def _year(value: Any) -> int | None:
    match = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", str(value or ""))
    return int(match.group(1)) if match else None


def _date(value: str | None) -> date | None:
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


# -- BibTeX ---------------------------------------------------------------------------------------
def _bibtex_entry(fields: dict[str, str], source: str) -> LibraryEntry | LibraryProblem:
    f = {k.lower(): v for k, v in fields.items()}
    title = _clean(f.get("title"))
    eprint = f.get("eprint") if f.get("archiveprefix", "arxiv").lower() == "arxiv" else None
    arxiv_id = find_arxiv_id(eprint, f.get("url"), f.get("doi"), f.get("journal"), f.get("note"))
    if not title and not arxiv_id:
        return LibraryProblem(source, "entry has neither a title nor an arXiv id; skipped")
    month = _MONTHS.get(str(f.get("month", "")).strip().lower()[:3])
    added = _date(f.get("dateadded") or f.get("date-added") or f.get("timestamp") or f.get("added-at"))
    year = _year(f.get("year") or f.get("date"))
    if added is None and year and month:
        added = date(year, month, 1)
    return LibraryEntry(source, title, _clean(f.get("abstract")), arxiv_id, year, added)


def parse_bibtex(text: str, name: str) -> tuple[list[LibraryEntry], list[LibraryProblem]]:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry

    # The parser logs each broken block; we report them ourselves, with file and line.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library: Library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    entries: list[LibraryEntry] = []
    problems: list[LibraryProblem] = []
    blocks: list[tuple[int, Entry]] = [(e.start_line, e) for e in library.entries]
    for block in library.failed_blocks:
        where = f"{name}:{block.start_line + 1}"
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            # Two entries with one key: both are papers the reader kept; the same paper twice is
            # merged below by its id or title.
            blocks.append((block.start_line, block.ignore_error_block))
            continue
        first = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
        problems.append(LibraryProblem(where, f"cannot parse this BibTeX entry ({first!r}); skipped"))
    for start, entry in sorted(blocks, key=lambda b: b[0]):
        fields = {f.key: str(f.value) for f in entry.fields}
        got = _bibtex_entry(fields, f"{name}:{start + 1}")
        (problems if isinstance(got, LibraryProblem) else entries).append(got)  # type: ignore[arg-type]
    return entries, problems


# -- CSL-JSON -------------------------------------------------------------------------------------
def _csl_date(item: dict[str, Any], key: str) -> tuple[int | None, date | None]:
    value = item.get(key)
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not parts or not parts[0]:
        raw = value.get("raw") if isinstance(value, dict) else value
        return _year(raw), _date(raw if isinstance(raw, str) else None)
    first = [int(p) for p in parts[0] if str(p).isdigit()]
    if not first:
        return None, None
    when = date(first[0], first[1] if len(first) > 1 else 1, first[2] if len(first) > 2 else 1)
    return first[0], when


def parse_csl_json(text: str, name: str) -> tuple[list[LibraryEntry], list[LibraryProblem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [LibraryProblem(f"{name}:{err.lineno}", f"not valid JSON ({err.msg}); nothing loaded")]
    items = data.get("items", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return [], [LibraryProblem(f"{name}:1", "expected a JSON list of CSL items; nothing loaded")]
    entries, problems = [], []
    for i, item in enumerate(items, start=1):
        where = f"{name}:item {i}"
        if not isinstance(item, dict):
            problems.append(LibraryProblem(where, "not a CSL item (an object); skipped"))
            continue
        fields = {k: v for k, v in item.items() if isinstance(v, str)}
        title = _clean(fields.get("title"))
        arxiv_id = find_arxiv_id(
            fields.get("URL"), fields.get("DOI"), fields.get("number"), fields.get("archive_location")
        )
        if not title and not arxiv_id:
            problems.append(LibraryProblem(where, "item has neither a title nor an arXiv id; skipped"))
            continue
        year, _ = _csl_date(item, "issued")
        _, added = _csl_date(item, "accessed")
        entries.append(LibraryEntry(where, title, _clean(fields.get("abstract")), arxiv_id, year, added))
    return entries, problems


# -- a list of ids --------------------------------------------------------------------------------
def parse_id_list(text: str, name: str) -> tuple[list[LibraryEntry], list[LibraryProblem]]:
    entries, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("http") else line.strip()
        if not line:
            continue
        arxiv_id = find_arxiv_id(line)
        if arxiv_id is None:
            problems.append(LibraryProblem(f"{name}:{n}", f"no arXiv id or arXiv URL in {line[:60]!r}"))
            continue
        entries.append(LibraryEntry(f"{name}:{n}", "", arxiv_id=arxiv_id))
    return entries, problems


def parse_library_text(text: str, name: str) -> tuple[list[LibraryEntry], list[LibraryProblem]]:
    """Entries of one library file, by its extension (else by its content)."""
    suffix = Path(name).suffix.lower()
    stripped = text.lstrip()
    if suffix in (".bib", ".bibtex") or (suffix not in (".json", ".txt") and stripped.startswith("@")):
        return parse_bibtex(text, name)
    if suffix == ".json" or stripped.startswith(("[", "{")):
        return parse_csl_json(text, name)
    return parse_id_list(text, name)


def merge_duplicates(entries: Iterable[LibraryEntry]) -> tuple[list[LibraryEntry], int]:
    """One entry per paper (same arXiv id, or same title), keeping the one with the most text."""
    kept: dict[str, LibraryEntry] = {}
    duplicates = 0
    for entry in entries:
        key = entry.arxiv_id or "title:" + re.sub(r"\W+", " ", entry.title.casefold()).strip()
        old = kept.get(key)
        if old is not None:
            duplicates += 1
            if len(entry.text) <= len(old.text):
                continue
        kept[key] = entry
    return list(kept.values()), duplicates


@dataclass(frozen=True)
class Library:
    entries: list[LibraryEntry]
    problems: list[LibraryProblem]
    duplicates: int
    files: list[str]


def load_library(paths: Sequence[Path]) -> Library:
    """Every configured library file; a missing or unreadable file is a problem, not a crash."""
    found: list[LibraryEntry] = []
    problems: list[LibraryProblem] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            problems.append(LibraryProblem(str(path), f"cannot read the file ({err}); skipped"))
            continue
        got, bad = parse_library_text(text, str(path))
        found.extend(got)
        problems.extend(bad)
    entries, duplicates = merge_duplicates(found)
    return Library(entries, problems, duplicates, [str(p) for p in paths])
