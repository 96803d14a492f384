"""`arxiv-pipeline serve` under faults, over real sockets: idle connections are closed and capped,
odd paths and bodies get an HTTP answer (not a dropped connection), localhost works like 127.0.0.1,
and only JSON with a string arxiv_id is a rating."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_pipeline.core.profile.serve import TOKEN_HEADER, RatingServer
from arxiv_pipeline.core.store import open_warehouse


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RatingServer]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>digest</title>", encoding="utf-8")
    logged: list[str] = []
    store = open_warehouse(tmp_path / "store.duckdb", lock_timeout_s=5)
    served = RatingServer(site, store, port=0, log=logged.append, max_connections=8, idle_timeout_s=1.0)
    served.logged = logged  # type: ignore[attr-defined]
    served.start_in_background()
    yield served
    served.shutdown()
    served.server_close()


def request(
    server: RatingServer, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if is_json else {}
    finally:
        conn.close()


def session(server: RatingServer, host: str) -> dict[str, str]:
    port = server.server_address[1]
    status, reply = request(server, "GET", "/api/session", headers={"Host": f"{host}:{port}"})
    assert status == 200
    return {
        "Host": f"{host}:{port}",
        "Origin": f"http://{host}:{port}",
        "Content-Type": "application/json",
        TOKEN_HEADER: reply["token"],
    }


def test_idle_connections_are_closed_and_capped(server: RatingServer) -> None:
    port = server.server_address[1]
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    try:
        # Beyond the cap a connection is answered 503 at once instead of taking a thread.
        answers = []
        for sock in idle[8:]:
            sock.settimeout(5)
            answers.append(sock.recv(100))
        assert all(a.startswith(b"HTTP/1.1 503") for a in answers), answers
        # The idle ones are closed once the idle timeout passes, and a reader gets the page again.
        held = idle[:8]
        for sock in held:
            sock.settimeout(5)
        started = time.monotonic()
        assert [sock.recv(100) for sock in held] == [b""] * 8
        assert time.monotonic() - started < 4
        status, _ = request(server, "GET", "/api/session", headers={"Host": f"127.0.0.1:{port}"})
        assert status == 200
    finally:
        for sock in idle:
            sock.close()


def test_a_nul_byte_in_the_path_is_not_found(server: RatingServer) -> None:
    assert request(server, "GET", "/%00")[0] == 404
    assert request(server, "GET", "/a%00b/index.html")[0] == 404
    assert request(server, "GET", "/" + "x" * 5000)[0] == 404
    assert request(server, "GET", "/")[0] == 200


def test_a_deeply_nested_body_is_a_bad_request(server: RatingServer) -> None:
    headers = session(server, "127.0.0.1")
    body = b"[" * 1900 + b"]" * 1900
    status, reply = request(server, "POST", "/api/rate", body, headers)
    assert status == 400 and "expected {arxiv_id, rating" in reply["error"]
    assert not [line for line in server.logged if "dropped" in line]  # type: ignore[attr-defined]


def test_a_page_opened_as_localhost_can_rate(server: RatingServer) -> None:
    headers = session(server, "localhost")
    body = json.dumps({"arxiv_id": "2611.10032", "rating": 1}).encode()
    status, reply = request(server, "POST", "/api/rate", body, headers)
    # Past the Origin check: refused only because this store holds no day.
    assert status == 400 and "not a paper of any stored day" in reply["error"]
    foreign = {**headers, "Origin": "http://localhost.evil.example:80"}
    assert request(server, "POST", "/api/rate", body, foreign)[0] == 403


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("application/jsonx", 415), ("text/json", 415), ("application/json; charset=utf-8", 400)],
)
def test_only_json_is_a_rating(server: RatingServer, content_type: str, expected: int) -> None:
    headers = {**session(server, "127.0.0.1"), "Content-Type": content_type}
    body = json.dumps({"arxiv_id": "2699.00001", "rating": 1}).encode()
    assert request(server, "POST", "/api/rate", body, headers)[0] == expected


@pytest.mark.parametrize("arxiv_id", [["2611.10032"], {"id": "2611.10032"}, 2611.10032, None])
def test_an_arxiv_id_that_is_not_a_string_is_refused(server: RatingServer, arxiv_id: object) -> None:
    headers = session(server, "127.0.0.1")
    body = json.dumps({"arxiv_id": arxiv_id, "rating": 1}).encode()
    status, reply = request(server, "POST", "/api/rate", body, headers)
    assert status == 400 and reply["error"] == 'arxiv_id must be a string, like "2611.10001"'
