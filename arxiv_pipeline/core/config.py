"""The one user-facing configuration file, validated at load time.

Every problem is reported with the dotted key it concerns and what would be accepted, e.g.
``digest.max_papers: must be at least 1 (got 0)``. Secrets never live here: the LLM key is read
from the environment only.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Mapping
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import CroniterBadDateError, croniter
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from arxiv_pipeline.core.taxonomy import ARCHIVES, CATEGORIES

CONFIG_ENV_VAR = "ARXIV_PIPELINE_CONFIG"
# ARXIV_PIPELINE__LLM__MODEL=gpt-4o overrides llm.model in the file (for deployments).
ENV_PREFIX = "ARXIV_PIPELINE__"
CONFIG_FILE_NAME = "arxiv_pipeline.yaml"
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "default_config.yaml"

AnnounceType = Literal["new", "cross", "replace", "replace-cross"]

LANGUAGES: dict[str, str] = {
    "en": "English",
    "zh": "Simplified Chinese",
    "zh-TW": "Traditional Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "ru": "Russian",
    "it": "Italian",
}


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names every bad key."""


_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$")


def check_url(value: str) -> str:
    """An http(s) URL whose host a client can reach; the reason otherwise (as a ValueError)."""
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https:// (got {value!r})")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"must not contain spaces (got {value!r})")
    host = urlparse(value).netloc.rsplit("@", 1)[-1]
    host = host if host.startswith("[") else host.split(":", 1)[0]
    if not _HOST.match(host):
        raise ValueError(f"has no valid host name (got {value!r})")
    return value


def _looks_like_a_key(value: str) -> bool:
    return value.startswith(("sk-", "sk_", "Bearer ")) or (len(value) >= 32 and not value.isupper())


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeywordsConfig(_Section):
    include: list[str] = Field(
        default_factory=list,
        description="Whole words or phrases (case-insensitive) that make a paper relevant. "
        "A trailing * matches any ending (quantiz*); plurals match (LLM matches LLMs).",
    )
    exclude: list[str] = Field(default_factory=list, description="Terms that drop a paper.")
    authors: list[str] = Field(default_factory=list, description="Followed authors: always kept and boosted.")
    weights: dict[str, float] = Field(
        default_factory=dict, description="Optional per-keyword weight (default 1.0)."
    )

    @field_validator("include", "exclude", "authors")
    @classmethod
    def _non_blank(cls, terms: list[str]) -> list[str]:
        cleaned = [t.strip() for t in terms]
        for term in cleaned:
            if not term or term == "*":
                raise ValueError("entries must be non-empty words or phrases")
        return cleaned

    @field_validator("weights")
    @classmethod
    def _positive_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        for term, weight in weights.items():
            if weight <= 0:
                raise ValueError(f"weight of {term!r} must be greater than 0 (got {weight})")
        return weights


class FilterConfig(_Section):
    announce_types: list[AnnounceType] = Field(default_factory=lambda: ["new", "cross"])
    require_keyword: bool = Field(
        True, description="Drop papers that match no include keyword (when any are configured)."
    )
    resurface_new_versions: bool = Field(
        False, description="Let a paper shown before come back when a new version is announced."
    )

    @field_validator("announce_types")
    @classmethod
    def _some_types(cls, types: list[str]) -> list[str]:
        if not types:
            raise ValueError("list at least one of new, cross, replace, replace-cross")
        return types


class ScoringConfig(_Section):
    title_weight: float = Field(2.0, ge=0)
    abstract_weight: float = Field(1.0, ge=0)
    author_boost: float = Field(5.0, ge=0)


class DigestConfig(_Section):
    title: str = Field("arXiv Digest", min_length=1, description="Heading of the Markdown digests.")
    max_papers: int = Field(30, ge=1, le=2000, description="Papers kept in the digest.")
    summarize_top: int = Field(10, ge=0, le=2000, description="How many get a summary.")
    abstract_chars: int = Field(300, ge=50, le=10000)

    @model_validator(mode="after")
    def _summarize_within_digest(self) -> DigestConfig:
        if self.summarize_top > self.max_papers and "summarize_top" not in self.model_fields_set:
            # The default (10) follows a smaller digest; only an explicit value is a mistake.
            object.__setattr__(self, "summarize_top", self.max_papers)
        if self.summarize_top > self.max_papers:
            raise ValueError(
                f"summarize_top ({self.summarize_top}) is larger than max_papers ({self.max_papers}): only "
                "papers in the digest are summarized; lower summarize_top or raise max_papers"
            )
        return self


