"""Where a benchmark's figures go besides the terminal: one JSON file, for comparing runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(path: Path, result: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nJSON: {path}")
