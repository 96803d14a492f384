"""Dagster resources, one per system the pipeline talks to: the configuration file users edit,
the DuckDB warehouse, the paper source (replay or live arXiv, with its politeness settings) and
the LLM endpoint. Each reads its part of the one YAML file and can be overridden for a deployment
(or swapped in a test) on its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from arxiv_pipeline.core.config import (
    LLMConfig,
    PipelineConfig,
    check_writable,
    find_config_path,
    load_config,
)
from arxiv_pipeline.core.ingest.source import PaperSource, source_from_config
from arxiv_pipeline.core.llm.client import ChatClient
from arxiv_pipeline.core.store import Warehouse, open_warehouse
from arxiv_pipeline.core.summarize import Summarizer, summarizer_from_config


class ConfigFile(dg.ConfigurableResource):
    """The one configuration file (``arxiv_pipeline.yaml``), validated when a run first reads it."""

    path: str

    _config: PipelineConfig | None = PrivateAttr(default=None)

    def load(self, reader: str | None = None) -> PipelineConfig:
        """The configuration, or one reader's (their sections over the top level's)."""
        # Loaded once per run, so every step of a run sees the same settings.
        if self._config is None:
            config = load_config(self.path)
            check_writable(config)
            self._config = config
        return self._config.for_reader(reader)


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse every asset's table lives in (``storage.database`` unless overridden): the
    DuckDB file, or a PostgreSQL database when that is a ``postgresql://`` URL."""

    config_file: ConfigFile
    database_path: str | None = None

    def location(self) -> str | Path:
        return self.database_path or self.config_file.load().warehouse_location

    def store(self, reader: str | None = None) -> Warehouse:
        """The warehouse, or one reader's view of it (their tables, then the shared ones)."""
        return open_warehouse(self.location(), reader=reader)


class ArxivPaperSource(dg.ConfigurableResource):
    """Where papers come from: ``replay`` (recorded days, offline) or ``arxiv`` (live), with the
    ``source.*`` politeness settings (spacing, timeout, retries, User-Agent contact)."""

    config_file: ConfigFile
    kind: str | None = None  # overrides source.kind: "replay" or "arxiv"

    def source(self) -> PaperSource:
        config = self.config_file.load()
        if self.kind not in (None, "replay", "arxiv"):
            raise ValueError(f"paper_source.kind must be 'replay' or 'arxiv' (got {self.kind!r})")
        if self.kind and self.kind != config.source.kind:
            config = config.model_copy(
                update={"source": config.source.model_copy(update={"kind": self.kind})}
            )
        return source_from_config(config)


class LLMEndpoint(dg.ConfigurableResource):
    """An OpenAI-compatible chat-completions endpoint (``llm.*``). The key comes from the
    environment only: this field (set from an ``EnvVar``), else the variable ``llm.api_key_env`` names."""

    config_file: ConfigFile
    api_key: str | None = None
    base_url: str | None = None
    model: str | None = None

    def settings(self) -> LLMConfig:
        llm = self.config_file.load().llm
        overrides = {k: v for k, v in (("base_url", self.base_url), ("model", self.model)) if v}
        return llm.model_copy(update=overrides) if overrides else llm

    def key(self) -> str | None:
        return self.api_key or self.config_file.load().llm_api_key()

    def _config(self, reader: str | None) -> PipelineConfig:
        config = self.config_file.load(reader)
        return config.model_copy(update={"llm": self.settings()})

    @contextmanager
    def summarizer_session(self, reader: str | None = None) -> Iterator[Summarizer]:
        """The summarizer for a stage: the LLM when ``summary.summarizer`` asks for it (or, on
        auto, a key is set), else the offline extractive one; with ``local``, the LLM summarizer on
        a model served on this machine for the length of the ``with`` block."""
        config = self._config(reader)
        if config.summary.summarizer != "local":
            yield summarizer_from_config(config, self.key())
            return
        from arxiv_pipeline.core.llm import local

        model = local.model_path(config.llm, config.resolve)
        with local.local_model_server(model, config.llm) as base_url:
            served = config.model_copy(update={"llm": local.local_settings(config.llm, base_url, model)})
            # The server asks for no key; the client sends a placeholder, never a secret.
            yield summarizer_from_config(served, "local-model")

    def ranking_client(self, reader: str | None = None) -> ChatClient | None:
        """A client for LLM ranking when there is a key to use (or the config insists on the LLM)."""
        key = self.key()
        if not key and self.config_file.load(reader).summary.summarizer != "llm":
            return None
        return ChatClient(self.settings(), key)


def env_or_default(name: str, default: str | None) -> str | dg.EnvVar | None:
    """An EnvVar when the variable is set (the UI then shows where the value came from)."""
    return dg.EnvVar(name) if os.environ.get(name) else default


def pipeline_resources(
    config_path: str | dg.EnvVar,
    database_path: str | dg.EnvVar | None = None,
    llm_api_key: str | dg.EnvVar | None = None,
) -> dict[str, Any]:
    """Every resource the assets, checks and sensors use, all read from one configuration file."""
    config_file = ConfigFile(path=config_path)
    return {
        "config_file": config_file,
        "warehouse": WarehouseResource(config_file=config_file, database_path=database_path),
        "paper_source": ArxivPaperSource(config_file=config_file),
        "llm": LLMEndpoint(config_file=config_file, api_key=llm_api_key),
    }


def default_resources() -> dict[str, Any]:
    """As a deployment sets them: the config path, database and LLM key may come from the environment."""
    return pipeline_resources(
        config_path=env_or_default("ARXIV_PIPELINE_CONFIG", str(find_config_path())),
        database_path=env_or_default("ARXIV_PIPELINE_DATABASE", None),
        llm_api_key=env_or_default("ARXIV_PIPELINE_LLM_API_KEY", None),
    )
