"""Calls about many papers at once, each result handed over the moment it is ready."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any


def map_as_ready(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    max_workers: int,
    on_result: Callable[[Any, Any], None] | None = None,
) -> list[Any]:
    """``fn`` over ``items``, ``max_workers`` at a time, results in the items' order. Each result
    also goes to ``on_result(item, result)`` the moment it is ready, from the thread that made it
    (``on_result`` must be thread-safe).

    The first call goes out alone: it settles the endpoint's reply format for all the others,
    and a refused key costs one call, not one per paper. If the caller is interrupted, calls in
    flight still finish and are handed over (they are paid for); calls not started are not made.
    """
    if not items:
        return []

    def made_and_handed_over(item: Any) -> Any:
        # Signals (SIGTERM, Ctrl-C) land in the main thread only: here, no stop can come between
        # a paid answer and its hand-over, so it is stored, not lost and paid again on the rerun.
        result = fn(item)
        if on_result is not None:
            on_result(item, result)
        return result

    first = _concurrently(made_and_handed_over, items[:1], 1)
    return [*first, *_concurrently(made_and_handed_over, items[1:], max_workers)]


def _concurrently(fn: Callable[[Any], Any], items: Sequence[Any], max_workers: int) -> list[Any]:
    if not items:
        return []
    pool = ThreadPoolExecutor(max_workers=max_workers)
    try:
        futures = [pool.submit(fn, item) for item in items]
        wait(futures, return_when=FIRST_EXCEPTION)  # a failure stops the calls not yet started
        return [f.result() for f in futures]
    finally:
        # On a stop too: the calls under way finish (and hand over), the ones not started never go.
        pool.shutdown(wait=True, cancel_futures=True)