class SummaryConfig(_Section):
    language: str = Field("en", description="Language of summaries.")
    summarizer: Literal["auto", "llm", "extractive"] = Field(
        "auto", description="auto: the LLM when an API key is set, else extractive."
    )
    long_summary_top: int = Field(
        0, ge=0, le=200, description="How many top papers also get a long-form LLM summary."
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)} (got {value!r})")
        return value


def check_url_template(value: str) -> str:
    """An http(s) URL with one ``{}`` where the id or query goes."""
    if value.count("{}") != 1:
        raise ValueError(f"must be an http(s) URL with one {{}} placeholder (got {value!r})")
    try:
        check_url(value.replace("{}", "x"))
    except ValueError:
        raise ValueError(f"must be an http(s) URL with a valid host and no spaces (got {value!r})") from None
    return value


def on_arxiv(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host == "arxiv.org" or host.endswith(".arxiv.org")


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
    json_mode: Literal["auto", "json_schema", "json_object", "off"] = Field(
        "auto", description="auto tries json_schema, then json_object, then plain parsing."
    )
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens, per model, for cost estimates."
    )
    prompts_dir: str | None = Field(
        None, description="A folder of your own prompt files (summary.v1.md ...) to use instead."
    )

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


class RankingConfig(_Section):
    """Optional LLM ranking, combined with the keyword score; keyword-only by default."""

    llm_weight: float = Field(0.0, ge=0, description="0 turns LLM ranking off.")
    keyword_weight: float = Field(1.0, ge=0)
    interests: str = Field("", description="Free text: what you want to read about.")
    batch_size: int = Field(8, ge=1, le=50, description="Papers per ranking call.")
    top_candidates: int = Field(100, ge=1, le=2000, description="Best keyword hits sent to the LLM.")

    @model_validator(mode="after")
    def _interests_when_on(self) -> RankingConfig:
        if self.llm_weight > 0 and not self.interests.strip():
            raise ValueError(
                "set ranking.interests (a sentence about what you want to read) "
                "when ranking.llm_weight is above 0"
            )
        return self


class ReaderConfig(_Section):
    """Ranking by the reader's own library and ratings (off until a library or a rating exists)."""

    library: list[str] = Field(
        default_factory=list,
        description="Your library: BibTeX (.bib), CSL-JSON (.json) or a list of arXiv ids/URLs (.txt).",
    )
    weight: float = Field(
        20.0, ge=0, description="Points a paper gets at reader score 1 (0..1); 0 turns the reader part off."
    )
    learned: bool = Field(True, description="Train a classifier from your ratings once there are enough.")
    min_ratings: int = Field(10, ge=1, le=10_000, description="Ratings before the classifier takes over.")
    half_life_days: float = Field(
        365.0, gt=0, description="Library papers this old weigh half as much as new ones (towards 0.5)."
    )
    background_papers: int = Field(
        2000,
        ge=0,
        le=50_000,
        description="Unrated papers from the stored history the classifier learns from.",
    )
    ranker: Literal["tfidf", "embeddings"] = Field(
        "tfidf", description="tfidf needs nothing more; embeddings needs pip install '.[embeddings]'."
    )

    @field_validator("library")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        cleaned = [p.strip() for p in paths]
        if any(not p for p in cleaned):
            raise ValueError("entries must be file paths (a .bib, .json or .txt file)")
        return cleaned


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
    schedule_cron: str = Field("30 0 * * *", description="When the daily run starts (cron).")
    schedule_timezone: str = Field("America/New_York", description="The cron's time zone.")
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


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def check_env_name(value: str, holds: str, example: str) -> str:
    """The NAME of an environment variable; a pasted secret is refused without echoing it."""
    if not _ENV_NAME.match(value):
        raise ValueError(
            f"put the NAME of the environment variable that holds {holds} here (letters, digits "
            f"and _, e.g. {example}), and the secret itself in that variable"
        )
    return value


