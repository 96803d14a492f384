"""Email delivery to a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS + AUTH), read back with
the standard ``email`` package."""

from __future__ import annotations

import dagster as dg
import lxml.html

from arxiv_pipeline.core.checks import DELIVERED
from arxiv_pipeline_tests.conftest import DAY_1
from arxiv_pipeline_tests.delivery.conftest import Site, email_target
from arxiv_pipeline_tests.fake_smtp import SMTPServer

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
