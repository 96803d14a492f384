"""The whole configuration: every section, and a lab's readers with the sections each may set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from arxiv_pipeline.core.config.base import ConfigError, _Section, check_categories, check_unique_names
from arxiv_pipeline.core.config.delivery import DeliveryConfig
from arxiv_pipeline.core.config.interests import (
    DigestConfig,
    FilterConfig,
    KeywordsConfig,
    RankingConfig,
    ReaderConfig,
    ScoringConfig,
    SummaryConfig,
)
from arxiv_pipeline.core.config.services import (
    AutomationConfig,
    FulltextConfig,
    LLMConfig,
    PublishConfig,
    SourceConfig,
)
from arxiv_pipeline.core.config.storage import StorageConfig, is_postgres_url

# A reader's name is a DuckDB schema and a Dagster partition key (the reader of 2026-11-17|ana):
# lower-case letters, digits, _.
READER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# What a reader may set for themselves; every other setting is shared (the LLM, the source, the
# schedule, storage), so the fetch, the full texts and the summaries are shared too.
READER_SECTIONS = ("categories", "keywords", "filter", "scoring", "digest", "summary", "reader", "delivery")


class ReaderSpec(_Section):
    """One reader of a shared pipeline. A section given here replaces the top level's section of
    the same name for this reader; sections not given are the top level's."""

    name: str = Field(description="lower-case letters, digits and _ (e.g. ana, lab_nlp)")
    categories: list[str] | None = None
    keywords: KeywordsConfig | None = None
    filter: FilterConfig | None = None
    scoring: ScoringConfig | None = None
    digest: DigestConfig | None = None
    summary: SummaryConfig | None = None
    reader: ReaderConfig | None = None
    delivery: DeliveryConfig | None = None

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not READER_NAME.match(value):
            raise ValueError(
                f"{value!r} is not a reader name: use lower-case letters, digits and _, starting "
                "with a letter (at most 40), e.g. 'ana' or 'lab_nlp'"
            )
        return value

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, cats: list[str] | None) -> list[str] | None:
        return None if cats is None else check_categories(cats)


class PipelineConfig(_Section):
    categories: list[str] = Field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.LG"])
    keywords: KeywordsConfig = Field(default_factory=KeywordsConfig)
    filter: FilterConfig = Field(default_factory=FilterConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    summary: SummaryConfig = Field(default_factory=SummaryConfig)
    fulltext: FulltextConfig = Field(default_factory=FulltextConfig)
    source: SourceConfig = Field(default_factory=SourceConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    ranking: RankingConfig = Field(default_factory=RankingConfig)
    reader: ReaderConfig = Field(default_factory=ReaderConfig)
    publish: PublishConfig = Field(default_factory=PublishConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    automation: AutomationConfig = Field(default_factory=AutomationConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    readers_dir: str | None = Field(
        None,
        description="A folder with one YAML file per reader (ana.yaml: the keys of a readers: entry; "
        "the name defaults to the file's name), added to readers:.",
    )
    readers: list[ReaderSpec] = Field(
        default_factory=list,
        description="Readers sharing this pipeline, each with their own interests, library, language "
        "and delivery (empty: one reader, the top level). arXiv is fetched once a day for all, and "
        "each paper version's full text and summary (per model, prompt and language) are shared.",
    )
    # Folder that relative paths are resolved against (the config file's folder).
    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    # The reader this configuration is for (for_reader), None for the top level.
    _reader: str | None = PrivateAttr(default=None)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, cats: list[str]) -> list[str]:
        return check_categories(cats)

    @field_validator("readers")
    @classmethod
    def _unique_readers(cls, readers: list[ReaderSpec]) -> list[ReaderSpec]:
        return check_unique_names("reader", readers)

    @property
    def reader_names(self) -> list[str]:
        return [r.name for r in self.readers]

    @property
    def reader_name(self) -> str | None:
        return self._reader

    def for_reader(self, name: str | None) -> PipelineConfig:
        """This reader's whole configuration: their sections over the top level's, and their
        digests, site and feeds under <output_dir>/readers/<name>/. None: the top level itself."""
        if name is None:
            return self
        spec = next((r for r in self.readers if r.name == name), None)
        if spec is None:
            known = ", ".join(self.reader_names) or "none"
            raise ConfigError(f"no reader {name!r} in readers: (readers: {known})")
        update: dict[str, Any] = {
            k: getattr(spec, k) for k in READER_SECTIONS if getattr(spec, k) is not None
        }
        output = self.resolve(self.storage.output_dir) / "readers" / name
        update["storage"] = self.storage.model_copy(update={"output_dir": str(output)})
        update["readers"] = []
        config = self.model_copy(update=update)
        config._base_dir, config._reader = self._base_dir, name
        return config

    def listing_categories(self) -> list[str]:
        """Every category some reader follows: what the shared fetch asks arXiv for."""
        cats = list(self.categories)
        for spec in self.readers:
            cats += [c for c in spec.categories or [] if c not in cats]
        return cats

    def resolve(self, path: str) -> Path:
        p = Path(os.path.expanduser(path))
        return p if p.is_absolute() else (self._base_dir / p).resolve()

    @property
    def base_dir(self) -> Path:
        return self._base_dir

    @property
    def database_path(self) -> Path:
        return self.resolve(self.storage.database)

    @property
    def warehouse_location(self) -> str | Path:
        """The DuckDB file, or the PostgreSQL database's URL."""
        database = self.storage.database
        return database if is_postgres_url(database) else self.database_path

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.storage.output_dir)

    @property
    def replay_root(self) -> Path | None:
        """source.replay_dir resolved, or None for the bundled sample days."""
        return self.resolve(self.source.replay_dir) if self.source.replay_dir else None

    @property
    def library_paths(self) -> list[Path]:
        return [self.resolve(p) for p in self.reader.library]

    def interests_fingerprint(self) -> str:
        """A stable text of everything that changes which papers are selected and how."""
        return self.model_dump_json(
            include={
                "categories",
                "keywords",
                "filter",
                "scoring",
                "digest",
                "summary",
                "fulltext",
                "ranking",
                "llm",
                "reader",
            }
        )

    def llm_api_key(self) -> str | None:
        """The key, read from the environment at the moment it is needed; never stored."""
        return os.environ.get(self.llm.api_key_env) or None
