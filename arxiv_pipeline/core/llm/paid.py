"""Paid LLM answers are stored the moment they arrive, so a crash loses only the calls in flight.

A background thread writes whatever has arrived since its last write, in one transaction, while
the calls go on: writes batch themselves when answers arrive faster than the store takes them,
and no call waits for the disk. The LLM call log is written the same way, so the cost of a run
that dies is still on record: each call goes in with the answer it paid for (once its papers are
handed over, answered or failed), never before it, so a log line always means a stored answer
and the rerun that pays for an unstored one logs it once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from datetime import date
from types import TracebackType
from typing import Any

from arxiv_pipeline.core.llm.client import CallRecord, ChatClient
from arxiv_pipeline.core.records import llm_call_rows
from arxiv_pipeline.core.store import Warehouse

Row = dict[str, Any]
_STOP = object()


class AnswerWriter:
    """``put`` cache rows (for ``table``) as answers arrive, with the ids of the papers they settle;
    ``close`` (or the ``with`` block's end) writes the rest and re-raises a write error."""

    def __init__(self, store: Warehouse, table: str, chat: ChatClient, day: date, run_id: str | None) -> None:
        self.store, self.table, self.chat, self.day, self.run_id = store, table, chat, day, run_id
        self._queue: queue.Queue[Any] = queue.Queue()
        self._seen_calls = len(chat.calls)  # calls made before this writer are logged elsewhere
        self._unsettled: list[CallRecord] = []  # made, but their papers' answers not handed over yet
        self._settled: set[str] = set()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"{table}-writer", daemon=True)
        self._thread.start()

    def put(self, rows: list[Row], settled: Iterable[str]) -> None:
        """``rows`` answer (some of) the papers ``settled`` (versioned ids), whose calls are done."""
        self._queue.put((rows, list(settled)))

    def _drain(self, first: Any) -> tuple[list[Row], bool]:
        rows: list[Row] = []
        item, stop = first, False
        while True:
            if item is _STOP:
                stop = True
            else:
                rows.extend(item[0])
                self._settled.update(item[1])
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return rows, stop

    def _write(self, rows: list[Row], last: bool) -> None:
        # The client appends a call when its reply is in, before the answer is handed over.
        seen = len(self.chat.calls)
        self._unsettled.extend(self.chat.calls[self._seen_calls : seen])
        self._seen_calls = seen
        calls: list[CallRecord] = []
        waiting: list[CallRecord] = []
        for call in self._unsettled:
            (calls if last or self._settled.issuperset(call.paper_ids) else waiting).append(call)
        self._unsettled = waiting
        if rows or calls:
            self.store.store_answers(self.table, rows, llm_call_rows(calls, self.day, self.run_id))

    def _run(self) -> None:
        stop = False
        while not stop:
            rows, stop = self._drain(self._queue.get())
            try:
                self._write(rows, last=stop)
            except BaseException as exc:  # surfaced by close(); later answers are still tried
                self._error = self._error or exc

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> AnswerWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
