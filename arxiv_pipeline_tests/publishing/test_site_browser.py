"""The static site in a real browser: headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, ConfigFactory, Materialize, warehouse_for

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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

    # Search over titles, authors, abstracts and TL;DRs, case-insensitive.
    page.fill("#search", "SPECULATIVE")
    assert visible() == 1
    by_author = [s for s in selected if s["followed_authors"] == ["Mei Tanaka"]]
    page.fill("#search", "mei tanaka")
    assert visible() == len(by_author) >= 1
    page.fill("#search", "tree attention mask")  # words of an abstract only
    assert visible() == 1
    page.fill("#search", "no such paper anywhere")
    assert visible() == 0 and page.locator("#empty").is_visible()
    page.fill("#search", "")
    assert visible() == len(selected)

    # Followed authors stand out.
    followed = page.locator("strong.followed")
    assert followed.count() == len(by_author) and followed.first.inner_text() == "★ Mei Tanaka"

    # The abstract expands on click; extractive summaries are said to be quotes, not repeated.
    first = papers.first.locator("details")
    assert first.get_attribute("open") is None
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    assert first.locator("p.abstract").is_visible() and first.locator("dd").count() == 0
    assert "(quoted from the abstract)" in papers.first.locator("p.tldr").inner_text()

    # Every text meets WCAG AA contrast (4.5:1) in light and dark mode.
    assert page.evaluate(CONTRAST_JS) == []
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(CONTRAST_JS) == []
    page.emulate_media(color_scheme="light")

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
    assert page.evaluate(CONTRAST_JS) == []
    assert page.locator("link[rel=icon]").get_attribute("href") == "assets/favicon.svg"
    assert (site / "assets" / "favicon.svg").read_text().startswith("<svg")
    assert problems == []


def test_day_pages_link_to_the_days_before_and_after(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    materialize_day(path, DAY_2)  # built after the 17th's page was written
    site = config_files.root / "data" / "digests" / "site"
    page = browser.new_page()
    page.goto((site / "2026-11-17.html").as_uri())
    assert page.locator("#prev-day").is_hidden()
    assert page.locator("#next-day").get_attribute("href") == "2026-11-18.html"
    assert page.locator("#next-day").inner_text() == "Wed 18 Nov →"
    page.locator("#next-day").click()
    assert page.url.endswith("2026-11-18.html")
    assert page.locator("#next-day").is_hidden()
    assert page.locator("#prev-day").get_attribute("href") == "2026-11-17.html"


# (selector, contrast) for each visible element with text whose colour is below 4.5:1 against the
# background it is drawn on (the nearest ancestor with an opaque background, over the page's).
CONTRAST_JS = """
() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] === 1)) { return c; }
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.offsetParent) { continue; }
    const style = getComputedStyle(el);
    let fg = rgb(style.color);
    const alpha = Number(style.opacity);
    const bg = background(el);
    if (alpha < 1) { fg = fg.map((v, i) => v * alpha + bg[i] * (1 - alpha)); }
    const [a, b] = [lum(fg.slice(0, 3)), lum(bg.slice(0, 3))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) { bad.push(el.tagName.toLowerCase() + "." + el.className + " " + ratio.toFixed(2)); }
  }
  return bad;
}
"""
