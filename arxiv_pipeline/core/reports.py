"""What a stage function returns. Each stage folder (``core/<stage>/stage.py``) reads the day's
input from the store, calls its pure code, writes its output back, and says what it did in a
``StageReport``; Dagster assets call these and only add metadata."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class StageReport:
    """What a stage did, for logs and the UI."""

    rows: int
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    preview: str = ""
    paths: list[Path] = field(default_factory=list)
    # What the user should fix, though the stage did its work (shown in the log and the UI).
    warnings: list[str] = field(default_factory=list)


class Stopwatch:
    """Seconds since the stage started."""

    def __init__(self) -> None:
        self._start = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self._start
