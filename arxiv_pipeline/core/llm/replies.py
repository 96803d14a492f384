"""Reading what an OpenAI-compatible endpoint answered. Real servers differ: reasoning models put a
``<think>`` block before the JSON (or the JSON only in ``reasoning_content``), small models nest the
fields under one key, some answer ``content: null`` or no choices at all, and a reply cut at the
token cap is not malformed JSON but a cap to raise. Each case is either read or named plainly."""

from __future__ import annotations

import json
import re
from typing import Any

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
# A file path on the server (a Python traceback's, a model file's): not ours to store.
_SERVER_PATH = re.compile(r"(?<![\w:/.])(?:[A-Za-z]:)?(?:[/\\][\w.\-]+){2,}")


class MalformedReplyError(ValueError):
    """The endpoint answered, but not with what was asked for."""


class TruncatedReplyError(MalformedReplyError):
    """The reply stopped at the token cap (finish_reason "length"): the same cap cuts it again."""


def reply_content(response: Any) -> tuple[str, str | None]:
    """The text of the first choice, and why it ended (``finish_reason``)."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        raise MalformedReplyError("the reply has no choices")
    choice = choices[0]
    message = choice.message
    content = (message.content if message is not None else None) or ""
    if not content.strip() and message is not None:
        # Reasoning servers (DeepSeek's, vLLM's, llama.cpp's) may put everything there.
        extra = getattr(message, "model_extra", None) or {}
        content = str(extra.get("reasoning_content") or extra.get("reasoning") or "")
    if not content.strip():
        raise MalformedReplyError("the reply's content is empty (null)")
    return content, choice.finish_reason


def extract_json(content: str) -> dict[str, Any]:
    """The JSON object in a reply, also when a model wraps it in a code fence, prose or a
    ``<think>`` block."""
    text = _THINK.sub("", content).strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    elif not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            raise MalformedReplyError("the reply holds no JSON object")
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedReplyError(f"the reply is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise MalformedReplyError("the reply is JSON but not an object")
    return data


def unwrap(data: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``{"summary": {"tldr": ...}}`` read as ``{"tldr": ...}`` when the schema's keys are only
    found one level down."""
    keys = set(schema.get("properties", {}))
    if not keys or keys & data.keys() or len(data) != 1:
        return data
    inner = next(iter(data.values()))
    return inner if isinstance(inner, dict) and keys & inner.keys() else data


def schema_instruction(schema: dict[str, Any]) -> str:
    """Said in the prompt when the endpoint cannot be given the schema itself (json_object, off)."""
    keys = ", ".join(f'"{k}"' for k in schema.get("properties", {}))
    return (
        f"Answer with one JSON object and nothing else, with exactly these keys: {keys}. "
        f"Its JSON Schema: {json.dumps(schema, separators=(',', ':'))}"
    )


def scrub_server_paths(text: str) -> str:
    return _SERVER_PATH.sub("[path]", text)