class _Target(_Section):
    name: str = Field(description="Names the target in the deliveries table, the UI and `deliver --target`.")
    empty_days: bool = Field(
        False, description="Also send a short notice on days with no papers (weekends, holidays)."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _TARGET_NAME.match(value):
            raise ValueError(
                "use lowercase letters, digits, - and _ (at most 40), e.g. inbox or lab-slack "
                f"(got {value!r})"
            )
        return value


class EmailTarget(_Target):
    kind: Literal["email"]
    host: str = Field(min_length=1, description="SMTP server, e.g. smtp.fastmail.com.")
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls (port 587), ssl (implicit TLS, port 465) or none (a local relay)."
    )
    username: str | None = Field(None, description="SMTP login, when the server asks for one.")
    password_env: str | None = Field(
        None, description="NAME of the environment variable holding the SMTP password."
    )
    sender: str = Field(alias="from", description='From address, e.g. "arXiv digest <me@example.org>".')
    to: list[str] = Field(min_length=1, description="Recipients.")
    top: int = Field(10, ge=1, le=200, description="Papers in the email (the rest are on the site).")
    list_unsubscribe: str | None = Field(
        None, description="mailto: or https: address for the List-Unsubscribe header (mailing lists)."
    )
    timeout_s: float = Field(30.0, gt=0, le=600)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("password_env")
    @classmethod
    def _password_env(cls, value: str | None) -> str | None:
        return check_env_name(value, "the SMTP password", "SMTP_PASSWORD") if value else value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if not _ADDRESS.match(parseaddr(value)[1]):
            raise ValueError(f'must be an address, e.g. "arXiv digest <me@example.org>" (got {value!r})')
        return value

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not _ADDRESS.match(parseaddr(address)[1]):
                raise ValueError(f"{address!r} is not an email address (name@example.org or Name <name@...>)")
        return value

    @field_validator("list_unsubscribe")
    @classmethod
    def _unsubscribe(cls, value: str | None) -> str | None:
        if value and not value.startswith(("mailto:", "https://", "http://")):
            raise ValueError(f"must be a mailto: or http(s): address (got {value!r})")
        return value


class ChatTarget(_Target):
    kind: Literal["chat"]
    url_env: str = Field(
        description="NAME of the environment variable holding the service's Apprise URL (slack://..., "
        "discord://..., tgram://..., msteams://..., matrix://..., ntfy://..., json://...): it "
        "carries the webhook's secret, so it never goes in this file."
    )
    top: int = Field(5, ge=1, le=50, description="Papers in the message.")
    timeout_s: float = Field(30.0, gt=0, le=600)

    @field_validator("url_env")
    @classmethod
    def _url_env(cls, value: str) -> str:
        return check_env_name(value, "the service's URL", "SLACK_WEBHOOK_URL")


class DirectoryTarget(_Target):
    kind: Literal["directory"]
    path: str = Field(min_length=1, description="Folder the site is copied into (e.g. a web server's root).")


# What git refuses in a branch name (git check-ref-format), and what would read as an option.
_BAD_REF = re.compile(r"(^[-/.])|([/.]$)|(\.\.)|(//)|(@\{)|(/\.)|(\.lock(/|$))|[\x00-\x20\x7f~^:?*\[\\]")


def check_git_branch(value: str) -> str:
    if value == "@" or _BAD_REF.search(value):
        raise ValueError(
            "must be a plain git branch name such as gh-pages (no leading -, no spaces, no "
            f"~ ^ : ? * [ \\, no .. or @{{) (got {value[:80]!r})"
        )
    return value


def check_git_remote(value: str) -> str:
    if value.startswith("-") or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(
            "must be a URL (https://, ssh://, git@host:path) or a path; a value starting with - "
            f"would be read by git as an option (got {value[:80]!r})"
        )
    if "::" in value.split("/", 1)[0]:
        raise ValueError(f"git remote helpers (transport::address) are not allowed (got {value[:80]!r})")
    return value


class GitTarget(_Target):
    kind: Literal["git"]
    repository: str = Field(
        min_length=1,
        description="Remote the site is pushed to: a URL or a path. Credentials in the URL are never "
        "logged or stored (prefer a credential helper or an SSH key).",
    )
    branch: str = Field("gh-pages", min_length=1, description="Branch that holds the site.")
    author: str = Field("arxiv-pipeline <arxiv-pipeline@localhost>", description="Commit author.")

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        return check_git_remote(value)

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        return check_git_branch(value)

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        if not re.match(r"^[^<>]+ <[^<>\s]+>$", value):
            raise ValueError(f'must look like "Name <address>" (got {value!r})')
        return value


DeliveryTarget = Annotated[
    EmailTarget | ChatTarget | DirectoryTarget | GitTarget, Field(discriminator="kind")
]


