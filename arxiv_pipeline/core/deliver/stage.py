"""Deliver: send the day's digest to every configured target, exactly once per day and target.

The ``deliveries`` table is the ledger. A target's row is claimed ("sending", with the message id
it will carry) before anything leaves, and settled ("sent" or "failed") after: a day already
sent is not sent again unless forced, a failed one is tried again by the next run or the
failed-delivery sensor, and a send cut short by a crash is retried with the same Message-ID (a
mail client shows one message). A day with no papers sends nothing unless the target asks for
empty-day notices. Secrets are read from the environment at send time and go nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path
from typing import Any

from arxiv_pipeline.core.config import (
    ChatTarget,
    ConfigError,
    DeliveryConfig,
    DeliveryTarget,
    DirectoryTarget,
    EmailTarget,
    GitTarget,
    PipelineConfig,
)
from arxiv_pipeline.core.deliver import DeliveryError
from arxiv_pipeline.core.deliver.chat import chat_service
from arxiv_pipeline.core.deliver.messages import (
    DeliveryDigest,
    build_chat,
    build_email,
    delivery_digest,
    message_id_for,
)
from arxiv_pipeline.core.deliver.site_copy import copy_site, plan_copy, public_url, push_site, site_files
from arxiv_pipeline.core.deliver.smtp import send_email
from arxiv_pipeline.core.publish.stage import SITE_DIR, load_digest_day
from arxiv_pipeline.core.reports import StageReport, Stopwatch
from arxiv_pipeline.core.retry import backoff_delay
from arxiv_pipeline.core.store import Warehouse

# What a target's row says after a run: sent (now or before), failed, skipped (an empty day).
SENT, FAILED, SENDING, SKIPPED = "sent", "failed", "sending", "skipped"
DELIVERY_DIR = "delivery"  # previews, under the day's output folder
GIT_WORKDIR = ".publish"  # the git targets' working copies, under the output folder


@dataclass
class TargetResult:
    target: str
    kind: str
    status: str  # sent, failed, skipped, already sent, preview
    detail: str
    attempts: int = 0
    papers: int = 0
    message_id: str | None = None
    files: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "detail": self.detail, "attempts": self.attempts}


@dataclass(frozen=True)
class _Payload:
    """A target's content, ready to send: what it is, how to send it, and how to preview it."""

    papers: int
    sha256: str
    send: Callable[[], str]  # returns what to record as the detail
    preview: Callable[[Path], list[Path]]
    message_id: str | None = None


def choose_targets(config: PipelineConfig, names: Sequence[str] | None) -> list[DeliveryTarget]:
    targets = list(config.delivery.targets)
    if not names:
        return targets
    known = {t.name: t for t in targets}
    unknown = [n for n in names if n not in known]
    if unknown:
        offered = ", ".join(known) or "none: add a delivery.targets section to the configuration"
        raise ConfigError(f"no delivery target named {', '.join(unknown)}; configured targets: {offered}")
    return [known[n] for n in names]


