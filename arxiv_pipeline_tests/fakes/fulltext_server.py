"""arXiv's full-text endpoints on 127.0.0.1: ``/html/<id>v<n>`` (the LaTeXML rendering) and
``/pdf/<id>v<n>``, serving generated papers, with faults per paper: no HTML rendering yet (404),
no PDF either, a truncated PDF, a huge PDF, a stalled server, an HTML error page (200) where the
PDF should be, a PDF with no text layer (a scan) and a password-protected PDF."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

from fpdf import FPDF

from arxiv_pipeline_tests.fakes.local_server import LocalServer
from arxiv_pipeline_tests.paper_documents import make_paper, paper_html, paper_pdf

FAULTS = (
    "no_html",
    "missing",
    "truncated_pdf",
    "huge_pdf",
    "slow",
    "error_page_pdf",
    "scanned_pdf",
    "encrypted_pdf",
)


def scanned_pdf() -> bytes:
    """A PDF whose pages are drawings only: nothing to extract."""
    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        for i in range(40):
            pdf.line(10, 10 + i * 6, 200, 12 + i * 6)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    """A PDF that opens only with a password (RC4, as many publishers' tools write)."""
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Results that only the password holder may read. " * 80)
    return bytes(pdf.output())


class FakeFulltext(LocalServer):
    path_prefix = ""

    def __init__(
        self, paragraphs: int = 4, slow_s: float = 3.0, figures: int = 0, equations: int = 0
    ) -> None:
        self.faults: dict[str, set[str]] = {}
        self.paragraphs, self.figures, self.equations = paragraphs, figures, equations
        self.slow_s = slow_s
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], bytes] = {}
        self._start_server(self._handler())

    @property
    def html_url(self) -> str:
        return f"{self.base_url}/html/{{}}"

    @property
    def pdf_url(self) -> str:
        return f"{self.base_url}/pdf/{{}}"

    def fault(self, versioned_id: str, *faults: str) -> None:
        self.faults.setdefault(versioned_id, set()).update(faults)

    def document(self, kind: str, versioned_id: str) -> bytes:
        key = (kind, versioned_id)
        if key not in self._cache:
            arxiv_id, _, version = versioned_id.rpartition("v")
            paper = make_paper(arxiv_id, int(version), paragraphs=self.paragraphs)
            self._cache[key] = (
                paper_html(paper, self.equations) if kind == "html" else paper_pdf(paper, self.figures)
            )
        return self._cache[key]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, kind: str, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                # The client may give up (a timeout, a size cap), as a real server sees it.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._serve()

            def _serve(self) -> None:
                _, kind, versioned_id = self.path.split("/", 2)
                with fake._lock:
                    fake.requests[f"{kind}/{versioned_id}"] += 1
                faults = fake.faults.get(versioned_id, set())
                if "slow" in faults:
                    time.sleep(fake.slow_s)
                if "missing" in faults or (kind == "html" and "no_html" in faults):
                    return self._send(404, b"<html><body>No HTML for this paper</body></html>", "text/html")
                if kind == "html":
                    return self._send(200, fake.document("html", versioned_id), "text/html; charset=utf-8")
                if "error_page_pdf" in faults:
                    page = b"<!DOCTYPE html><html><body><h1>Service busy</h1><p>Try later.</p></body></html>"
                    return self._send(200, page, "text/html")
                if "scanned_pdf" in faults:
                    return self._send(200, scanned_pdf(), "application/pdf")
                if "encrypted_pdf" in faults:
                    return self._send(200, encrypted_pdf(), "application/pdf")
                body = fake.document("pdf", versioned_id)
                if "huge_pdf" in faults:
                    return self._send(200, body, "application/pdf", length=900_000_000)
                if "truncated_pdf" in faults:
                    # Says the whole length, sends a third, and hangs up.
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 3])
                    self.close_connection = True
                    return None
                return self._send(200, body, "application/pdf")

        return Handler
