"""Dagster resources: the user's configuration file and the DuckDB store it points at."""

import os

import dagster as dg
from pydantic import PrivateAttr

from arxiv_pipeline.core.config import PipelineConfig, find_config_path, load_config
from arxiv_pipeline.core.store import Warehouse


class PipelineSettings(dg.ConfigurableResource):
    """Where the configuration lives; the database path can be overridden for one deployment."""

    config_path: str
    database_path: str | None = None
    # From an EnvVar only; when unset, the variable named by llm.api_key_env is read at call time.
    llm_api_key: str | None = None

    _config: PipelineConfig | None = PrivateAttr(default=None)

    def config(self) -> PipelineConfig:
        # Loaded (and validated) once per run, so every asset in a run sees the same settings.
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def api_key(self) -> str | None:
        return self.llm_api_key or self.config().llm_api_key()

    def warehouse(self) -> Warehouse:
        return Warehouse(self.database_path or self.config().database_path)


def env_or_default(name: str, default: str | None) -> str | dg.EnvVar | None:
    """An EnvVar when the variable is set (the UI then shows where the value came from)."""
    return dg.EnvVar(name) if os.environ.get(name) else default


def default_settings() -> PipelineSettings:
    return PipelineSettings(
        config_path=env_or_default("ARXIV_PIPELINE_CONFIG", str(find_config_path())),
        database_path=env_or_default("ARXIV_PIPELINE_DATABASE", None),
        llm_api_key=env_or_default("ARXIV_PIPELINE_LLM_API_KEY", None),
    )
