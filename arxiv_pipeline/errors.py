"""Dagster wraps a step's exception; people need the one our code raised."""

from typing import Any


def root_message(error: Any) -> str:
    """The innermost cause of a Dagster ``SerializableErrorInfo``, as one line of text."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return (getattr(error, "message", None) or str(error)).strip()
