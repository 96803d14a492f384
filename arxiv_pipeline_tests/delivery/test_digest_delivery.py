"""digest_delivery as users drive it: in the daily job, from `arxiv-pipeline deliver` (dry run,
--target, --force), on a day with no papers, retried by the sensor, with its secrets kept out of
everything written; and the email as a phone and a desktop show it."""

from __future__ import annotations

import email
import json
from datetime import date
from email.policy import default
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.config import ConfigError, load_config, parse_config
from arxiv_pipeline.core.deliver.stage import deliver_day
from arxiv_pipeline.defs.automation import retry_sensor
from arxiv_pipeline.defs.deliver.sensors import FAILED_DELIVERIES
from arxiv_pipeline_tests.conftest import DAY_1, DAY_2, tick_sensor
from arxiv_pipeline_tests.delivery.conftest import Site, email_target
from arxiv_pipeline_tests.fakes.smtp_server import SMTPServer
from arxiv_pipeline_tests.fakes.webhook_server import WebhookServer

pytestmark = pytest.mark.slow

failed_delivery_sensor = retry_sensor(FAILED_DELIVERIES)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_day_with_no_papers_sends_nothing_unless_the_target_asks(
    site: Site, smtp: SMTPServer, hooks: WebhookServer, instance: dg.DagsterInstance, monkeypatch
) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{hooks.proxy_url.removeprefix('http://')}/hook")
    site.configure(
        [
            email_target(smtp),
            {"kind": "chat", "name": "hook", "url_env": "HOOK_URL", "empty_days": True},
        ]
    )
    site.empty(DAY_2)
    result = site.deliver(instance, DAY_2)
    assert result.get_asset_check_evaluations()[0].passed
    assert smtp.accepted == []
    ledger = site.ledger(DAY_2)
    assert ledger["inbox"]["status"] == "skipped" and "no papers" in ledger["inbox"]["detail"]
    assert ledger["hook"]["status"] == "sent"
    [notice] = hooks.received
    assert "no new papers" in notice.json()["title"] and "no papers" in notice.json()["message"]


