"""`arxiv-pipeline serve` in headless Chromium: the rating buttons store ratings in DuckDB, the
next reader_profile materialization changes the scores, and what is not a rating from this site
is refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import dagster as dg
import pytest
from playwright.sync_api import expect

from arxiv_pipeline.core.profile.serve import TOKEN_HEADER, RatingServer
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.defs.stages import paper_scores, reader_profile
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for

pytestmark = pytest.mark.slow


@pytest.fixture
def served(config_files: ConfigFactory, materialize_day: Materialize):
    path = config_files.write()
    materialize_day(path, DAY_1)
    store = warehouse_for(path)
    server = RatingServer(config_files.root / "data" / "digests" / "site", store, port=0)
    server.start_in_background()
    yield path, store, server
    server.shutdown()
    server.server_close()


def post(server: RatingServer, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.origin}/api/rate", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def ratings(store: Warehouse) -> list[tuple[str, int, str]]:
    return [
        (r["arxiv_id"], r["rating"], r["source"]) for r in store.query("SELECT * FROM ratings ORDER BY rowid")
    ]


def test_rate_in_the_browser_then_the_profile_changes_the_scores(served, browser) -> None:
    path, store, server = served
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    # Hold the page's token request until the first press is made: a press that comes before the
    # server has answered waits for it instead of saying there is no server.
    held: list = []
    page.route("**/api/session", lambda route: held.append(route))
    page.goto(f"{server.origin}/2026-11-17.html")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page did not ask the server for its token"

    paper = page.locator("article#paper-2611\\.10032")  # ranked 20th on keywords alone
    more = paper.get_by_role("button", name="More like this")
    status = paper.locator(".rate-status")
    # Keyboard: focus the button and press Enter.
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert status.text_content() == ""
    held[0].continue_()
    page.unroute("**/api/session")
    expect(status).to_have_text("Saved: more like this")
    expect(more).to_have_attribute("aria-pressed", "true")
    assert ratings(store) == [("2611.10032", 1, "site")]

    # Pressing it again undoes it; "less like this" on another paper, by tap.
    more.click()
    expect(status).to_have_text("Rating removed")
    expect(more).to_have_attribute("aria-pressed", "false")
    more.click()
    expect(more).to_have_attribute("aria-pressed", "true")
    less = page.locator("article#paper-2611\\.10036").get_by_role("button", name="Less like this")
    less.click()
    expect(less).to_have_attribute("aria-pressed", "true")
    assert ratings(store) == [
        ("2611.10032", 1, "site"),
        ("2611.10032", 0, "site"),
        ("2611.10032", 1, "site"),
        ("2611.10036", -1, "site"),
    ]
    assert {k: v["rating"] for k, v in store.current_ratings().items()} == {"2611.10032": 1, "2611.10036": -1}

    # A reload shows the stored ratings.
    page.reload()
    expect(
        page.locator("article#paper-2611\\.10032").get_by_role("button", name="More like this")
    ).to_have_attribute("aria-pressed", "true")
    assert not problems, problems

    # The next reader_profile materialization (and the scores after it) use the rating.
    before = {s["arxiv_id"]: s for s in store.read_day("paper_scores", DAY_1)}
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [reader_profile, paper_scores],
            partition_key=DAY_1.isoformat(),
            resources=pipeline_resources(config_path=str(path)),
            instance=instance,
            selection=[reader_profile.key, paper_scores.key],
        )
    assert result.success
    after = {s["arxiv_id"]: s for s in store.read_day("paper_scores", DAY_1)}
    assert after["2611.10032"]["rank"] < before["2611.10032"]["rank"]
    assert after["2611.10032"]["scorer"] == "keyword+library"
    assert any(
        "a paper you liked" in w
        for w in after["2611.10005"]["explanation"] + after["2611.10035"]["explanation"]
    )


def test_foreign_origins_stale_tokens_and_unknown_ids_are_refused(served) -> None:
    _path, store, server = served
    with urllib.request.urlopen(f"{server.origin}/api/session", timeout=10) as response:
        token = json.loads(response.read())["token"]
    good = {"Content-Type": "application/json", "Origin": server.origin, TOKEN_HEADER: token}
    body = json.dumps({"arxiv_id": "2611.10032", "rating": 1}).encode()

    assert post(server, body, {**good, "Origin": "http://evil.example"})[0] == 403
    assert post(server, body, {k: v for k, v in good.items() if k != "Origin"})[0] == 403
    assert post(server, body, {**good, TOKEN_HEADER: "guessed"})[0] == 403
    assert post(server, body, {**good, "Host": "evil.example"})[0] == 403  # DNS rebinding
    assert post(server, body, {**good, "Content-Type": "text/plain"})[0] == 415
    status, reply = post(server, json.dumps({"arxiv_id": "2699.99999", "rating": 1}).encode(), good)
    assert status == 400 and "not a paper of any stored day" in reply["error"]
    status, reply = post(server, json.dumps({"arxiv_id": "../../etc", "rating": 1}).encode(), good)
    assert status == 400 and "not an arXiv id" in reply["error"]
    status, reply = post(server, json.dumps({"arxiv_id": "2611.10032", "rating": 5}).encode(), good)
    assert status == 400 and "up, down or clear" in reply["error"]
    assert post(server, b"{not json", good)[0] == 400
    assert ratings(store) == []
    # Only the site folder is served.
    for probe in (
        "/../arxiv_pipeline.duckdb",
        "/%2e%2e/arxiv_pipeline.duckdb",
        "/assets/../../../etc/passwd",
    ):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.origin + probe, timeout=10)
        assert err.value.code == 404

    assert post(server, body, good) == (
        200,
        {"arxiv_id": "2611.10032", "version": 1, "rating": 1, "saved": "2611.10032v1: more like this"},
    )
    assert ratings(store) == [("2611.10032", 1, "site")]


def test_opened_as_a_file_the_buttons_only_say_they_need_serve(
    config_files: ConfigFactory, materialize_day: Materialize, browser
) -> None:
    path = config_files.write()
    materialize_day(path, DAY_1)
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((config_files.root / "data" / "digests" / "site" / "2026-11-17.html").as_uri())
    button = page.locator("article.paper .rate-btn").first
    button.click()
    status = page.locator("article.paper .rate-status").first
    assert "arxiv-pipeline serve" in status.inner_text()
    assert button.get_attribute("aria-pressed") == "false"
    assert [u for u in requests if "api/" in u] == []
    assert warehouse_for(path).query("SELECT count(*) AS n FROM ratings")[0]["n"] == 0
