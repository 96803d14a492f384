"""What the pipeline talks to and when: arXiv (listings and full texts), the LLM endpoint, the published
site and the schedule."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter
from pydantic import Field, field_validator, model_validator

from arxiv_pipeline.core.config.base import (
    _looks_like_a_key,
    _Section,
    check_url,
    check_url_template,
    on_arxiv,
)


class FulltextConfig(_Section):
    top: int = Field(
        5,
        ge=0,
        le=200,
        description="The day's best papers whose full text is fetched (HTML rendering, else PDF) and "
        "summarized; the others keep abstract summaries. 0 turns it off.",
    )
    fetch: Literal["auto", "http", "replay"] = Field(
        "auto",
        description="Where full texts come from: auto follows source.kind (live arXiv over http, the "
        "recording's fulltext/ folder offline).",
    )
    html_url: str = Field("https://arxiv.org/html/{}", description="{} gets the versioned id, 2611.01234v2")
    pdf_url: str = Field("https://arxiv.org/pdf/{}", description="{} gets the versioned id")
    max_bytes: int = Field(
        30_000_000, ge=100_000, le=500_000_000, description="A larger download is abandoned (and noted)."
    )
    max_pages: int = Field(60, ge=1, le=2000, description="PDF pages read; the rest is appendix, usually.")
    max_attempts: int = Field(
        3,
        ge=1,
        le=20,
        description="Runs that try a paper whose full text could not be had, before giving up.",
    )
    retry_minutes: float = Field(
        120,
        ge=0,
        le=10_080,
        description="The failed-full-text sensor's first wait before it reruns a day whose full texts "
        "failed (arXiv renders HTML hours after the announcement); the wait doubles each time.",
    )

    @field_validator("html_url", "pdf_url")
    @classmethod
    def _template(cls, value: str) -> str:
        return check_url_template(value)


class SourceConfig(_Section):
    kind: Literal["replay", "arxiv"] = Field(
        "replay", description="replay: the bundled recordings (offline); arxiv: live arXiv."
    )
    replay_dir: str | None = Field(
        None, description="Folder of recorded days; default: the sample days in the package."
    )
    contact_email: str | None = Field(
        None, description="Sent in the User-Agent to arXiv, as its terms of use ask."
    )
    rss_url: str = Field("https://rss.arxiv.org/rss/{}", description="{} gets cs.AI+cs.LG")
    api_url: str = Field("https://export.arxiv.org/api/query?{}", description="{} gets the query")
    timeout_s: float = Field(30.0, gt=0, le=600)
    max_attempts: int = Field(5, ge=1, le=20)
    backoff_base_s: float = Field(2.0, ge=0, le=600)
    min_interval_s: float = Field(3.0, ge=0, le=600, description="Seconds between requests.")
    id_batch: int = Field(200, ge=1, le=500, description="Ids per API id_list request.")
    page_size: int = Field(2000, ge=1, le=2000, description="Results per API page in backfills.")

    @field_validator("rss_url", "api_url")
    @classmethod
    def _url_template(cls, value: str) -> str:
        return check_url_template(value)

    @model_validator(mode="after")
    def _polite_to_arxiv(self) -> SourceConfig:
        if self.min_interval_s < 3.0 and any(on_arxiv(u) for u in (self.rss_url, self.api_url)):
            raise ValueError("min_interval_s must be at least 3 against arxiv.org (arXiv's terms of use)")
        return self


class ModelPrice(_Section):
    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)


class LLMConfig(_Section):
    """Any OpenAI-compatible chat-completions endpoint: OpenAI, DeepSeek, DashScope, vLLM, Ollama."""

    base_url: str = Field("https://api.openai.com/v1")
    model: str = Field("gpt-4o-mini", min_length=1)
    api_key_env: str = Field(
        "OPENAI_API_KEY",
        description="Name of the environment variable holding the key (never the key itself).",
    )
    max_concurrency: int = Field(8, ge=1, le=256)
    requests_per_minute: int = Field(500, ge=1)
    tokens_per_minute: int = Field(200_000, ge=100)
    timeout_s: float = Field(60.0, gt=0, le=900)
    max_attempts: int = Field(4, ge=1, le=20)
    backoff_base_s: float = Field(1.0, ge=0, le=300)
    max_abstract_tokens: int = Field(1200, ge=50, le=32_000)
    max_fulltext_tokens: int = Field(
        12_000,
        ge=1000,
        le=1_000_000,
        description="Full text sent in one summary call; a longer paper is summarized part by part "
        "(map), then from the parts' notes (reduce).",
    )
    max_output_tokens: int = Field(1200, ge=64, le=32_000)
    temperature: float = Field(0.2, ge=0, le=2)
    json_mode: Literal["auto", "json_schema", "json_object", "json_object_schema", "off"] = Field(
        "auto",
        description="auto tries json_schema, then json_object, then plain parsing; "
        "json_object_schema sends the schema inside json_object (llama-cpp-python's server).",
    )
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens, per model, for cost estimates."
    )
    prompts_dir: str | None = Field(
        None, description="A folder of your own prompt files (summary.v1.md ...) to use instead."
    )
    local_model: str | None = Field(
        None,
        description="summary.summarizer: local: the GGUF model file to serve on this machine; "
        "default: SmolLM2-135M-Instruct from the `local` extra.",
    )
    local_context_tokens: int = Field(
        8192, ge=1024, le=131_072, description="The local model's context; full texts are cut to fit."
    )
    local_threads: int | None = Field(
        None, ge=1, le=256, description="CPU threads of the local model (default: every core)."
    )

    @field_validator("json_mode", mode="before")
    @classmethod
    def _off_is_not_false(cls, value: object) -> object:
        # YAML 1.1 reads a bare `off` as false (in the file and in ARXIV_PIPELINE__LLM__JSON_MODE).
        return "off" if value is False else value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_url(value).rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _not_a_key(cls, value: str) -> str:
        # Never echo the value: it may be a pasted key.
        if _looks_like_a_key(value):
            raise ValueError(
                "this looks like an API key; put the NAME of the environment variable that holds "
                "the key here (e.g. OPENAI_API_KEY), and the key itself in that variable"
            )
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError(
                "must be an environment variable name: letters, digits and _ (e.g. OPENAI_API_KEY)"
            )
        return value


class PublishConfig(_Section):
    site_title: str = Field("arXiv Digest", min_length=1, description="Title of the web site and feeds.")
    feed_days: int = Field(7, ge=1, le=366, description="Days of papers in the Atom/RSS feeds.")
    feed_max_entries: int = Field(
        500,
        ge=1,
        le=100_000,
        description="At most this many papers in each feed, newest day and best paper first "
        "(feed readers slow down on multi-megabyte feeds).",
    )
    site_url: str | None = Field(
        None, description="Where the site folder is served, for the feeds' links (optional)."
    )
    serve_port: int = Field(
        8765, ge=1, le=65535, description="Port of `arxiv-pipeline serve` (the site with rating buttons)."
    )

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str | None) -> str | None:
        return check_url(value) if value else value


class AutomationConfig(_Section):
    first_day: date = Field(
        date(2024, 1, 1),
        description="The first announcement day the pipeline offers (partitions start here).",
    )
    schedule_cron: str = Field(
        "30 0 * * 1-5",
        description="When the daily run starts (cron); Monday to Friday, the mornings after arXiv's "
        "Sunday to Thursday announcements.",
    )
    schedule_timezone: str = Field("America/New_York", description="The cron's time zone.")
    rebuild_on_config_change: bool = Field(
        False,
        description="Start config_change_sensor on: a saved change of the interests rebuilds the last "
        "config_rerun_days days by itself (paid summaries of unchanged papers are reused).",
    )
    config_rerun_days: int = Field(3, ge=0, le=60, description="Days rebuilt when the config changes.")
    summary_retry_minutes: float = Field(30, ge=0, description="First wait before retrying failed summaries.")
    summary_retry_max_attempts: int = Field(3, ge=0, le=20)
    summary_retry_days: int = Field(7, ge=1, le=60, description="How far back failed summaries are retried.")

    @field_validator("schedule_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        # croniter accepts 6- and 7-field forms (seconds, years) that Dagster's schedules do not.
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(
                "must be a 5-field cron expression: minute (0-59) hour (0-23) day-of-month (1-31) "
                f"month (1-12) day-of-week (0-6), e.g. '30 0 * * *' (got {value!r})"
            )
        try:
            croniter(value).get_next()  # e.g. 30 February never comes
        except (CroniterBadDateError, ValueError):
            raise ValueError(f"never fires (got {value!r}); choose a date that exists") from None
        return value

    @field_validator("schedule_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"must be an IANA time zone like America/New_York (got {value!r})") from None
        return value
