"""What every config section shares: the error type, the section base model, file names and the value
checks used by several sections."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict

from arxiv_pipeline.core.taxonomy import ARCHIVES, CATEGORIES

CONFIG_ENV_VAR = "ARXIV_PIPELINE_CONFIG"


# ARXIV_PIPELINE__LLM__MODEL=gpt-4o overrides llm.model in the file (for deployments).
ENV_PREFIX = "ARXIV_PIPELINE__"


CONFIG_FILE_NAME = "arxiv_pipeline.yaml"


DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[2] / "default_config.yaml"


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


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_env_name(value: str, holds: str, example: str) -> str:
    """The NAME of an environment variable; a pasted secret is refused without echoing it."""
    if not _ENV_NAME.match(value):
        raise ValueError(
            f"put the NAME of the environment variable that holds {holds} here (letters, digits "
            f"and _, e.g. {example}), and the secret itself in that variable"
        )
    return value


def check_unique_names(kind: str, items: list[Any]) -> list[Any]:
    """Entries of a list named by their ``name`` (readers, delivery targets) must differ."""
    names = [item.name for item in items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{kind} names must differ: {', '.join(twice)} used twice")
    return items


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
