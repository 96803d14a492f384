"""A built sample day to deliver, the local SMTP and webhook servers, and a helper that
materializes digest_delivery the way a run does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from arxiv_pipeline.core.config import overlay
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.defs.stages import ALL_ASSETS, digest_delivery
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, default_test_config
from arxiv_pipeline_tests.fakes.smtp_server import PASSWORD, USER, SMTPServer
from arxiv_pipeline_tests.fakes.webhook_server import WebhookServer


@pytest.fixture(scope="session")
def built_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two sample days, built once; each test works on a copy."""
    root = tmp_path_factory.mktemp("built")
    path = root / "arxiv_pipeline.yaml"
    path.write_text(yaml.safe_dump(default_test_config(), allow_unicode=True, sort_keys=False), "utf-8")
    with dg.DagsterInstance.ephemeral() as instance:
        for day in (DAY_1, DAY_2):
            dg.materialize(
                ALL_ASSETS,
                partition_key=day.isoformat(),
                resources=pipeline_resources(config_path=str(path)),
                instance=instance,
            )
    return root


class Site:
    """A copy of the built days, with a config that gains delivery targets."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "arxiv_pipeline.yaml"

    def configure(self, targets: list[dict[str, Any]], **delivery: Any) -> Path:
        data = overlay(
            default_test_config(),
            {
                "publish": {"site_url": "https://digest.example.org/"},
                # The sample days are a fixed date: their age must not decide what is sent.
                "delivery": {"targets": targets, "backoff_base_s": 0.01, "max_age_days": 0, **delivery},
            },
        )
        self.path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return self.path

    @property
    def store(self) -> Warehouse:
        return Warehouse(self.root / "data" / "arxiv_pipeline.duckdb")

    def deliver(
        self,
        instance: dg.DagsterInstance,
        day: date = DAY_1,
        targets: list[str] | None = None,
        force: bool = False,
    ) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [digest_delivery],
            partition_key=day.isoformat(),
            resources=pipeline_resources(config_path=str(self.path)),
            instance=instance,
            run_config={"ops": {"digest_delivery": {"config": {"targets": targets or [], "force": force}}}},
        )

    def ledger(self, day: date = DAY_1) -> dict[str, dict[str, Any]]:
        rows = self.store.query("SELECT * FROM deliveries WHERE announce_date = ?", [day])
        return {r["target"]: r for r in rows}

    def empty(self, day: date) -> None:
        """Make ``day`` a day arXiv announced nothing (a holiday): every feed empty, no papers."""
        with self.store.connect() as conn:
            for table in ("arxiv_listings", "candidate_papers", "paper_scores", "paper_summaries"):
                conn.execute(f"DELETE FROM {table} WHERE announce_date = ?", [day])
            conn.execute("UPDATE feed_reports SET status = 'empty', items = 0 WHERE announce_date = ?", [day])

    def plant(self, arxiv_id: str, title: str | None = None, tldr: str | None = None) -> None:
        """Untrusted text as arXiv or an LLM might send it, written where the digest reads it."""
        with self.store.connect() as conn:
            if title is not None:
                conn.execute("UPDATE candidate_papers SET title = ? WHERE arxiv_id = ?", [title, arxiv_id])
            if tldr is not None:
                conn.execute("UPDATE paper_summaries SET tldr = ? WHERE arxiv_id = ?", [tldr, arxiv_id])


@pytest.fixture
def site(built_days: Path, tmp_path: Path) -> Site:
    root = tmp_path / "site"
    shutil.copytree(built_days, root)
    return Site(root)


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SMTPServer]:
    with SMTPServer(tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))  # the client trusts the test CA
        monkeypatch.setenv("DIGEST_SMTP_PASSWORD", PASSWORD)
        yield server


def email_target(server: SMTPServer, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "email",
        "name": "inbox",
        "host": "127.0.0.1",
        "port": server.port,
        "username": USER,
        "password_env": "DIGEST_SMTP_PASSWORD",
        "from": "arXiv digest <digest@example.org>",
        "to": ["reader@example.org", "Second Reader <second@example.org>"],
        "top": 5,
        "list_unsubscribe": "https://digest.example.org/unsubscribe",
        "timeout_s": 5,
        **changes,
    }


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookServer]:
    with WebhookServer(tmp_path) as server, server.as_proxy(monkeypatch):
        yield server


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst
