"""Delivery: the day's digest sent by email, pushed to chat services, and the site published.

``messages`` composes what is sent (an HTML email with a plain-text part, chat text for each
service) from the stored digest; ``smtp``, ``chat`` and ``site_copy`` send it. Which day went to
which target, and whether to send again, is the stage's business (``stage``).
"""

from __future__ import annotations

import hashlib
from importlib import resources


class DeliveryError(RuntimeError):
    """A send that failed; the message says why and never holds a secret."""

    def __init__(self, message: str, retriable: bool = True) -> None:
        super().__init__(message)
        self.retriable = retriable


def delivery_version() -> str:
    """Changes when what is sent could: the delivery code and the email templates."""
    digest = hashlib.sha256()
    deliver = resources.files("arxiv_pipeline.core.deliver")
    for folder in (deliver, deliver.joinpath("templates", "email")):
        for item in sorted(folder.iterdir(), key=lambda f: f.name):
            if item.is_file() and item.name.endswith((".py", ".j2")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:12]
