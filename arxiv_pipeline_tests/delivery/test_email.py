"""Email delivery to a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS + AUTH), read back with
the standard ``email`` package."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import dagster as dg
import lxml.html
import pytest

from arxiv_pipeline.core.checks import DELIVERED
from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.deliver.stage import deliver_day
from arxiv_pipeline_tests.conftest import DAY_1
from arxiv_pipeline_tests.delivery.conftest import Site, email_target
from arxiv_pipeline_tests.fakes.smtp_server import SMTPServer

pytestmark = pytest.mark.slow

HOSTILE_TITLE = (
    '<script>alert(1)</script> *bold* @channel [link](javascript:alert(1)) <img src=x onerror="x()">'
)


def check_passed(result: dg.ExecuteInProcessResult) -> tuple[bool, str]:
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == DELIVERED]
    return evaluation.passed, evaluation.description or ""


def test_the_email_arrives_once_with_both_parts_headers_and_inert_text(
    site: Site, smtp: SMTPServer, instance: dg.DagsterInstance
) -> None:
    site.configure([email_target(smtp)])
    site.plant("2611.10001", title=HOSTILE_TITLE, tldr="Fast <b>decoding</b> & no @everyone ping.")
    result = site.deliver(instance)
    assert check_passed(result) == (True, "delivered to 1 target(s)")

    [(recipients, message)] = smtp.accepted
    assert recipients == ["reader@example.org", "second@example.org"]
    assert smtp.logins == [("reader@example.org", True)]
    assert message["Subject"] == "arXiv Digest — Tue 17 Nov 2026: 21 papers"
    assert message["From"] == "arXiv digest <digest@example.org>"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    assert message["List-Unsubscribe"] == "<https://digest.example.org/unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in message.iter_parts())
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]

    # The plain part: the top 5, with TL;DR, why, links, and a pointer to the rest.
    assert text.count("https://arxiv.org/abs/") == 5
    assert "TL;DR: Fast <b>decoding</b> & no @everyone ping." in text
    assert "Why it is here:" in text
    assert "… and 16 more: https://digest.example.org/2026-11-17.html" in text

    # The HTML part: no script, no handler, no javascript: link; the title shows as text.
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//script | //style | //img | //*[@onerror]")
    assert all(href.startswith("https://") for href in doc.xpath("//a/@href"))
    titles = [h.text_content() for h in doc.xpath("//h2")]
    assert titles[0] == HOSTILE_TITLE and len(titles) == 5
    assert "max-width:600px" in html and "color-scheme" in html
    assert "https://digest.example.org/2026-11-17.html#paper-2611.10001" in doc.xpath("//a/@href")

    ledger = site.ledger()["inbox"]
    assert (ledger["status"], ledger["attempts"], ledger["papers"]) == ("sent", 1, 5)
    assert ledger["message_id"] == message["Message-ID"]

    # A rerun sends nothing; a forced one sends a new message.
    again = site.deliver(instance)
    assert check_passed(again)[0] and len(smtp.accepted) == 1
    [materialization] = again.get_asset_materialization_events()
    assert materialization.materialization.metadata["targets"].value["inbox"]["status"] == "already sent"
    site.deliver(instance, force=True)
    assert len(smtp.accepted) == 2
    assert smtp.accepted[1][1]["Message-ID"] != message["Message-ID"]
    assert site.ledger()["inbox"]["message_id"] == smtp.accepted[1][1]["Message-ID"]


def test_a_refused_login_is_recorded_and_the_next_run_sends_once(
    site: Site, smtp: SMTPServer, instance: dg.DagsterInstance, monkeypatch
) -> None:
    site.configure([email_target(smtp)])
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "wrong")
    result = site.deliver(instance)
    assert result.success  # the step records the failure; the check reports it
    passed, description = check_passed(result)
    assert not passed and "inbox: failed after 1 tries" in description and "refused the login" in description
    ledger = site.ledger()["inbox"]
    assert (ledger["status"], ledger["attempts"]) == ("failed", 1)  # not retried: the password is wrong
    assert "wrong" not in ledger["detail"] and "DIGEST_SMTP_PASSWORD" in ledger["detail"]
    assert smtp.accepted == []

    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", smtp.password)
    fixed = site.deliver(instance)
    assert check_passed(fixed)[0]
    assert len(smtp.accepted) == 1
    ledger = site.ledger()["inbox"]
    assert (ledger["status"], ledger["attempts"]) == ("sent", 2)
    # The retry carries the Message-ID claimed by the failed try: one message, whatever happened.
    assert smtp.accepted[0][1]["Message-ID"] == ledger["message_id"]


def test_a_connection_dropped_mid_data_a_stall_and_a_busy_server_are_retried_without_a_duplicate(
    site: Site, smtp: SMTPServer, instance: dg.DagsterInstance
) -> None:
    site.configure([email_target(smtp, timeout_s=1)], max_attempts=4)
    smtp.stall_s = 3
    smtp.faults.extend(["drop", "stall", "busy"])
    result = site.deliver(instance)
    assert check_passed(result)[0]
    assert smtp.data_commands == 4 and len(smtp.accepted) == 1
    ledger = site.ledger()["inbox"]
    assert (ledger["status"], ledger["attempts"]) == ("sent", 4)
    assert smtp.accepted[0][1]["Message-ID"] == ledger["message_id"]


def test_a_server_that_keeps_failing_leaves_a_failed_row_that_the_next_run_completes(
    site: Site, smtp: SMTPServer, instance: dg.DagsterInstance
) -> None:
    site.configure([email_target(smtp)], max_attempts=2)
    smtp.faults.extend(["busy", "busy"])
    first = site.deliver(instance)
    passed, description = check_passed(first)
    assert not passed and "451" in description
    assert site.ledger()["inbox"]["status"] == "failed" and smtp.accepted == []
    site.deliver(instance)
    assert len(smtp.accepted) == 1 and site.ledger()["inbox"]["attempts"] == 3
    assert site.ledger(DAY_1)["inbox"]["status"] == "sent"


def test_a_delivery_killed_mid_send_is_finished_by_the_next_run_with_the_same_message_id(
    site: Site, smtp: SMTPServer, tmp_path
) -> None:
    """kill -9 while the server holds the DATA: the claim stays "sending"; the next run finds the
    run dead, takes the claim over and sends the message it was sending (same Message-ID), once."""
    path = site.configure([email_target(smtp, timeout_s=60)])
    smtp.stall_s, home = 60, tmp_path / "home"
    smtp.faults.append("stall")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    command = [
        sys.executable,
        "-m",
        "arxiv_pipeline.cli",
        "--config",
        str(path),
        "deliver",
        "--date",
        DAY_1.isoformat(),
    ]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while smtp.data_commands == 0:
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the send never reached DATA"
        time.sleep(0.05)
    claimed = site.ledger()["inbox"]
    assert claimed["status"] == "sending" and claimed["attempts"] == 1
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "had died" in rerun.stdout and "sent" in rerun.stdout
    [(_, message)] = smtp.accepted
    row = site.ledger()["inbox"]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert message["Message-ID"] == claimed["message_id"] == row["message_id"]


def test_a_send_another_live_run_holds_is_left_to_it(site: Site, smtp: SMTPServer) -> None:
    """Two runs of the same day (the schedule and a sensor, say): the second sees the first's
    claim and sends nothing while that run is alive or its claim is fresh."""
    site.configure([email_target(smtp)])
    store = site.store
    claim = {
        "announce_date": DAY_1,
        "target": "inbox",
        "kind": "email",
        "status": "sending",
        "attempts": 1,
        "papers": 5,
        "message_id": "<held@example.org>",
        "content_sha256": None,
        "detail": None,
        "run_id": "other-run",
        "updated_at": datetime.now(UTC),
        "delivered_at": None,
    }
    assert store.claim_delivery(claim, force=False, lease_s=60) is None
    config = load_config(site.path)
    report = deliver_day(config, DAY_1, store, "this-run", run_alive=lambda run_id: True)
    assert report.counts["targets"]["inbox"]["status"] == "in progress" and smtp.accepted == []
    report = deliver_day(config, DAY_1, store, "this-run")  # unknown run, fresh claim: left alone
    assert report.counts["targets"]["inbox"]["status"] == "in progress" and smtp.accepted == []
    report = deliver_day(config, DAY_1, store, "this-run", run_alive=lambda run_id: False)
    assert report.counts["targets"]["inbox"]["status"] == "sent"
    assert [m["Message-ID"] for _, m in smtp.accepted] == ["<held@example.org>"]
