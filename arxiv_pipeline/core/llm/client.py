"""Calls to an OpenAI-compatible chat-completions endpoint, through the ``openai`` package.

One place for: the JSON reply mode the endpoint supports (json_schema, else json_object, else
plain text, negotiated once per client), client-side requests/tokens-per-minute limits, a
per-request timeout, retries with exponential backoff and jitter on 429/5xx/timeouts that honour
``Retry-After``, and a record of every call's tokens. The API key is held by the ``openai``
client only; it is never logged, stored or put in an error message.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arxiv_pipeline.core.config import LLMConfig
from arxiv_pipeline.core.llm.limits import RateLimits
from arxiv_pipeline.core.llm.parallel import map_as_ready
from arxiv_pipeline.core.llm.replies import (
    MalformedReplyError,
    TruncatedReplyError,
    extract_json,
    reply_content,
    schema_instruction,
    scrub_server_paths,
    unwrap,
)
from arxiv_pipeline.core.retry import backoff_delay, retry_after_seconds

__all__ = [
    "ChatClient",
    "LLMAuthError",
    "LLMCallError",
    "MalformedReplyError",
    "RateLimits",
    "extract_json",
    "map_as_ready",
]

if TYPE_CHECKING:
    import openai

JSON_MODES = ("json_schema", "json_object", "off")
_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
# Refusals of a response_format: OpenAI answers 400; llama-cpp-python's server 500, others 422.
_FORMAT_REFUSAL_STATUS = {400, 422, 500}
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|schema|grammar", re.I)


class LLMCallError(RuntimeError):
    """A call that failed for good: after every retry, or with an error retrying cannot fix."""


class LLMAuthError(LLMCallError):
    """The endpoint refused the key: no later call can succeed, so none is made."""


@dataclass
class CallRecord:
    purpose: str
    paper_ids: list[str]
    model: str
    status: str  # "ok" or the error
    attempts: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    json_mode: str


@dataclass
class _Try:
    """One request's outcome: a validated value, or an error and whether trying again can help."""

    ok: bool = False
    value: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    retryable: bool = True
    retry_after: float | None = None
    format_refused: bool = False  # a 400 that may only mean "not this response_format"
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class ChatResult:
    data: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    attempts: int


def _leaf_fields(schema: dict[str, Any]) -> int:
    """How many values a JSON schema asks for (an array's item schema counted once)."""
    if "properties" in schema:
        return sum(_leaf_fields(sub) for sub in schema["properties"].values()) or 1
    if "items" in schema and isinstance(schema["items"], dict):
        return _leaf_fields(schema["items"])
    return 1


def estimate_tokens(text: str) -> int:
    """About four characters a token for English; CJK text is closer to one a character."""
    cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (len(text) - cjk) // 4 + cjk + 1


