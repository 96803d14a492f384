"""The static site in a real browser: headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

if not Path(CHROMIUM).exists():
    # CI installs chromium (.ci/run); there a missing browser is a failure, not a skip.
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed; .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
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


def test_day_page_lists_filters_and_expands(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    site = config_files.root / "data" / "digests" / "site"
    selected = [s for s in warehouse_for(path).read_day("paper_scores", DAY_1) if s["selected"]]

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((site / "2026-11-17.html").as_uri())

    papers = page.locator("article.paper")
    assert papers.count() == len(selected)
    visible = lambda: page.locator("article.paper:visible").count()  # noqa: E731
    assert visible() == len(selected)

    # Category filter narrows to that section.
    cs_cl = page.locator("section.category[data-category='cs.CL'] article.paper").count()
    page.select_option("#category", "cs.CL")
    assert visible() == cs_cl < len(selected)
    assert page.locator("#shown").inner_text() == f"{cs_cl} shown"
    page.select_option("#category", "")

    # Keyword filter.
    page.select_option("#keyword", "reinforcement learning")
    with_kw = [s for s in selected if "reinforcement learning" in s["matched_keywords"]]
    assert visible() == len(with_kw)
    page.select_option("#keyword", "")

    # Search over titles and TL;DRs, case-insensitive.
    page.fill("#search", "SPECULATIVE")
    assert visible() == 1
    page.fill("#search", "no such paper anywhere")
    assert visible() == 0 and page.locator("#empty").is_visible()
    page.fill("#search", "")
    assert visible() == len(selected)

    # A summary expands on click.
    first = papers.first.locator("details")
    assert first.get_attribute("open") is None
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    assert first.locator("dd").first.is_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-day-light.png"), full_page=False)
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(ARTIFACTS / "site-day-dark-phone.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.goto((site / "index.html").as_uri())
    assert page.locator("table.days a").first.inner_text().startswith("Tue 17 Nov 2026")
    page.locator("table.days a").first.click()
    assert page.url.endswith("2026-11-17.html")
    assert problems == []
