"""Stand-ins for chat services on 127.0.0.1, driven by the real notification library (Apprise).

Generic JSON webhooks take any URL, so they are served directly. Slack, Discord and Telegram
webhooks have fixed hosts (hooks.slack.com, discord.com, api.telegram.org) over HTTPS: the
server is also an HTTPS proxy (``HTTPS_PROXY``) that answers CONNECT itself and speaks TLS with a
certificate for that host, signed by a test CA the client is told to trust
(``REQUESTS_CA_BUNDLE``). Nothing leaves the machine; every request is recorded as received.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import trustme

from arxiv_pipeline_tests.fakes.local_server import LocalServer


@dataclass
class Received:
    host: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what was answered

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookServer(LocalServer):
    """Records every request; answers from a script of (status, headers) per request, then 200."""

    HOSTS = ("hooks.slack.com", "discord.com", "api.telegram.org")

    def __init__(self, ca_dir: Path) -> None:
        self.received: list[Received] = []
        self.script: deque[tuple[int, dict[str, str]]] = deque()
        self._lock = threading.Lock()
        self._ca = trustme.CA()
        self.ca_file = ca_dir / "webhook-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert(*self.HOSTS).configure_cert(self._tls)
        self._start_server(self._handler())

    def answer(self, *replies: tuple[int, dict[str, str]]) -> None:
        self.script.extend(replies)

    def _reply_for(self) -> tuple[int, dict[str, str]]:
        with self._lock:
            return self.script.popleft() if self.script else (200, {})

    @property
    def proxy_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @contextmanager
    def as_proxy(self, monkeypatch: Any) -> Iterator[None]:
        """The fixed-host services reach this server: the process's HTTPS goes through it."""
        monkeypatch.setenv("HTTPS_PROXY", self.proxy_url)
        monkeypatch.setenv("https_proxy", self.proxy_url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self.ca_file))
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            tunnel_host = ""

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_CONNECT(self) -> None:
                host = self.path.split(":", 1)[0]
                if host not in server.HOSTS:
                    self.send_error(403, "only the stood-in services")
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                tls = server._tls.wrap_socket(self.connection, server_side=True)
                self.connection = tls
                self.rfile = tls.makefile("rb")
                self.wfile = tls.makefile("wb")
                self.tunnel_host = host
                self.close_connection = False
                while not self.close_connection:
                    self.handle_one_request()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers = server._reply_for()
                host = self.tunnel_host or self.headers.get("Host", "")
                with server._lock:
                    server.received.append(Received(host, self.path, dict(self.headers), body, status))
                payload, kind = (b'{"ok": true}', "application/json") if status < 300 else (b"{}", "")
                if host == "hooks.slack.com" and status < 300:
                    payload, kind = b"ok", "text/plain"  # what Slack's incoming webhooks answer
                if host == "api.telegram.org" and status < 300:
                    payload = b'{"ok": true, "result": {"message_id": 1}}'
                self.send_response(status)
                for name, value in {"Content-Type": kind or "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
