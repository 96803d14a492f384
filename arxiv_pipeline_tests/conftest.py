from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from arxiv_pipeline.core.config import DEFAULT_CONFIG_PATH, PipelineConfig, load_config, overlay
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR
from arxiv_pipeline_tests.fakes.postgres_server import PostgresServer

DAY_1 = date(2026, 11, 17)

# Tests that need Chromium or PostgreSQL are marked by the fixture they use; every such test, and
# every test that starts processes, is slow (out of the fast tier, `pytest -m "not slow"`).
_FIXTURE_MARKS = {"browser": "browser", "postgres": "postgres"}
_SLOW_KINDS = ("browser", "postgres", "subprocess")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in _FIXTURE_MARKS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
        if any(item.get_closest_marker(kind) for kind in _SLOW_KINDS) and not item.get_closest_marker("slow"):
            item.add_marker("slow")


DAY_2 = date(2026, 11, 18)


def default_test_config() -> dict[str, Any]:
    """The packaged default config, on the synthetic days whose planted cases the tests check
    (the package ships a real day, which has none of them)."""
    data = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    data["source"]["replay_dir"] = str(SYNTHETIC_DAYS_DIR)
    return data


class ConfigFactory:
    """Writes config files into a temp dir: the packaged default plus changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "arxiv_pipeline.yaml"

    def write(self, **changes: Any) -> Path:
        data = overlay(default_test_config(), changes)
        self.path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return self.path

    def load(self) -> PipelineConfig:
        return load_config(self.path)

    def write_live(self, arxiv_url: str, source: dict[str, Any] | None = None, **changes: Any) -> Path:
        """A config on the live source pointed at a stand-in arXiv at ``arxiv_url``, with no
        spacing or back-off between requests; full texts off (test_fulltext.py's business, and
        arxiv.org is not to be reached from here)."""
        live = {
            "kind": "arxiv",
            "rss_url": f"{arxiv_url}/rss/{{}}",
            "api_url": f"{arxiv_url}/api/query?{{}}",
            "min_interval_s": 0,
            "backoff_base_s": 0,
        }
        return self.write(source={**live, **(source or {})}, fulltext={"top": 0}, **changes)


@pytest.fixture
def config_files(tmp_path: Path) -> ConfigFactory:
    return ConfigFactory(tmp_path)


@pytest.fixture
def instance() -> dg.DagsterInstance:
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst


@pytest.fixture
def temp_instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A persistent instance in a temp dir: what schedules and sensors need (a reference to it)."""
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        yield instance


Materialize = Callable[..., dg.ExecuteInProcessResult]


@pytest.fixture
def materialize_day(instance: dg.DagsterInstance) -> Materialize:
    """Materialize every asset for one day, as the UI or the schedule would."""

    def run(config_path: Path, day: date, raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            ALL_ASSETS,
            partition_key=day.isoformat(),
            resources=pipeline_resources(config_path=str(config_path)),
            instance=instance,
            raise_on_error=raise_on_error,
        )

    return run


def warehouse_for(config_path: Path) -> Warehouse:
    return Warehouse(load_config(config_path).database_path)


def tick_sensor(
    sensor: dg.SensorDefinition,
    config_path: Path,
    instance: dg.DagsterInstance,
    cursor: str | None = None,
    definitions: dg.Definitions | None = None,
) -> dg.SensorResult:
    """One tick of ``sensor`` as the daemon evaluates it: the shipped Definitions (or a lab's)
    and the pipeline's resources on ``config_path``."""
    from arxiv_pipeline.definitions import defs

    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        definitions=definitions or defs,
        resources=pipeline_resources(config_path=str(config_path)),
    ) as context:
        return sensor(context)


# Headless Chromium (Debian's package) driven by Playwright, for the site and email browser tests.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        # CI installs chromium (.ci/run); there a missing browser is a failure, not a skip.
        if os.environ.get("CI"):
            raise RuntimeError("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server (Debian's package) for the module's tests."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


# Real arXiv papers (PDFs and an HTML page, with their origin in its README), kept beside the
# repository in ../shared/realtext and never copied into it.
REALTEXT = Path(__file__).resolve().parents[1].parent / "shared" / "realtext"


@pytest.fixture(scope="session")
def realtext() -> Path:
    if not REALTEXT.is_dir():
        # CI lays ../shared beside the clone; there a missing folder is a failure, not a skip.
        if os.environ.get("CI"):
            raise RuntimeError(f"{REALTEXT} is missing; CI lays ../shared beside the clone")
        pytest.skip(f"the real arXiv documents are not at {REALTEXT}")
    return REALTEXT
