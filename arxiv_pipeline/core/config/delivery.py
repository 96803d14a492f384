"""Delivery targets (email, chat, a folder, a git branch) and the delivery section."""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator

from arxiv_pipeline.core.config.base import _Section, check_env_name, check_unique_names

_TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


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
