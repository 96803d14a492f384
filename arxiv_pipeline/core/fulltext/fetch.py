"""Getting a paper version's full text: arXiv's HTML rendering of that exact version when there is
one, else its PDF, through the same polite session as every arXiv request (one at a time, spaced,
timed out, retried with backoff, our User-Agent). Every failure is a reason for that paper."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import requests

from arxiv_pipeline.core.config import FulltextConfig, SourceConfig, on_arxiv
from arxiv_pipeline.core.fulltext import ExtractionError, FullText
from arxiv_pipeline.core.fulltext.html import extract_html
from arxiv_pipeline.core.fulltext.pdf import extract_pdf
from arxiv_pipeline.core.ingest.http import ArxivRequestError, PoliteSession, user_agent


@dataclass
class FetchOutcome:
    """One paper version's full text, or why there is none (each try's reason, in order)."""

    versioned_id: str
    fulltext: FullText | None = None
    url: str | None = None
    size: int = 0
    sha256: str | None = None
    reasons: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def error(self) -> str | None:
        return None if self.fulltext else "; ".join(self.reasons) or "no full text"


class FulltextSource(Protocol):
    name: str
    available: bool  # False: this source has no full texts at all (a recording without them)

    def fetch(self, versioned_id: str) -> FetchOutcome: ...


class TooLarge(Exception):
    pass


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{int(declared):,} bytes, over fulltext.max_bytes ({max_bytes:,})")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"over fulltext.max_bytes ({max_bytes:,}) bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class HttpFulltext:
    """arXiv (or a mirror, or a test server) over HTTP."""

    name = "http"
    available = True

    def __init__(
        self,
        html_url: str,
        pdf_url: str,
        max_bytes: int,
        max_pages: int,
        session: PoliteSession,
    ) -> None:
        self.html_url, self.pdf_url = html_url, pdf_url
        self.max_bytes, self.max_pages = max_bytes, max_pages
        self.session = session

    def _get(self, url: str, outcome: FetchOutcome) -> bytes | None:
        outcome.requests += 1
        try:
            with self.session.get(url, stream=True) as response:
                return _read_capped(response, self.max_bytes)
        except ArxivRequestError as exc:
            outcome.reasons.append(
                f"{url}: not found (HTTP 404)"
                if exc.status == 404
                else f"{url}: {exc}".replace(f": {url}", "")
            )
        except TooLarge as exc:
            outcome.reasons.append(f"{url}: too large ({exc})")
        except requests.RequestException as exc:  # the body stopped coming (timeout, reset)
            outcome.reasons.append(f"{url}: the download broke off ({type(exc).__name__})")
        return None

    def fetch(self, versioned_id: str) -> FetchOutcome:
        outcome = FetchOutcome(versioned_id)
        for url, extract in (
            (self.html_url.format(versioned_id), extract_html),
            (self.pdf_url.format(versioned_id), lambda data: extract_pdf(data, self.max_pages)),
        ):
            data = self._get(url, outcome)
            if data is None:
                continue
            try:
                fulltext = extract(data)
            except ExtractionError as exc:
                outcome.reasons.append(f"{url}: {exc}")
                continue
            outcome.fulltext, outcome.url, outcome.size = fulltext, url, len(data)
            outcome.sha256 = hashlib.sha256(data).hexdigest()
            return outcome
        return outcome


class ReplayFulltext:
    """Recorded full texts (``<replay_dir>/fulltext/<id>v<n>.html`` or ``.pdf``), offline."""

    name = "replay"

    def __init__(self, folder: Path | None, max_pages: int) -> None:
        self.folder, self.max_pages = folder, max_pages
        self.available = folder is not None

    def fetch(self, versioned_id: str) -> FetchOutcome:
        outcome = FetchOutcome(versioned_id)
        if self.folder is None:
            outcome.reasons.append("the recording has no full texts (offline replay)")
            return outcome
        readers: list[tuple[str, Callable[[bytes], FullText]]] = [
            ("html", extract_html),
            ("pdf", lambda data: extract_pdf(data, self.max_pages)),
        ]
        for suffix, extract in readers:
            path = self.folder / f"{versioned_id.replace('/', '_')}.{suffix}"
            if not path.is_file():
                continue
            data = path.read_bytes()
            try:
                outcome.fulltext = extract(data)
            except ExtractionError as exc:
                outcome.reasons.append(f"{path.name}: {exc}")
                continue
            outcome.url, outcome.size = path.as_uri(), len(data)
            outcome.sha256 = hashlib.sha256(data).hexdigest()
            return outcome
        outcome.reasons.append("the recording has no full text of this paper")
        return outcome


def fulltext_source(settings: FulltextConfig, src: SourceConfig, replay_root: Path | None) -> FulltextSource:
    """Where full texts come from: arXiv (or fulltext's URLs) under the source's manners, or the
    recordings in ``replay_root`` (source.replay_dir) offline."""
    kind = settings.fetch if settings.fetch != "auto" else ("http" if src.kind == "arxiv" else "replay")
    if kind == "replay":
        folder = replay_root / "fulltext" if replay_root and (replay_root / "fulltext").is_dir() else None
        return ReplayFulltext(folder, settings.max_pages)
    # arXiv's terms hold for its full texts too: never closer than 3 s to arxiv.org, whatever
    # source.min_interval_s says for a mirror or a test server.
    on_arxiv_org = any(on_arxiv(u) for u in (settings.html_url, settings.pdf_url))
    session = PoliteSession(
        user_agent(src.contact_email),
        min_interval_s=max(src.min_interval_s, 3.0) if on_arxiv_org else src.min_interval_s,
        timeout_s=src.timeout_s,
        max_attempts=src.max_attempts,
        backoff_base_s=src.backoff_base_s,
        expect_feed=False,
    )
    return HttpFulltext(settings.html_url, settings.pdf_url, settings.max_bytes, settings.max_pages, session)
