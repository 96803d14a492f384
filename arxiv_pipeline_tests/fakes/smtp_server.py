"""A real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS and AUTH, that can misbehave on
purpose: refuse the login, drop the connection in the middle of DATA, or stall until the client
times out. It keeps what it accepted as parsed ``email`` messages."""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
from collections import deque
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "reader@example.org", "correct horse battery staple"


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        fault = self.server.faults.popleft() if self.server.faults else None
        self.server.data_commands += 1
        if fault == "drop":
            smtp.transport.close()  # the connection ends before the server says it took the message
            return "421 closing"
        if fault == "stall":
            await asyncio.sleep(self.server.stall_s)
            return "451 too late"
        if fault == "busy":
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=default)
        self.server.accepted.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 2.0.0 queued"


class SMTPServer:
    """``faults``: what to do at each DATA in turn ("drop", "stall", "busy"); then accept."""

    def __init__(self, ca_dir: Path, password: str = PASSWORD) -> None:
        self.accepted: list[tuple[list[str], EmailMessage]] = []
        self.faults: deque[str] = deque()
        self.data_commands = 0
        self.logins: list[tuple[str, bool]] = []
        self.stall_s = 5.0
        self.password = password
        ca = trustme.CA()
        self.ca_file = ca_dir / "smtp-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(tls)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=tls,
            require_starttls=True,
            auth_required=True,
            authenticator=self._authenticate,
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = data.login.decode() == USER and data.password.decode() == self.password
        self.logins.append((data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)  # a refusal gets the standard 535 reply

    def __enter__(self) -> SMTPServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