class DeliveryConfig(_Section):
    targets: list[DeliveryTarget] = Field(
        default_factory=list, description="Where each day's digest goes after it is built."
    )
    max_age_days: int = Field(
        7,
        ge=0,
        description="Days older than this are not sent by runs (a backfill of last month sends no "
        "emails); `arxiv-pipeline deliver --date D` still sends them. 0: no limit.",
    )
    max_attempts: int = Field(4, ge=1, le=20, description="Tries per target within a run.")
    backoff_base_s: float = Field(2.0, ge=0, le=600, description="First wait between tries; doubles.")
    retry_days: int = Field(3, ge=1, le=60, description="How far back the sensor retries failed deliveries.")
    retry_minutes: float = Field(15, ge=0, description="First wait before the sensor retries a failed day.")
    retry_max_attempts: int = Field(5, ge=0, le=50)
    claim_lease_minutes: float = Field(
        30,
        gt=0,
        le=1440,
        description="A send another run started this recently is left to it; older, it is taken "
        "to have died and is retried.",
    )

    @field_validator("targets")
    @classmethod
    def _unique(cls, targets: list[Any]) -> list[Any]:
        return check_unique_names("target", targets)


POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and urlparse(location).scheme in POSTGRES_SCHEMES


def postgres_url_problem(url: str) -> str | None:
    """What is wrong with a warehouse URL, said so the user can fix it; None when it will do."""
    parts = urlparse(url)
    if parts.password:
        return (
            "holds a password; remove it from the URL and set PGPASSWORD in the environment "
            "(or use ~/.pgpass), so no secret sits in the configuration"
        )
    if not parts.hostname and "host=" not in parts.query:
        return "names no host; write it as postgresql://USER@HOST:PORT/DATABASE"
    if not parts.path.strip("/"):
        return "names no database; write it as postgresql://USER@HOST:PORT/DATABASE"
    return None


class StorageConfig(_Section):
    database: str = Field(
        default="data/arxiv_pipeline.duckdb",
        description="The warehouse: a DuckDB file (the default), or a PostgreSQL database as "
        "postgresql://USER@HOST:PORT/DATABASE for runs on several machines (password from "
        "PGPASSWORD or ~/.pgpass; needs the lab extra).",
    )
    output_dir: str = "data/digests"

    @field_validator("database")
    @classmethod
    def _database(cls, value: str) -> str:
        problem = postgres_url_problem(value) if is_postgres_url(value) else None
        if problem:
            raise ValueError(f"the PostgreSQL URL {problem}")
        return value


def check_unique_names(kind: str, items: list[Any]) -> list[Any]:
    """Entries of a list named by their ``name`` (readers, delivery targets) must differ."""
    names = [item.name for item in items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{kind} names must differ: {', '.join(twice)} used twice")
    return items


def check_categories(cats: list[str]) -> list[str]:
    if not cats:
        raise ValueError("list at least one arXiv category, e.g. cs.LG")
    for cat in cats:
        if cat not in CATEGORIES and cat not in ARCHIVES:
            known = {k.casefold(): k for k in CATEGORIES | ARCHIVES}
            close = difflib.get_close_matches(cat.casefold(), sorted(known), n=1)
            hint = f"; did you mean {known[close[0]]!r}?" if close else ""
            raise ValueError(f"{cat!r} is not an arXiv category{hint}")
    if len(set(cats)) != len(cats):
        raise ValueError("categories are listed more than once")
    return cats


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


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):  # an item of a list of sections (readers, delivery targets)
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        # list[Section] and Section | None lead to Section.
        inner = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            current = annotation
        elif len(inner) == 1:
            current = inner[0]
        else:
            return []
    return list(current.model_fields)


