"""Calls about many papers at once, each result handed over the moment it is ready."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any


def map_as_ready(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    max_workers: int,
    on_result: Callable[[Any, Any], None] | None = None,
) -> list[Any]:
    """``fn`` over ``items``, ``max_workers`` at a time, results in the items' order. Each result
    also goes to ``on_result(item, result)`` the moment it is ready.

    The first call goes out alone: it settles the endpoint's reply format for all the others,
    and a refused key costs one call, not one per paper. If the caller is interrupted, calls in
    flight still finish and are handed over (they are paid for); calls not started are not made.
    """
    if not items:
        return []
    # In a worker thread too, so that a stop (SIGTERM, Ctrl-C) while it is in flight waits for
    # its answer and hands it over: a paid answer is stored, not lost and paid again on the rerun.
    first = _concurrently(fn, items[:1], 1, on_result)
    return [*first, *_concurrently(fn, items[1:], max_workers, on_result)]


def _concurrently(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    max_workers: int,
    on_result: Callable[[Any, Any], None] | None,
) -> list[Any]:
    if not items:
        return []
    delivered: set[Future[Any]] = set()
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        try:
            for future in as_completed(futures) if on_result else ():
                delivered.add(future)
                on_result(futures[future], future.result())  # type: ignore[misc]
        finally:
            if on_result is not None and len(delivered) < len(futures):
                pool.shutdown(wait=True, cancel_futures=True)
                finished = [f for f in futures if f.done() and not f.cancelled() and f.exception() is None]
                for future in (f for f in finished if f not in delivered):
                    on_result(futures[future], future.result())
        return [f.result() for f in futures]