def _sha(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _email_payload(
    digest: DeliveryDigest, target: EmailTarget, message_id: str, environ: Mapping[str, str]
) -> _Payload:
    message = build_email(digest, target, message_id)
    parts = [part.get_content() for part in message.iter_parts()]

    def preview(folder: Path) -> list[Path]:
        path = folder / f"{target.name}.eml"
        path.write_bytes(message.as_bytes(policy=policy.SMTP))
        return [path]

    return _Payload(
        papers=len(digest.top(target.top)),
        sha256=_sha(str(message["Subject"]), *parts),
        send=lambda: send_email(target, message, environ),
        preview=preview,
        message_id=message_id,
    )


def _chat_payload(
    digest: DeliveryDigest, target: ChatTarget, environ: Mapping[str, str], preview_only: bool
) -> _Payload:
    try:
        service = chat_service(target, environ)
        scheme, body_limit, title_limit = service.scheme, service.body_limit, service.title_limit
    except DeliveryError:
        if not preview_only:
            raise
        service, scheme, body_limit, title_limit = None, "json", 4000, 250  # preview without the secret URL
    message = build_chat(digest, target.top, scheme, body_limit, title_limit)

    def send() -> str:
        assert service is not None
        service.send(message.title, message.body, target.timeout_s)
        return f"posted to {scheme} ({len(message.body)} characters, {message.papers} papers)"

    def preview(folder: Path) -> list[Path]:
        path = folder / f"{target.name}.json"
        data = {
            "service": scheme,
            "url_env": target.url_env,
            "title": message.title,
            "body": message.body,
            "body_limit": body_limit,
            "title_limit": title_limit,
            "papers": message.papers,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return [path]

    return _Payload(message.papers, _sha(message.title, message.body), send, preview)


def _site_payload(config: PipelineConfig, day: date, target: DirectoryTarget | GitTarget) -> _Payload:
    site = config.output_dir / SITE_DIR
    files = site_files(site)
    digest = _sha(*(f"{f}:{_sha((site / f).read_bytes())}" for f in files))

    def send() -> str:
        if isinstance(target, DirectoryTarget):
            return copy_site(site, config.resolve(target.path)).summary()
        workdir = config.output_dir / GIT_WORKDIR / target.name
        message = f"arXiv digest for {day.isoformat()}"
        return push_site(site, target, workdir, message).summary()

    def preview(folder: Path) -> list[Path]:
        path = folder / f"{target.name}.txt"
        if isinstance(target, DirectoryTarget):
            changed, same = plan_copy(site, config.resolve(target.path))
            head = f"would copy {len(changed)} files to {config.resolve(target.path)} ({same} already there)"
        else:
            changed = files
            head = (
                f"would commit the {len(files)} files of the site to {target.branch} of "
                f"{public_url(target.repository)} (only if they changed)"
            )
        path.write_text("\n".join([head, *changed]) + "\n", encoding="utf-8")
        return [path]

    return _Payload(0, digest, send, preview)


def _payload(
    config: PipelineConfig,
    day: date,
    digest: DeliveryDigest,
    target: DeliveryTarget,
    prior: Mapping[str, Any] | None,
    force: bool,
    environ: Mapping[str, str],
    preview_only: bool,
) -> _Payload:
    if isinstance(target, EmailTarget):
        # A retry of an unfinished send carries the same Message-ID; a forced resend is a new message.
        reuse = prior and prior["status"] in (SENDING, FAILED) and prior["message_id"] and not force
        message_id = prior["message_id"] if reuse else message_id_for(target, day)
        return _email_payload(digest, target, str(message_id), environ)
    if isinstance(target, ChatTarget):
        return _chat_payload(digest, target, environ, preview_only)
    return _site_payload(config, day, target)


def deliver_day(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    *,
    targets: Sequence[str] | None = None,
    force: bool = False,
    preview: bool = False,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    run_alive: Callable[[str], bool | None] = lambda run_id: None,
    any_age: bool = False,
    today: date | None = None,
) -> StageReport:
    """Deliver the day to ``targets`` (default: all configured). ``preview`` writes what would be
    sent under ``<output_dir>/<day>/delivery/`` and records nothing. ``run_alive`` says whether
    the run holding an unfinished send is still running (None: cannot tell, the lease decides).
    Email and chat skip a day older than ``delivery.max_age_days`` unless ``any_age``."""
    clock = Stopwatch()
    env = os.environ if environ is None else environ
    chosen = choose_targets(config, targets)
    if not chosen:
        return StageReport(
            rows=0, counts={"targets": {}, "note": "no delivery targets configured"}, seconds=clock()
        )
    if not store.query("SELECT 1 FROM digests WHERE announce_date = ? LIMIT 1", [day]):
        raise ConfigError(
            f"the digest for {day} has not been built yet: run `arxiv-pipeline run --date {day}` first"
        )
    digest = delivery_digest(config.publish.site_url, load_digest_day(config, day, store))
    limit = config.delivery.max_age_days
    age = ((today or datetime.now(UTC).date()) - day).days
    too_old = bool(limit) and age > limit and not any_age
    folder = config.output_dir / day.isoformat() / DELIVERY_DIR
    results = [
        _deliver_one(
            config, day, store, run_id, digest, t, force, preview, env, folder, sleep, run_alive, too_old
        )
        for t in chosen
    ]
    counts: dict[str, Any] = {"targets": {r.target: r.as_dict() for r in results}}
    for status in (SENT, FAILED, SKIPPED, "already sent", "preview"):
        counts[status.replace(" ", "_")] = sum(r.status == status for r in results)
    lines = ["| target | kind | status | tries | detail |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.target} | {r.kind} | {r.status} | {r.attempts} | {r.detail.replace('|', '/')[:200]} |"
        for r in results
    ]
    return StageReport(
        rows=len(results),
        counts=counts,
        seconds=clock(),
        preview="\n".join(lines),
        paths=[p for r in results for p in r.files],
    )


def _deliver_one(
    config: PipelineConfig,
    day: date,
    store: Warehouse,
    run_id: str | None,
    digest: DeliveryDigest,
    target: DeliveryTarget,
    force: bool,
    preview: bool,
    environ: Mapping[str, str],
    folder: Path,
    sleep: Callable[[float], None],
    run_alive: Callable[[str], bool | None],
    too_old: bool,
) -> TargetResult:
    result = TargetResult(target.name, target.kind, "", "")
    prior = store.delivery(day, target.name)
    if prior and prior["status"] == SENT and not force and not preview:
        return _already(result, prior)
    attempts = prior_attempts(prior)
    ledger = _Ledger(store, day, target, run_id)
    skip = _skip_reason(config.delivery.max_age_days, day, digest, target, too_old)
    if skip:
        result.status, result.detail = SKIPPED, skip
        if not preview:
            ledger.write(SKIPPED, attempts, skip)
        return result
    try:
        payload = _payload(config, day, digest, target, prior, force, environ, preview)
    except DeliveryError as exc:
        result.status, result.detail, result.attempts = FAILED, str(exc), attempts + 1
        if not preview:
            ledger.write(FAILED, attempts + 1, str(exc))
        return result
    result.papers, result.message_id = payload.papers, payload.message_id
    if preview:
        folder.mkdir(parents=True, exist_ok=True)
        result.files = payload.preview(folder)
        result.status, result.detail = "preview", f"written to {', '.join(p.name for p in result.files)}"
        return result
    ledger.payload = payload
    holder = ledger.claim(attempts + 1, force, config.delivery.claim_lease_minutes * 60, run_alive)
    if holder is not None:
        if holder["status"] == SENT:
            return _already(result, holder)
        result.status = "in progress"
        result.detail = f"run {holder['run_id']} is sending it (since {holder['updated_at']:%H:%M} UTC)"
        return result
    return _send(payload, ledger, result, attempts, config.delivery, sleep)


def _skip_reason(
    max_age_days: int, day: date, digest: DeliveryDigest, target: DeliveryTarget, too_old: bool
) -> str | None:
    """Why a message target is not sent this day's digest (a site copy always is)."""
    if isinstance(target, DirectoryTarget | GitTarget):
        return None
    if too_old:
        return (
            f"older than delivery.max_age_days ({max_age_days}); "
            f"`arxiv-pipeline deliver --date {day}` sends it"
        )
    if digest.empty and not target.empty_days:
        return "no papers this day (set empty_days: true for a notice)"
    return None


def _send(
    payload: _Payload,
    ledger: _Ledger,
    result: TargetResult,
    attempts: int,
    settings: DeliveryConfig,
    sleep: Callable[[float], None],
) -> TargetResult:
    """Up to delivery.max_attempts sends (a refusal that cannot change is not retried), each
    recorded in the ledger before the next."""
    for attempt in range(1, settings.max_attempts + 1):
        attempts += 1
        if attempt > 1:
            ledger.write(SENDING, attempts, None)
        try:
            detail = payload.send()
        except DeliveryError as exc:
            result.status, result.detail = FAILED, str(exc)
            ledger.write(FAILED, attempts, str(exc))
            if not exc.retriable or attempt == settings.max_attempts:
                break
            sleep(backoff_delay(attempt, settings.backoff_base_s))
            continue
        result.status, result.detail = SENT, detail
        ledger.write(SENT, attempts, detail)
        break
    result.attempts = attempts
    return result


def _already(result: TargetResult, row: Mapping[str, Any]) -> TargetResult:
    result.status = "already sent"
    result.detail = (
        f"sent {row['delivered_at']:%Y-%m-%d %H:%M} UTC by run {row['run_id']}; --force sends it again"
    )
    result.attempts, result.message_id = row["attempts"], row["message_id"]
    return result


def prior_attempts(prior: Mapping[str, Any] | None) -> int:
    """Tries so far toward the current delivery: a sent day being forced starts again from 0."""
    return int(prior["attempts"]) if prior and prior["status"] in (SENDING, FAILED) else 0


@dataclass
class _Ledger:
    """The target's row of the deliveries table for the day."""

    store: Warehouse
    day: date
    target: DeliveryTarget
    run_id: str | None
    payload: _Payload | None = None

    def row(self, status: str, attempts: int, detail: str | None) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "announce_date": self.day,
            "target": self.target.name,
            "kind": self.target.kind,
            "status": status,
            "attempts": attempts,
            "papers": self.payload.papers if self.payload else 0,
            "message_id": self.payload.message_id if self.payload else None,
            "content_sha256": self.payload.sha256 if self.payload else None,
            "detail": detail,
            "run_id": self.run_id,
            "updated_at": now,
            "delivered_at": now if status == SENT else None,
        }

    def write(self, status: str, attempts: int, detail: str | None) -> None:
        self.store.record_delivery(self.row(status, attempts, detail))

    def claim(
        self, attempts: int, force: bool, lease_s: float, run_alive: Callable[[str], bool | None]
    ) -> dict[str, Any] | None:
        return self.store.claim_delivery(self.row(SENDING, attempts, None), force, lease_s, run_alive)