class ChatClient:
    def __init__(
        self,
        config: LLMConfig,
        api_key: str | None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Imported here: the package takes ~1.5 s to import, and runs without an LLM never need it.
        import openai

        self.config = config
        # Local servers (vLLM, Ollama) take any key; the openai client insists on one.
        self._client = openai.OpenAI(
            api_key=api_key or "no-key-configured",
            base_url=config.base_url,
            timeout=config.timeout_s,
            max_retries=0,
        )
        self.json_mode = "json_schema" if config.json_mode == "auto" else config.json_mode
        self._limits = RateLimits(config.requests_per_minute, config.tokens_per_minute, sleep=sleep)
        self._sleep = sleep
        self._lock = threading.Lock()
        self._secret = api_key  # only to scrub it from error texts an endpoint might echo
        self.auth_error: str | None = None  # set by the first 401/403; later calls fail at once
        self.calls: list[CallRecord] = []
        self._output_seen: dict[str, float] = {}  # completion tokens per kind of call (moving average)

    @property
    def model(self) -> str:
        return self.config.model

    def _response_format(self, schema_name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
        if self.json_mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": True},
            }
        if self.json_mode == "json_object":
            return {"type": "json_object"}
        if self.json_mode == "json_object_schema":  # llama-cpp-python's (and Anyscale's) form
            return {"type": "json_object", "schema": schema}
        return None

    def _downgrade(self, failed_mode: str) -> bool:
        """The endpoint rejected a reply format: fall back to the next one, for every thread."""
        if self.config.json_mode != "auto":
            return False
        with self._lock:
            if self.json_mode == failed_mode and failed_mode != "off":
                self.json_mode = JSON_MODES[JSON_MODES.index(failed_mode) + 1]
            return True

    def _expected_output(self, schema_name: str, schema: dict[str, Any]) -> int:
        """Output tokens to reserve for a call: at first what the schema asks for (about 64 tokens
        a field), then 1.25x the average of what this kind of call used, never above
        ``llm.max_output_tokens``. Reserving the cap (1,200) for a 200-token answer would let
        the tokens-per-minute limit admit a sixth of the calls it allows."""
        with self._lock:
            seen = self._output_seen.get(schema_name)
        guess = 1.25 * seen if seen is not None else 64 * _leaf_fields(schema) + 32
        return max(16, min(self.config.max_output_tokens, int(guess)))

    def _observe_output(self, schema_name: str, tokens: int) -> None:
        if tokens <= 0:
            return
        with self._lock:
            seen = self._output_seen.get(schema_name)
            self._output_seen[schema_name] = tokens if seen is None else 0.8 * seen + 0.2 * tokens

    def complete_json(
        self,
        messages: Sequence[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        validate: Callable[[dict[str, Any]], Any],
        purpose: str,
        paper_ids: Sequence[str],
    ) -> tuple[Any, ChatResult]:
        """One logical call: retried on transient errors and on malformed replies, validated."""
        if self.auth_error is not None:
            raise LLMAuthError(self.auth_error)
        prompt_tokens_est = sum(estimate_tokens(m["content"]) for m in messages)
        started = time.perf_counter()
        attempt, used_prompt, used_completion = 0, 0, 0
        last_error = ""
        errors: list[str] = []  # every try's, in order: the last alone may hide the first cause
        while attempt < self.config.max_attempts:
            attempt += 1
            mode = self.json_mode
            reserved = prompt_tokens_est + self._expected_output(schema_name, schema)
            self._limits.acquire(reserved)
            tried = self._try(messages, schema_name, schema, validate, prompt_tokens_est)
            self._limits.settle(reserved, tried.prompt_tokens + tried.completion_tokens)
            self._observe_output(schema_name, tried.completion_tokens)
            used_prompt += tried.prompt_tokens
            used_completion += tried.completion_tokens
            if tried.ok:
                self._record(purpose, paper_ids, "ok", attempt, used_prompt, used_completion, started, mode)
                return tried.value, ChatResult(tried.data, used_prompt, used_completion, attempt)
            last_error = tried.error
            if tried.format_refused and self._downgrade(mode):
                attempt -= 1  # the endpoint's capabilities, not a failure of this call
                last_error = f"endpoint rejected response_format={mode}"
                continue
            errors.append(tried.error)
            if not tried.retryable:
                break
            if attempt < self.config.max_attempts:
                self._sleep(backoff_delay(attempt, self.config.backoff_base_s, retry_after=tried.retry_after))
        summary = _tries_said(errors) if errors else last_error
        if self._secret:
            last_error = last_error.replace(self._secret, "[api key]")
            summary = summary.replace(self._secret, "[api key]")
        self._record(
            purpose, paper_ids, last_error, attempt, used_prompt, used_completion, started, self.json_mode
        )
        if last_error.startswith(("HTTP 401", "HTTP 403")):
            self.auth_error = (
                f"the LLM endpoint {self.config.base_url} refused the API key ({last_error}); "
                f"put a valid key in the environment variable {self.config.api_key_env}"
            )
            raise LLMAuthError(self.auth_error)
        raise LLMCallError(summary if len(set(errors)) > 1 else f"{last_error} (after {attempt} tries)")

    def _try(
        self,
        messages: Sequence[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        validate: Callable[[dict[str, Any]], Any],
        prompt_tokens_est: int,
    ) -> _Try:
        """One request, and what its outcome means for the next try."""
        import openai  # already loaded by __init__: a dictionary look-up

        mode = self.json_mode
        response_format = self._response_format(schema_name, schema)
        kwargs = {"response_format": response_format} if response_format is not None else {}
        if mode != "json_schema":  # the endpoint is not given the schema: the prompt says it
            messages = [*messages, {"role": "system", "content": schema_instruction(schema)}]
        tried = _Try()
        try:
            resp = self._client.chat.completions.create(
                model=self.config.model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=self.config.temperature,
                max_tokens=self.config.max_output_tokens,
                **kwargs,
            )
            usage = resp.usage
            tried.prompt_tokens = usage.prompt_tokens if usage else prompt_tokens_est
            tried.completion_tokens = usage.completion_tokens if usage else 0
            content, finish = reply_content(resp)
            if not usage:
                tried.completion_tokens = estimate_tokens(content)
            if finish == "length":
                raise TruncatedReplyError(
                    f"the reply was cut at the token cap (llm.max_output_tokens = "
                    f"{self.config.max_output_tokens}); raise it"
                )
            tried.data = unwrap(extract_json(content), schema)
            tried.value, tried.ok = validate(tried.data), True
        except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as exc:
            tried.error, tried.retryable = f"HTTP {exc.status_code}: {_message(exc)}", False
        except openai.APIStatusError as exc:
            _refused(tried, exc, mode)
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            timed_out = isinstance(exc, openai.APITimeoutError)
            tried.error = "timeout" if timed_out else "connection error"
            # The endpoint had the prompt (and bills for it): counted, as estimated.
            tried.prompt_tokens = prompt_tokens_est if timed_out else 0
        except TruncatedReplyError as exc:
            tried.error, tried.retryable = f"malformed reply: {exc}", False
        except (MalformedReplyError, ValueError) as exc:
            tried.error = f"malformed reply: {exc}"
        return tried

    def _record(
        self,
        purpose: str,
        ids: Sequence[str],
        status: str,
        attempts: int,
        prompt: int,
        completion: int,
        started: float,
        mode: str,
    ) -> None:
        with self._lock:
            self.calls.append(
                CallRecord(
                    purpose,
                    list(ids),
                    self.config.model,
                    status,
                    attempts,
                    prompt,
                    completion,
                    time.perf_counter() - started,
                    mode,
                )
            )

    def estimated_cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.config.prices.get(self.config.model)
        if price is None:
            return None
        return (
            prompt_tokens * price.input_per_million + completion_tokens * price.output_per_million
        ) / 1_000_000


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    text = str(exc.message)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            text = str(err["message"])
    return scrub_server_paths(text)[:300]


def _tries_said(errors: Sequence[str]) -> str:
    """Every try's error, once each in order: "try 1: wrong language; tries 2-3: timeout"."""
    said: list[tuple[int, int, str]] = []
    for n, error in enumerate(errors, start=1):
        if said and said[-1][2] == error:
            said[-1] = (said[-1][0], n, error)
        else:
            said.append((n, n, error))
    return "; ".join(f"try {a}: {e}" if a == b else f"tries {a}-{b}: {e}" for a, b, e in said)


@dataclass
class UsageTotals:
    calls: int = 0
    failed_calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @classmethod
    def of(cls, calls: Sequence[CallRecord]) -> UsageTotals:
        totals = cls()
        for c in calls:
            totals.calls += 1
            totals.failed_calls += c.status != "ok"
            totals.attempts += c.attempts
            totals.prompt_tokens += c.prompt_tokens
            totals.completion_tokens += c.completion_tokens
        return totals


def usage_report(chat: ChatClient) -> dict[str, Any]:
    """The calls a client made, summed up for a run's metadata, with a cost estimate."""
    totals = UsageTotals.of(chat.calls)
    cost = chat.estimated_cost(totals.prompt_tokens, totals.completion_tokens)
    return {
        "llm_calls": totals.calls,
        "llm_failed_calls": totals.failed_calls,
        "llm_attempts": totals.attempts,
        "prompt_tokens": totals.prompt_tokens,
        "completion_tokens": totals.completion_tokens,
        "estimated_cost_usd": round(cost, 6) if cost is not None else "no price configured",
        "model": chat.model,
        "json_mode": chat.json_mode,
    }


def _refused(tried: _Try, exc: Any, mode: str) -> None:
    """What an HTTP error status means for the next try. A 400 is final, unless it refused the
    reply format and another one can be tried; a 422 or 500 is a format refusal only when it
    names the format ("response_format type must be one of text or json_object"): a plain server
    error is retried as one."""
    tried.error = f"HTTP {exc.status_code}: {_message(exc)}"
    tried.retryable = exc.status_code in _RETRYABLE_STATUS
    tried.format_refused = mode != "off" and (
        exc.status_code == 400
        or (exc.status_code in _FORMAT_REFUSAL_STATUS and bool(_FORMAT_WORDS.search(tried.error)))
    )
    tried.retry_after = retry_after_seconds(exc.response.headers.get("retry-after"))
