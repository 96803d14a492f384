"""A threaded HTTP server on 127.0.0.1 on a free port, started and stopped as a context manager."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LocalServer:
    path_prefix = ""

    def _start_server(self, handler: type[BaseHTTPRequestHandler]) -> None:
        # TCP_NODELAY: without it a reply's last segment waits on the client's delayed ACK
        # (Nagle), adding ~40 ms to every call, which a benchmark would count as the server's.
        handler.disable_nagle_algorithm = True
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.path_prefix}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