def _format_errors(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = tuple(e["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(PipelineConfig, loc)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"  {key}: unknown key{hint}; allowed here: {', '.join(allowed)}")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        secret = any(word in key.lower() for word in ("key", "secret", "password", "token"))
        if e["type"] not in ("value_error", "missing") and not secret:
            msg = f"{msg} (got {e.get('input')!r})"
        lines.append(f"  {key}: {msg}")
    return f"invalid configuration in {source}:\n" + "\n".join(lines)


def parse_config(data: Any, base_dir: Path | None = None, source: str = "config") -> PipelineConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"invalid configuration in {source}: expected a mapping of keys at the top")
    try:
        config = PipelineConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_errors(err, source)) from None
    config._base_dir = (base_dir or Path.cwd()).resolve()
    return config


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The file to use: an explicit path, $ARXIV_PIPELINE_CONFIG, ./arxiv_pipeline.yaml, or the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return Path(env)
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.exists() else DEFAULT_CONFIG_PATH


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Config values set by ``ARXIV_PIPELINE__SECTION__KEY`` variables (values read as YAML, so
    ``[cs.AI, cs.LG]`` is a list and ``8`` a number), as a nested mapping to lay over the file."""
    overrides: dict[str, Any] = {}
    for name, raw in sorted((environ if environ is not None else os.environ).items()):
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX:
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__")]
        if not all(keys):
            raise ConfigError(f"{name}: use {ENV_PREFIX}SECTION__KEY, with double underscores between keys")
        try:
            value = yaml.safe_load(raw) if raw.strip() else raw
        except yaml.YAMLError:
            value = raw
        node = overrides
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: {'.'.join(keys[:-1])} is set as a value and as a section")
        node[keys[-1]] = value
    return overrides


def overlay(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it, section by section."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = overlay(out[key], value)
        else:
            out[key] = value
    return out


def _env_names(changes: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[str]:
    names = []
    for key, value in changes.items():
        path = (*prefix, key)
        if isinstance(value, dict):
            names.extend(_env_names(value, path))
        else:
            names.append(ENV_PREFIX + "__".join(p.upper() for p in path))
    return names


def load_config(path: str | os.PathLike[str] | None = None) -> PipelineConfig:
    cfg_path = find_config_path(path)
    if not cfg_path.exists():
        raise ConfigError(
            f"configuration file {cfg_path} does not exist; "
            f"copy {DEFAULT_CONFIG_PATH} there or set {CONFIG_ENV_VAR}"
        )
    try:
        data = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{cfg_path} is not valid YAML: {err}") from None
    # The packaged default resolves its relative paths against the working directory.
    base = Path.cwd() if cfg_path.resolve() == DEFAULT_CONFIG_PATH else cfg_path.resolve().parent
    source = str(cfg_path)
    overrides = env_overrides()
    if overrides and isinstance(data, dict | None):
        data = overlay(data or {}, overrides)
        source += f" with {', '.join(_env_names(overrides))} from the environment"
    if isinstance(data, dict) and data.get("readers_dir"):
        data = {**data, "readers": [*(data.get("readers") or []), *_reader_files(base, data["readers_dir"])]}
    return parse_config(data, base_dir=base, source=source)


def _reader_files(base: Path, folder: str) -> list[dict[str, Any]]:
    """The readers of ``readers_dir``, one per *.yaml file, in file-name order."""
    path = Path(os.path.expanduser(str(folder)))
    path = path if path.is_absolute() else base / path
    if not path.is_dir():
        raise ConfigError(f"readers_dir: {path} is not a folder; create it, or remove readers_dir")
    readers = []
    for file in sorted(path.glob("*.yaml")):
        try:
            entry = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise ConfigError(f"{file} is not valid YAML: {err}") from None
        if not isinstance(entry, dict):
            raise ConfigError(f"{file}: expected the keys of a reader (categories, keywords, ...)")
        readers.append({"name": file.stem, **entry})
    return readers


def load_config_or_default(path: str | os.PathLike[str] | None = None) -> tuple[PipelineConfig, str | None]:
    """The configuration, or the defaults and the reason when it cannot be used: for code that must
    load even with a broken file (the UI), while runs stop on the error itself."""
    try:
        return load_config(path), None
    except ConfigError as err:
        return PipelineConfig(), str(err)


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of the configuration file, for editors (yaml-language-server) to validate it."""
    schema = PipelineConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "arxiv-pipeline configuration (arxiv_pipeline.yaml)"
    return schema


def config_hash(config: PipelineConfig) -> str:
    """Changes exactly when the choice or treatment of papers would change."""
    return hashlib.sha256(config.interests_fingerprint().encode()).hexdigest()[:16]


def _writable(path: Path) -> bool:
    """Whether ``path`` (a file or folder, existing or to be made) can be written."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    if probe.is_file() and probe != path:
        return False  # a file stands where a folder must go
    return os.access(probe, os.W_OK | (os.X_OK if probe.is_dir() else 0))


def check_writable(config: PipelineConfig) -> None:
    """Before a run writes anything: the database and the digest folder can be written."""
    problems = []
    paths = [("storage.output_dir", config.output_dir)]
    if not is_postgres_url(config.storage.database):
        paths.insert(0, ("storage.database", config.database_path))
    for key, path in paths:
        if not _writable(path):
            problems.append(
                f"  {key}: cannot write {path} (no permission, or a file is in the way); "
                "choose a path this user can write"
            )
    if problems:
        raise ConfigError("invalid configuration:\n" + "\n".join(problems))
