"""An OpenAI-compatible chat-completions server on 127.0.0.1 for the tests.

It answers summary, long-summary and ranking prompts with canned JSON made from the paper ids in
the prompt, in the language asked for; counts calls and the peak of calls in flight; records
every request; and injects faults on demand, per paper or for the next calls: 429 with
Retry-After, 500, a hang past the client's timeout, a reply that is not JSON, JSON missing a
field, a reply in the wrong language or with control characters, and a 400 for
``response_format`` it does not support.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from arxiv_pipeline_tests.fakes.local_server import LocalServer

_ID = re.compile(r"arXiv id: (\S+)")
_RANK_ID = re.compile(r'<paper id="([^"]+)">')
_PERCENT = re.compile(r"\d+\.\d+%")
# What the paper is about, as the prompt gives it: the abstract, else the title.
_JUNK = ("title_echo", "long_tldr", "short_tldr", "repeat", "invented_number", "ungrounded")
_ABOUT = re.compile(r"^(?:Abstract|Title): (.+)$", re.M)
_LIMIT = re.compile(r"limitation is that ([^.]+)\.")
_TITLE = re.compile(r"^Title: (.+)$", re.M)


class FakeOpenAI(LocalServer):
    path_prefix = "/v1"

    def __init__(
        self,
        latency_s: float = 0.0,
        json_schema_supported: bool = True,
        json_object_supported: bool = True,
        hang_s: float = 2.0,
        valid_key: str | None = None,
        refusal_status: int = 400,
    ) -> None:
        # How a refused response_format is answered: OpenAI 400; llama-cpp-python's server 500.
        self.refusal_status = refusal_status
        self.valid_key = valid_key  # when set, any other key gets a 401, as OpenAI answers
        self.latency_s = latency_s
        self.json_schema_supported = json_schema_supported
        self.json_object_supported = json_object_supported
        self.hang_s = hang_s
        self.paper_faults: dict[str, deque[str]] = defaultdict(deque)
        self.next_faults: deque[str] = deque()
        self.ranking_scores: dict[str, tuple[int, int]] = {}
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.calls = 0
        self.completed = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self._start_server(self._handler())

    def calls_for(self, purpose: str) -> int:
        return sum(1 for r in self.requests if _purpose(r) == purpose)

    # -- replies -------------------------------------------------------------------------
    def _summary(self, paper_id: str, chinese: bool, text: str = "") -> dict[str, str]:
        if chinese:
            return {
                "tldr": f"论文{paper_id}提出了一种新方法并取得了显著的效果提升。",
                "motivation": "现有方法在效率和准确性方面存在明显不足，需要改进。",
                "method": "作者设计了新的模型结构，并在多个基准数据集上进行了系统实验。",
                "result": "实验结果表明该方法在主要指标上优于所有基线方法。",
                "conclusion": "该工作为后续研究提供了有价值的思路和实践经验。",
            }
        return {
            # A real model's TL;DR is in the paper's words: the first dozen of what the prompt
            # says it is about.
            "tldr": f"Paper {paper_id} is about " + " ".join(_about(text).split()[:12]) + ".",
            "motivation": f"Existing approaches fall short on the problem {paper_id} studies.",
            "method": "The authors design a new model and evaluate it on standard benchmarks.",
            "result": "It outperforms the strongest baseline by a wide margin.",
            "conclusion": "The approach is a practical default for the task.",
        }

    def _reply(self, body: dict[str, Any], fault: str | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        messages = body.get("messages", [])
        text = "\n".join(m.get("content", "") for m in messages)
        purpose = _purpose(body)
        chinese = "Simplified Chinese" in text
        if purpose == "ranking":
            ids = _RANK_ID.findall(text)
            papers = [
                {
                    "arxiv_id": i,
                    "relevance": self.ranking_scores.get(i, (5, 5))[0],
                    "novelty": self.ranking_scores.get(i, (5, 5))[1],
                    "reason": f"Rated {i} against the stated interests.",
                }
                for i in ids
            ]
            content: Any = {"papers": papers}
        else:
            paper_id = (_ID.findall(text) or ["unknown"])[-1]
            if purpose == "long_summary" and chinese:
                content = {
                    "long_summary": f"## Contributions\n- 论文{paper_id}解决了一个实际问题。\n"
                    "## Method and Setup\n- 提出了新的模型结构。\n"
                    "## Results\n- 主要指标提升五个百分点。\n"
                    "## Conclusions\n- 该方法具有实用价值。"
                }
            elif purpose == "fulltext_notes":
                numbers = _PERCENT.findall(text)
                content = {"notes": f"Notes on {paper_id}: results {', '.join(numbers[:3]) or 'none'}."}
            elif purpose == "fulltext_summary" and not chinese:
                # Says what reached it: the first figure and dataset the text (or notes) gave.
                numbers = _PERCENT.findall(text)
                content = {
                    **self._summary(paper_id, False, text),
                    "result": f"It reaches {numbers[0] if numbers else 'no stated'} accuracy.",
                    "conclusion": "A stated limitation: " + (_LIMIT.findall(text) or ["none given"])[0],
                }
            elif purpose == "long_summary":
                content = {
                    "long_summary": f"## Contributions\n- {paper_id} solves a real problem.\n"
                    "## Method and Setup\n- A new model.\n## Results\n- Better by 5 points.\n"
                    "## Conclusions\n- Useful."
                }
            else:
                content = self._summary(paper_id, chinese and fault != "wrong_language", text)
                if fault == "wrong_language":
                    content = self._summary(paper_id, not chinese, text)
        if fault in _JUNK and isinstance(content, dict):
            # Junk a small model sends as if it were a summary (seen with SmolLM2-135M).
            title = (_TITLE.findall(text) or ["A title"])[-1].strip()
            if fault == "title_echo":
                content = dict.fromkeys(content, title)
            elif fault == "long_tldr":
                content["tldr"] = " ".join(["The paper studies the problem in great detail"] * 12) + "."
            elif fault == "short_tldr":  # SmolLM2-135M's TL;DR of two papers on the real sample day
                content["tldr"] = "The Art of Persuasion"
            elif fault == "repeat":
                content["motivation"] = content["tldr"]
            elif fault == "ungrounded":  # as SmolLM2-135M answered a full-text prompt
                content["tldr"] = "This is a JSON document with content that can be interpreted as follows:"
            else:
                content["result"] = "It reaches 97.3% accuracy, 12.5 points above the baseline."
        if fault == "nested" and isinstance(content, dict):
            content = {"summary": content}
        if fault == "control_chars" and isinstance(content, dict):
            content = {k: f"\x01{v}\x07 \ufffe" for k, v in content.items()}
        if fault == "missing_field" and isinstance(content, dict):
            content.pop(next(iter(content)))
        raw = json.dumps(content, ensure_ascii=False)
        if fault == "not_json":
            raw = "{'tldr': 'single quotes are not JSON', 'method': ...}"
        if fault == "poem":
            raw = "Roses are red,\nabstracts are long;\nI ignored my instructions\nand wrote you a song."
        if fault == "think":
            raw = "<think>The user wants {json}. Let me think about {the fields}.</think>\n" + raw
        usage = {"prompt_tokens": len(text) // 4, "completion_tokens": len(raw) // 4}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        message: dict[str, Any] = {"role": "assistant", "content": raw}
        finish = "stop"
        if fault == "reasoning_only":
            message = {"role": "assistant", "content": None, "reasoning_content": raw}
        elif fault == "null_content":
            message = {"role": "assistant", "content": None}
        elif fault == "length":
            message, finish = {"role": "assistant", "content": raw[: len(raw) // 2]}, "length"
        choices = [] if fault == "no_choices" else [{"index": 0, "finish_reason": finish, "message": message}]
        return (
            200,
            {
                "id": f"chatcmpl-{self.calls}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": choices,
                "usage": usage,
            },
            {},
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client timed out
                    self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}}, {})
                    return
                fmt = (body.get("response_format") or {}).get("type")
                if (fmt == "json_schema" and not fake.json_schema_supported) or (
                    fmt == "json_object" and not fake.json_object_supported
                ):
                    message = (
                        f'response_format type must be one of "text" or "json_object", but got: {fmt}'
                        if fake.refusal_status != 400
                        else f"response_format {fmt} is not supported"
                    )
                    self._send(
                        fake.refusal_status,
                        {"error": {"message": message, "type": "invalid_request_error"}},
                        {},
                    )
                    return
                text = "\n".join(m.get("content", "") for m in body.get("messages", []))
                ids = _ID.findall(text) or _RANK_ID.findall(text)
                with fake._lock:
                    fake.calls += 1
                    fake.requests.append(body)
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                    fake.in_flight += 1
                    fake.peak_in_flight = max(fake.peak_in_flight, fake.in_flight)
                    fault = None
                    for paper_id in ids:
                        if fake.paper_faults.get(paper_id):
                            fault = fake.paper_faults[paper_id].popleft()
                            break
                    if fault is None and fake.next_faults:
                        fault = fake.next_faults.popleft()
                try:
                    time.sleep(fake.latency_s)
                    if fault == "hang":
                        time.sleep(fake.hang_s)
                    if fake.valid_key and self.headers.get("Authorization") != f"Bearer {fake.valid_key}":
                        self._send(
                            401,
                            {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}},
                            {},
                        )
                    elif fault == "429":
                        self._send(
                            429,
                            {"error": {"message": "Rate limit reached", "type": "requests"}},
                            {"Retry-After": "1"},
                        )
                    elif fault == "500":
                        self._send(500, {"error": {"message": "The server had an error"}}, {})
                    elif fault == "500_path":
                        where = "/home/lab/venv/lib/python3.11/site-packages/llama_cpp/server/app.py"
                        self._send(500, {"error": {"message": f'File "{where}", line 376: KeyError'}}, {})
                    else:
                        self._send(*fake._reply(body, fault))
                finally:
                    with fake._lock:
                        fake.in_flight -= 1
                        fake.completed += 1

        return Handler


def _purpose(body: dict[str, Any]) -> str:
    system = next((m.get("content", "") for m in body.get("messages", []) if m.get("role") == "system"), "")
    if "<interests>" in system:
        return "ranking"
    if '"long_summary"' in system:
        return "long_summary"
    if '{"notes": "..."}' in system:
        return "fulltext_notes"
    if "from the paper's full text" in system:
        return "fulltext_summary"
    return "summary"


def _about(text: str) -> str:
    found = _ABOUT.findall(text)
    abstract = [f for f in found if not f.startswith("$")]
    return abstract[-1] if abstract else "its subject"
