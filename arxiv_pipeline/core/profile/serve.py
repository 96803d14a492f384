"""`arxiv-pipeline serve`: the web site on 127.0.0.1, with its rating buttons working.

Static files come only from the site folder; the one thing the server writes is a rating row in
DuckDB. A rating is accepted only from a page this server served: the POST must come from the
same origin (Origin and Host checked, no CORS headers, so another site's script cannot even
read the token) and carry the token made when the server started.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import secrets
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from arxiv_pipeline.core.profile.ratings import RatingError, rate_paper
from arxiv_pipeline.core.store import StoreBusyError, Warehouse

TOKEN_HEADER = "X-Rating-Token"
MAX_BODY = 4096
# A browser keeps a handful of connections to a site: more than this at once is not a reader, and a
# connection that sends nothing for IDLE_TIMEOUT_S seconds is closed, so none can hold a thread for good.
MAX_CONNECTIONS = 32
IDLE_TIMEOUT_S = 10.0
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class RatingServer(ThreadingHTTPServer):
    daemon_threads = True
    # Connections past the cap are accepted and answered 503 at once, not left waiting in the backlog.
    request_queue_size = 128

    def __init__(
        self,
        site_dir: Path,
        store: Warehouse,
        host: str = "127.0.0.1",
        port: int = 8765,
        log: Callable[[str], None] | None = None,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.idle_timeout_s = idle_timeout_s
        self.store = store
        self.token = secrets.token_urlsafe(32)
        self.log = log or (lambda _msg: None)
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__((host, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # One line in the log, not a traceback on the reader's terminal.
        err = sys.exc_info()[1]
        self.log(f"{client_address[0]} dropped: {type(err).__name__}: {err}")

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def allowed_origins(self) -> set[str]:
        return {f"http://{host}" for host in self.allowed_hosts()}

    def allowed_hosts(self) -> set[str]:
        port = self.server_address[1]
        host = str(self.server_address[0])
        names = {host, "localhost", "127.0.0.1"} if host in ("127.0.0.1", "localhost") else {host}
        return {f"{name}:{port}" for name in names}

    def start_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="rating-server", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: RatingServer
    server_version = "arxiv-pipeline"
    sys_version = ""

    @property
    def timeout(self) -> float:  # type: ignore[override]  # read by StreamRequestHandler.setup
        return self.server.idle_timeout_s

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(f"{self.address_string()} {format % args}")

    # -- helpers ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json; charset=utf-8")

    def _host_ok(self) -> bool:
        # A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends
        # its own name as Host.
        return self.headers.get("Host", "") in self.server.allowed_hosts()

    # -- GET: the site and the session -----------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_ok():
            return self._json(HTTPStatus.FORBIDDEN, {"error": "unknown Host"})
        path = unquote(urlsplit(self.path).path)
        if path == "/api/session":
            ratings = {arxiv_id: r["rating"] for arxiv_id, r in self.server.store.current_ratings().items()}
            return self._json(HTTPStatus.OK, {"token": self.server.token, "ratings": ratings})
        self._file(path)

    def _file(self, path: str) -> None:
        root = self.server.site_dir
        try:
            target = (root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            found = target.is_relative_to(root) and target.is_file()
        except (ValueError, OSError):  # a NUL byte, a name too long for the file system
            found = False
        if not found:
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, target.read_bytes(), kind)

    # -- POST: a rating --------------------------------------------------------------------
    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/api/rate":
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        if not self._host_ok() or self.headers.get("Origin") not in self.server.allowed_origins():
            return self._json(HTTPStatus.FORBIDDEN, {"error": "ratings are accepted from this site only"})
        if not secrets.compare_digest(self.headers.get(TOKEN_HEADER, ""), self.server.token):
            return self._json(HTTPStatus.FORBIDDEN, {"error": "missing or stale token; reload the page"})
        if "Content-Type" not in self.headers or self.headers.get_content_type() != "application/json":
            return self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send JSON"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"body must be 1 to {MAX_BODY} bytes"})
        try:
            body = json.loads(self.rfile.read(length))
            paper, rating = body["arxiv_id"], body["rating"]
            if not isinstance(paper, str):
                raise RatingError('arxiv_id must be a string, like "2611.10001"')
            version = body.get("version")
            if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
                raise RatingError("version must be a whole number")
        except (ValueError, KeyError, TypeError, RecursionError) as err:
            message = str(err) if isinstance(err, RatingError) else "expected {arxiv_id, rating[, version]}"
            return self._json(HTTPStatus.BAD_REQUEST, {"error": message})
        try:
            rated = rate_paper(self.server.store, paper, rating, "site", version)
        except RatingError as err:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(err)})
        except StoreBusyError:
            return self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "the database is busy; try again"})
        self._json(
            HTTPStatus.OK,
            {
                "arxiv_id": rated.arxiv_id,
                "version": rated.version,
                "rating": rated.rating,
                "saved": str(rated),
            },
        )
