"""Chat delivery through Apprise to stand-ins for Slack, Discord, Telegram and a generic JSON
webhook on 127.0.0.1: the payloads each service would get, with untrusted text made inert."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from arxiv_pipeline.core.deliver.messages import DeliveryDigest, PaperLine, build_chat
from arxiv_pipeline_tests.delivery.conftest import Site
from arxiv_pipeline_tests.fakes.webhook_server import WebhookServer

pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script> *bold* @channel <!channel> @everyone [link](javascript:alert(1))"
SECRETS = {
    "SLACK_URL": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7",
    "DISCORD_URL": "discord://417429632418316298/JHZ7lQml277CDHmQKMHI8qBe7bk2ZwO5UKjCiOAF",
    "TELEGRAM_URL": "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/12315544/",
}


def chat_targets(hooks: WebhookServer, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    monkeypatch.setenv("HOOK_URL", f"json://{hooks.proxy_url.removeprefix('http://')}/digest-hook")
    for name, url in SECRETS.items():
        monkeypatch.setenv(name, url)
    return [
        {"kind": "chat", "name": name.split("_")[0].lower(), "url_env": name, "top": 5}
        for name in ("SLACK_URL", "DISCORD_URL", "TELEGRAM_URL", "HOOK_URL")
    ]


def test_each_service_gets_its_payload_with_hostile_text_inert(
    site: Site, hooks: WebhookServer, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.configure(chat_targets(hooks, monkeypatch))
    site.plant("2611.10001", title=HOSTILE, tldr="Ping <@U024BE7LH> and @here, *now*.")
    result = site.deliver(instance)
    [check] = result.get_asset_check_evaluations()
    assert check.passed, check.description
    by_host = {r.host: r for r in hooks.received}
    assert set(by_host) == {
        "hooks.slack.com",
        "discord.com",
        "api.telegram.org",
        "127.0.0.1:" + str(hooks.proxy_url.rsplit(":", 1)[1]),
    }

    slack = by_host["hooks.slack.com"]
    assert slack.path == "/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"
    [attachment] = slack.json()["attachments"]
    assert slack.json()["mrkdwn"] is False  # plain text: *bold* and [link](...) stay literal
    text = attachment["text"]
    assert "&lt;script&gt;" in text and "<script" not in text
    assert "<!channel>" not in text and "<@U024BE7LH>" not in text and "<javascript:" not in text
    assert attachment["title"].startswith("arXiv Digest — Tue 17 Nov 2026: 21 papers")
    assert text.count("https://digest.example.org/2026-11-17.html#paper-") == 5

    discord = by_host["discord.com"].json()["content"]
    assert "\\*bold\\*" in discord and "\\[link\\]\\(javascript:alert\\(1\\)\\)" in discord
    assert "@everyone" not in discord and "@here" not in discord and "<@U024BE7LH>" not in discord
    assert "@\u2060everyone" in discord  # still readable, notifies nobody
    assert len(discord) <= 2000

    telegram = by_host["api.telegram.org"]
    assert telegram.path.startswith("/bot123456789:") and telegram.path.endswith("/sendMessage")
    body = telegram.json()
    assert body["parse_mode"] == "HTML" and "&lt;script&gt;" in body["text"] and "<script" not in body["text"]

    generic = next(r for r in hooks.received if r.path == "/digest-hook").json()
    assert generic["title"].startswith("arXiv Digest") and "@\u2060channel" in generic["message"]

    ledger = site.ledger()
    assert {t: r["status"] for t, r in ledger.items()} == dict.fromkeys(
        ("slack", "discord", "telegram", "hook"), "sent"
    )
    assert all(secret.split("://")[1][:20] not in str(ledger) for secret in SECRETS.values())


def test_429_and_500_are_retried_then_sent_once(
    site: Site, hooks: WebhookServer, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    [*_, hook] = chat_targets(hooks, monkeypatch)
    site.configure([hook], max_attempts=3)
    hooks.answer((429, {"Retry-After": "1"}), (500, {}))
    result = site.deliver(instance)
    assert result.get_asset_check_evaluations()[0].passed
    assert [r.status for r in hooks.received] == [429, 500, 200]
    row = site.ledger()["hook"]
    assert (row["status"], row["attempts"]) == ("sent", 3)
    site.deliver(instance)  # already sent: nothing more goes out
    assert len(hooks.received) == 3


def test_a_service_that_keeps_failing_is_recorded_without_its_secret(
    site: Site, hooks: WebhookServer, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "s3cr3t-webhook-token-0f9a8b7c"
    monkeypatch.setenv("HOOK_URL", f"json://{hooks.proxy_url.removeprefix('http://')}/{token}")
    site.configure([{"kind": "chat", "name": "hook", "url_env": "HOOK_URL"}], max_attempts=2)
    hooks.answer((503, {}), (503, {}))
    result = site.deliver(instance)
    [check] = result.get_asset_check_evaluations()
    assert not check.passed and "hook: failed after 2 tries" in check.description
    row = site.ledger()["hook"]
    assert row["status"] == "failed" and "503" in row["detail"] and token not in row["detail"]
    assert token not in check.description


def test_a_missing_url_variable_names_the_variable(site: Site, instance: dg.DagsterInstance) -> None:
    site.configure([{"kind": "chat", "name": "team", "url_env": "NOT_SET_ANYWHERE_URL"}])
    result = site.deliver(instance)
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
    assert (
        "the environment variable NOT_SET_ANYWHERE_URL (delivery target team's service URL) is not set"
        in (check.description)
    )


def _digest(papers: int, title_chars: int) -> DeliveryDigest:
    lines = [
        PaperLine(
            rank=i + 1,
            title=("T" * title_chars)[: title_chars - 1] + str(i % 10),
            authors="A. Author",
            category="cs.LG",
            score=1.0,
            tldr="A sentence about the paper. " * 5,
            why="matches keyword",
            summary_kind="",
            abs_url=f"https://arxiv.org/abs/2611.{10000 + i}",
            pdf_url=f"https://arxiv.org/pdf/2611.{10000 + i}v1",
            site_url=None,
        )
        for i in range(papers)
    ]
    return DeliveryDigest(
        date(2026, 11, 17), "arXiv Digest", lines, papers, papers * 3, "https://x.org/d.html"
    )


@pytest.mark.parametrize("limit", [300, 2000, 4096])
def test_a_message_fits_the_service_and_never_cuts_a_paper_in_half(limit: int) -> None:
    digest = _digest(50, 180)
    message = build_chat(digest, 50, "discord", limit, 250)
    assert len(message.body) <= limit
    assert 0 < message.papers < 50
    assert message.body.endswith(f"… and {50 - message.papers} more: https://x.org/d.html")
    for i in range(message.papers):
        assert f"https://arxiv.org/abs/2611.{10000 + i}" in message.body
    assert f"2611.{10000 + message.papers}" not in message.body