def test_deliver_cli_dry_run_writes_the_exact_email_and_payloads_and_sends_nothing(
    site: Site, smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    path = site.configure(
        [
            email_target(smtp),
            {"kind": "chat", "name": "discord", "url_env": "UNSET_DISCORD_URL", "top": 3},
            {"kind": "directory", "name": "www", "path": str(site.root / "www")},
        ]
    )
    assert main(["--config", str(path), "deliver", "--date", "2026-11-17", "--dry-run"]) == 0
    out = capsys.readouterr().out
    folder = site.root / "data" / "digests" / "2026-11-17" / "delivery"
    assert "nothing was sent or recorded" in out and str(folder / "inbox.eml") in out
    message = email.message_from_bytes((folder / "inbox.eml").read_bytes(), policy=default)
    assert message["Subject"] == "arXiv Digest — Tue 17 Nov 2026: 21 papers"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    chat = json.loads((folder / "discord.json").read_text(encoding="utf-8"))
    assert chat["papers"] == 3 and chat["url_env"] == "UNSET_DISCORD_URL"
    assert (folder / "www.txt").read_text().startswith("would copy 9 files to")
    assert smtp.accepted == [] and site.store.query("SELECT * FROM deliveries") == []
    assert not (site.root / "www").exists()

    # Then for real, one target: recorded in the instance like any run.
    assert main(["--config", str(path), "deliver", "--date", "2026-11-17", "--target", "inbox"]) == 0
    assert "sent" in capsys.readouterr().out and len(smtp.accepted) == 1
    assert set(site.ledger()) == {"inbox"}
    assert main(["--config", str(path), "deliver", "--date", "2026-11-17", "--target", "inbox"]) == 0
    assert "already sent" in capsys.readouterr().out and len(smtp.accepted) == 1
    assert main(["--config", str(path), "deliver", "--target", "inbox", "--force"]) == 0
    assert len(smtp.accepted) == 2
    assert main(["--config", str(path), "deliver", "--target", "pigeon"]) == 2
    assert (
        "no delivery target named pigeon; configured targets: inbox, discord, www" in capsys.readouterr().err
    )


def test_runs_do_not_email_old_days_but_deliver_by_date_does(
    site: Site, smtp: SMTPServer, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backfill of last month must not send a month of emails."""
    path = site.configure([email_target(smtp)], max_age_days=2)
    config, store = load_config(path), site.store
    old = deliver_day(config, DAY_1, store, "backfill-run", today=date(2026, 11, 20))
    assert old.counts["targets"]["inbox"]["status"] == "skipped" and smtp.accepted == []
    assert "older than delivery.max_age_days (2)" in site.ledger()["inbox"]["detail"]
    recent = deliver_day(config, DAY_1, store, "daily-run", today=date(2026, 11, 19))
    assert recent.counts["targets"]["inbox"]["status"] == "sent" and len(smtp.accepted) == 1

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["--config", str(path), "deliver", "--date", "2026-11-18"]) == 0  # asked for: any age
    assert len(smtp.accepted) == 2 and site.ledger(DAY_2)["inbox"]["status"] == "sent"


def test_secrets_reach_no_file_the_run_wrote_nor_the_instance(
    site: Site, smtp: SMTPServer, hooks: WebhookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "T0KEN-in-the-webhook-path-5e1f"
    monkeypatch.setenv("HOOK_URL", f"json://{hooks.proxy_url.removeprefix('http://')}/{token}")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    path = site.configure([email_target(smtp), {"kind": "chat", "name": "hook", "url_env": "HOOK_URL"}])
    hooks.answer((500, {}))  # a failure's message is recorded too
    assert main(["--config", str(path), "-v", "deliver"]) == 0
    assert main(["--config", str(path), "deliver", "--dry-run"]) == 0
    assert len(smtp.accepted) == 1 and hooks.received[-1].status == 200
    secrets = [smtp.password.encode(), token.encode(), token.lower().encode()]
    written = [p for p in site.root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in written)  # the Dagster instance's event log is searched too
    leaks = [(str(p), s) for p in written for s in secrets if s in p.read_bytes()]
    assert leaks == []


def test_the_sensor_retries_a_failed_day_with_only_digest_delivery(site: Site, tmp_path: Path) -> None:
    path = site.configure([{"kind": "chat", "name": "hook", "url_env": "UNSET_HOOK_URL"}], retry_minutes=10)
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:

        def tick(cursor: str | None = None) -> dg.SensorResult:
            return tick_sensor(failed_delivery_sensor, path, instance, cursor)

        assert "no failed deliveries" in tick().skip_reason.skip_message
        site.deliver(instance)
        assert site.ledger()["hook"]["status"] == "failed"
        first = tick()
        [request] = first.run_requests
        assert request.partition_key == DAY_1.isoformat() and request.run_key == "retry-delivery-2026-11-17-1"
        assert request.asset_selection == [dg.AssetKey("digest_delivery")]
        assert "next retry in" in tick(first.cursor).skip_reason.skip_message


def test_bad_delivery_settings_name_the_key_and_the_fix() -> None:
    cases = {
        "delivery.targets.0.chat.url_env: put the NAME of the environment variable": {
            "kind": "chat",
            "name": "slack",
            "url_env": "https://hooks.slack.com/services/T/B/C",
        },
        "delivery.targets.0.email.password_env: put the NAME": {
            "kind": "email",
            "name": "inbox",
            "host": "smtp.example.org",
            "from": "a@example.org",
            "to": ["b@example.org"],
            "password_env": "hunter2 is my password",
        },
        "delivery.targets.0.email.from: must be an address": {
            "kind": "email",
            "name": "inbox",
            "host": "h",
            "from": "nobody",
            "to": ["b@example.org"],
        },
        "delivery.targets.0.git.name: use lowercase letters": {
            "kind": "git",
            "name": "My Pages",
            "repository": "/srv/pages.git",
        },
        "does not match any of the expected tags: 'email', 'chat', 'directory', 'git'": {
            "kind": "pigeon",
            "name": "coo",
        },
    }
    for expected, target in cases.items():
        with pytest.raises(ConfigError) as err:
            parse_config({"delivery": {"targets": [target]}})
        assert expected in str(err.value)
        assert "hunter2" not in str(err.value) and "hooks.slack.com" not in str(err.value)
    twice = {"kind": "directory", "name": "www", "path": "/tmp/x"}
    with pytest.raises(ConfigError, match="target names must differ: www used twice"):
        parse_config({"delivery": {"targets": [twice, twice]}})


def test_the_email_reads_well_on_a_phone_and_a_desktop(site: Site, smtp: SMTPServer, browser) -> None:
    site.configure([email_target(smtp, top=10)])
    site.plant("2611.10001", title="A very long title " * 12 + "with_an_unbroken_identifier_" * 4)
    with dg.DagsterInstance.ephemeral() as instance:
        site.deliver(instance)
    html = smtp.accepted[0][1].get_body(("html",)).get_content()
    ARTIFACTS.mkdir(exist_ok=True)
    for name, width, scheme in (("phone-dark", 390, "dark"), ("desktop-light", 1280, "light")):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.set_content(html)
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= width, f"{name}: the email is {widest}px wide in a {width}px window"
        column = page.locator("div[role=article]").bounding_box()
        assert column is not None and column["width"] <= 600
        assert page.locator("h2").count() == 10
        page.screenshot(path=str(ARTIFACTS / f"email-{name}.png"), full_page=False)
        page.close()


def test_a_run_whose_delivery_failed_says_which_target_and_exits_3(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cron and systemd notice: the day is built (exit 0 would hide it), the target and its error
    are in the closing lines, and the exit code is the one for a failed delivery alone."""
    missing = tmp_path / "missing.git"
    path = site.configure(
        [
            {"kind": "git", "name": "pages", "repository": str(missing)},
            {"kind": "directory", "name": "www", "path": str(tmp_path / "www")},
        ],
        max_attempts=1,
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["--config", str(path), "run", "--date", "2026-11-17"]) == 3
    err = capsys.readouterr().err
    assert "NOT DELIVERED" in err and "2026-11-17  pages: git fetch" in err
    assert "www:" not in err  # the folder target was delivered
    assert site.ledger()["www"]["status"] == "sent"
