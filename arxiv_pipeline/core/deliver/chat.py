"""Pushing the digest to a chat service through Apprise, which speaks Slack, Discord, Microsoft
Teams, Telegram, Matrix, ntfy, generic JSON webhooks and many more from one URL per target.

The URL carries the webhook's secret, so it is read from the environment at send time and never
shown: errors quote Apprise's reasons with every part of the URL blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from arxiv_pipeline.core.config import ChatTarget
from arxiv_pipeline.core.deliver import DeliveryError


@dataclass(frozen=True)
class ChatService:
    """An Apprise URL made into a sender, with what it can take."""

    scheme: str
    body_limit: int
    title_limit: int
    _apprise: Any
    _secrets: tuple[str, ...]

    def send(self, title: str, body: str, timeout_s: float) -> None:
        import apprise

        result = self._apprise.notify(
            body=body, title=title, body_format=apprise.NotifyFormat.TEXT, timeout=timeout_s
        )
        if not result:
            reasons = [e.message for e in result.logs() if e.level in ("WARNING", "ERROR")]
            raise DeliveryError(
                redact(
                    f"{self.scheme}: " + ("; ".join(reasons) or "the service did not accept it"),
                    self._secrets,
                )
            )


def _secret_parts(url: str) -> tuple[str, ...]:
    """Every piece of the URL that may be a token: path segments, user, password, query values."""
    parts = urlsplit(url)
    pieces = [parts.netloc, parts.username or "", parts.password or "", parts.query]
    pieces += [unquote(p) for p in re.split(r"[/?&=:@]", url.split("://", 1)[-1])]
    return tuple(sorted({p for p in pieces if len(p) >= 6}, key=len, reverse=True))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def chat_service(target: ChatTarget, environ: Mapping[str, str]) -> ChatService:
    import apprise

    url = environ.get(target.url_env, "").strip()
    if not url:
        raise DeliveryError(
            f"the environment variable {target.url_env} (delivery target {target.name}'s service URL) "
            "is not set",
            retriable=False,
        )
    secrets = _secret_parts(url)
    client = apprise.Apprise()
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None or not client.add(plugin):
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        raise DeliveryError(
            f"${target.url_env} is not a URL Apprise can send to (scheme {scheme!r}); see "
            "https://github.com/caronc/apprise/wiki for the form of each service's URL",
            retriable=False,
        )
    scheme = url.split("://", 1)[0].lower()
    return ChatService(
        scheme=scheme,
        body_limit=int(plugin.body_maxlen or 4000),
        title_limit=int(plugin.title_maxlen or 0),
        _apprise=client,
        _secrets=secrets,
    )
