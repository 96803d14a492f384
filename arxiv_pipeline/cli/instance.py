"""The Dagster instance the CLI's runs are recorded in: ``$DAGSTER_HOME`` (default
``data/dagster_home`` next to the config) and the settings it writes there."""

from __future__ import annotations

import os
from pathlib import Path

from arxiv_pipeline.core.config import PipelineConfig

INSTANCE_HEADER = (
    "# Written by arxiv-pipeline: rewritten when it changes; delete this line to keep your edits."
)


# The single-machine instance's settings; the lab's are deploy/dagster.yaml (files starting with
# "_" are not written by `arxiv-pipeline deployment`).
INSTANCE_CONFIG = (Path(__file__).parents[1] / "deploy" / "_local_instance.yaml").read_text(encoding="utf-8")


# What versions before run monitoring wrote; replaced by the above.
_OLD_INSTANCE_CONFIG = (
    "telemetry:\n  enabled: false\n"
    "# One arXiv request at a time across runs: the arxiv_api pool holds one slot.\n"
    "concurrency:\n  pools:\n    default_limit: 1\n"
)


def _instance_home(config: PipelineConfig) -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(config.base_dir / "data" / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    current = path.read_text(encoding="utf-8") if path.exists() else None
    ours = current is None or current == _OLD_INSTANCE_CONFIG or current.startswith(INSTANCE_HEADER)
    if ours and current != INSTANCE_CONFIG:
        path.write_text(INSTANCE_CONFIG, encoding="utf-8")
    return home
