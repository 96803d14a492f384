"""A real PostgreSQL server per test module, for the deployment tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arxiv_pipeline_tests.postgres_server import PostgresServer


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()
