"""How long to wait before trying a request again: one rule for arXiv and for the LLM endpoint."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError):
        return None


def backoff_delay(
    attempt: int, base_s: float, max_s: float = 120.0, retry_after: float | None = None
) -> float:
    """Exponential backoff after the ``attempt``-th try, with jitter so that concurrent clients
    spread out; a server's longer ``Retry-After`` wins. Both are capped at ``max_s``."""
    delay = min(max_s, base_s * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, max_s))
    return delay


@dataclass
class RetryPlan:
    due: list[tuple[str, int]] = field(default_factory=list)  # (key, attempt number) to retry now
    waiting: list[str] = field(default_factory=list)  # why the others wait
    state: dict[str, dict[str, float]] = field(default_factory=dict)  # attempts and last try, per key


def plan_retries(
    failing: Mapping[str, int],
    state: Mapping[str, Mapping[str, float]],
    now: float,
    first_wait_s: float,
    max_attempts: int,
) -> RetryPlan:
    """Which failing keys (days) to retry now: the wait doubles after each retry, up to
    ``max_attempts``. Keys that stopped failing leave the state."""
    plan = RetryPlan(state={k: dict(v) for k, v in state.items() if k in failing})
    for key in sorted(failing):
        s = plan.state.setdefault(key, {"attempts": 0, "last": 0.0})
        wait = first_wait_s * 2 ** s["attempts"]
        if s["attempts"] >= max_attempts:
            plan.waiting.append(f"{key}: gave up after {int(s['attempts'])} retries")
        elif s["last"] and now - s["last"] < wait:
            plan.waiting.append(f"{key}: next retry in {int(wait - (now - s['last']))}s")
        else:
            s["attempts"] += 1
            s["last"] = now
            plan.due.append((key, int(s["attempts"])))
    return plan
