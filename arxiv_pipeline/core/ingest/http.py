"""Every request to arXiv goes through here: one at a time, ≥3 s apart across the process, with a
timeout, and retried with exponential backoff (honouring ``Retry-After``) on 429/5xx, timeouts,
dropped connections and the 200-with-an-HTML-body pages arXiv serves when it is overloaded.

The ``arxiv`` package has no timeout and retries without backoff; ``PoliteSession`` replaces its
session so its requests get all of the above too.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from lxml import etree

from arxiv_pipeline.core.retry import backoff_delay, retry_after_seconds

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_TOTAL_RESULTS = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")


class ArxivRequestError(RuntimeError):
    """arXiv did not answer usefully after every try; names the URL, status and tries."""

    def __init__(self, url: str, status: int | None, attempts: int, detail: str) -> None:
        self.url, self.status, self.attempts = url, status, attempts
        what = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"arXiv request failed after {attempts} tries ({what}: {detail}): {url}")


@dataclass
class RateLimiter:
    """At most one request in flight, and at least ``min_interval_s`` between request starts.

    One limiter is shared by every arXiv client of the process; each client asks for its own
    spacing per request (``slot``), so configuring one client never changes another.
    """

    min_interval_s: float = 3.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last_start: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _acquire(self, interval: float) -> None:
        self._lock.acquire()
        if self._last_start is not None:
            wait = self._last_start + interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_start = self.clock()

    def __enter__(self) -> RateLimiter:
        self._acquire(self.min_interval_s)
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    @contextmanager
    def slot(self, min_interval_s: float) -> Iterator[None]:
        """One request, at least ``min_interval_s`` (and the limiter's own floor) after the last."""
        self._acquire(max(self.min_interval_s, min_interval_s))
        try:
            yield
        finally:
            self._lock.release()


# Shared by every arXiv client in the process, as arXiv's terms ask (one request at a time).
ARXIV_RATE_LIMITER = RateLimiter(min_interval_s=0.0)


# No entity expansion, no network: responses are untrusted.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# Characters XML 1.0 cannot carry (raw, or as a character reference); one of them would make a
# whole day's response unparseable.
_XML_INVALID = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:x0*[0-8bcefBCEF]|x0*1[0-9a-fA-F]|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)


def strip_xml_invalid(body: bytes) -> tuple[bytes, int]:
    """The body without characters XML cannot carry, and how many there were."""
    cleaned, removed = _XML_INVALID.subn(b"", body)
    return cleaned, removed


def malformed_xml(body: bytes) -> str | None:
    try:
        etree.fromstring(body, parser=SAFE_XML)
    except etree.XMLSyntaxError as exc:
        return str(exc)
    return None


def looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


def user_agent(contact_email: str | None) -> str:
    """What arXiv asks a client to send: who we are, and how to reach the person running it."""
    from arxiv_pipeline import __version__

    contact = f"; mailto:{contact_email}" if contact_email else ""
    return f"arxiv-pipeline/{__version__} (personal arXiv digest{contact})"


class PoliteSession(requests.Session):
    def __init__(
        self,
        user_agent: str,
        limiter: RateLimiter = ARXIV_RATE_LIMITER,
        min_interval_s: float = 3.0,
        timeout_s: float = 30.0,
        max_attempts: int = 5,
        backoff_base_s: float = 2.0,
        backoff_max_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        expect_feed: bool = True,
    ) -> None:
        super().__init__()
        # False for documents (HTML renderings, PDFs): their bodies are the caller's to check.
        self.expect_feed = expect_feed
        self.headers["User-Agent"] = user_agent
        self.limiter = limiter
        self.min_interval_s = min_interval_s
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._sleep = sleep
        self.attempts_made = 0
        self.retries: list[str] = []
        self.last_total_results: int | None = None
        self.dropped_characters = 0  # characters XML cannot carry, removed from answers

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout_s)
        # The arxiv package sends its own User-Agent; arXiv asks for one that names us.
        headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "user-agent"}
        kwargs["headers"] = {**headers, "User-Agent": self.headers["User-Agent"]}
        url_text = url.decode() if isinstance(url, bytes) else url
        status: int | None = None
        detail = ""
        for attempt in range(1, self.max_attempts + 1):
            retry_after = None
            self.attempts_made += 1
            try:
                with self.limiter.slot(self.min_interval_s):
                    resp = super().request(method, url, *args, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                status, detail = None, f"{type(exc).__name__}: {exc}"
            else:
                status = resp.status_code
                if status == 200 and not self.expect_feed:
                    return resp
                if status == 200:
                    self._drop_xml_invalid(resp)
                if status in RETRY_STATUSES:
                    detail = resp.reason or "retryable status"
                    retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                elif status != 200:
                    # 400 and friends will not get better by asking again.
                    raise ArxivRequestError(url_text, status, attempt, _snippet(resp.content))
                elif not resp.content.strip() or looks_like_html(resp.content):
                    detail = "empty body" if not resp.content.strip() else "HTML page instead of a feed"
                elif (xml_error := malformed_xml(resp.content)) is not None:
                    # The arxiv package would read a cut-off page as "no results"; never accept one.
                    detail = f"malformed XML ({xml_error})"
                else:
                    match = _TOTAL_RESULTS.search(resp.content[:4096])
                    self.last_total_results = int(match.group(1)) if match else None
                    return resp
            if attempt < self.max_attempts:
                delay = backoff_delay(attempt, self.backoff_base_s, self.backoff_max_s, retry_after)
                self.retries.append(f"try {attempt}: {detail}; waiting {delay:.1f}s")
                self._sleep(delay)
        raise ArxivRequestError(url_text, status, self.max_attempts, detail)

    def _drop_xml_invalid(self, resp: requests.Response) -> None:
        """One stray control character must not make a whole day unparseable: drop such
        characters (counted, for the day's report) and read the rest."""
        cleaned, removed = strip_xml_invalid(resp.content)
        if removed:
            resp._content = cleaned
            self.dropped_characters += removed


def _snippet(body: bytes) -> str:
    text = re.sub(rb"<[^>]+>", b" ", body[:2000]).decode("utf-8", "replace")
    return " ".join(text.split())[:300] or "no body"
