"""Client-side requests-per-minute and tokens-per-minute limits, shared by a client's threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimits:
    """Token buckets for requests and tokens per minute, shared by the client's threads."""

    def __init__(
        self,
        requests_per_minute: int,
        tokens_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rpm, self.tpm = float(requests_per_minute), float(tokens_per_minute)
        self._requests, self._tokens = self.rpm, self.tpm
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self, tokens: int) -> None:
        tokens = min(tokens, int(self.tpm))  # a huge request still gets through, alone
        while True:
            with self._lock:
                now = self._clock()
                elapsed, self._last = now - self._last, now
                self._requests = min(self.rpm, self._requests + elapsed * self.rpm / 60)
                self._tokens = min(self.tpm, self._tokens + elapsed * self.tpm / 60)
                if self._requests >= 1 and self._tokens >= tokens:
                    self._requests -= 1
                    self._tokens -= tokens
                    return
                wait = max((1 - self._requests) * 60 / self.rpm, (tokens - self._tokens) * 60 / self.tpm)
            self._sleep(max(wait, 0.01))

    def settle(self, reserved: int, used: int) -> None:
        """After a call: give back what was reserved but not used (or take what was used beyond
        it), so the bucket tracks real usage and not the reservations."""
        with self._lock:
            self._tokens = min(self.tpm, self._tokens + min(reserved, int(self.tpm)) - used)
