"""What real OpenAI-compatible servers answer, read or refused for what it is: reasoning blocks,
nested fields, empty replies, replies cut at the token cap, format refusals as a 500, junk that is
valid JSON, and every try's error kept. The real `openai` client against a local server."""

from __future__ import annotations

import pytest

from arxiv_pipeline.core.config import LLMConfig, parse_config
from arxiv_pipeline.core.config.loader import env_overrides
from arxiv_pipeline.core.llm.language import language_mismatch
from arxiv_pipeline_tests.core.test_llm_summarizer import PAPERS, summarizer
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI


@pytest.mark.parametrize("shape", ["think", "reasoning_only", "nested"])
def test_reply_shapes_real_servers_send_are_read(shape: str) -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=1)
        server.paper_faults[PAPERS[0].versioned_id].append(shape)
        [outcome] = s.summarize(PAPERS[:1], "en")
    assert outcome.ok, outcome.error
    assert outcome.summary.tldr.startswith(f"Paper {PAPERS[0].versioned_id}")
    assert "<think>" not in outcome.summary.tldr


@pytest.mark.parametrize(
    ("shape", "said"),
    [
        ("null_content", "the reply's content is empty (null)"),
        ("no_choices", "the reply has no choices"),
    ],
)
def test_empty_replies_are_named(shape: str, said: str) -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=2)
        server.paper_faults[PAPERS[0].versioned_id].extend([shape] * 2)
        [outcome] = s.summarize(PAPERS[:1], "en")
    assert not outcome.ok and said in outcome.error and "IndexError" not in outcome.error


def test_a_reply_cut_at_the_token_cap_says_so_and_is_not_retried_with_the_same_cap() -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=4, max_output_tokens=300)
        server.paper_faults[PAPERS[0].versioned_id].extend(["length"] * 4)
        [outcome] = s.summarize(PAPERS[:1], "en")
        calls = server.calls
    assert not outcome.ok
    assert "cut at the token cap (llm.max_output_tokens = 300); raise it" in outcome.error
    assert "not valid JSON" not in outcome.error
    assert calls == 1  # the same cap would cut the same reply again


@pytest.mark.parametrize("status", [500, 422])
def test_a_format_refusal_as_500_or_422_falls_back_at_once(status: int) -> None:
    """llama-cpp-python's server answers json_schema with a 500 naming the format."""
    with FakeOpenAI(json_schema_supported=False, refusal_status=status) as server:
        s = summarizer(server, max_attempts=4)
        outcomes = s.summarize(PAPERS[:3], "en")
        formats = [(r.get("response_format") or {}).get("type") for r in server.requests]
        last = server.requests[-1]
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert s.chat.json_mode == "json_object" and formats == ["json_object"] * 3
    # Without the schema in the request, the prompt carries it, so the model knows the keys.
    said = last["messages"][-1]
    assert said["role"] == "system" and '"tldr"' in said["content"] and "JSON Schema" in said["content"]


def test_a_plain_server_error_is_retried_not_taken_for_a_format_refusal() -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=3)
        server.paper_faults[PAPERS[0].versioned_id].extend(["500", "500"])
        [outcome] = s.summarize(PAPERS[:1], "en")
    assert outcome.ok and s.chat.json_mode == "json_schema"


def test_every_try_s_error_is_kept_and_server_paths_are_not() -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=3)
        server.paper_faults[PAPERS[0].versioned_id].extend(["wrong_language", "500_path", "500_path"])
        [outcome] = s.summarize(PAPERS[:1], "zh")
    assert not outcome.ok
    assert outcome.error.startswith("try 1: malformed reply: reply is in English, not Simplified Chinese")
    assert "tries 2-3: HTTP 500" in outcome.error
    assert "/home/lab" not in outcome.error and "[path]" in outcome.error


def test_a_timed_out_try_counts_the_prompt_it_sent() -> None:
    with FakeOpenAI(hang_s=1.5) as server:
        s = summarizer(server, max_attempts=1, timeout_s=0.3)
        server.paper_faults[PAPERS[0].versioned_id].append("hang")
        [outcome] = s.summarize(PAPERS[:1], "en")
    [call] = s.chat.calls
    assert not outcome.ok and "timeout" in outcome.error
    assert call.prompt_tokens > 100  # it was 0: a paid prompt recorded as free


@pytest.mark.parametrize(
    ("junk", "said"),
    [
        ("title_echo", "only repeats the title"),
        ("long_tldr", "the TL;DR is 96 words; at most 60"),
        ("short_tldr", "the TL;DR is 4 words, too few to say what was done and found"),
        ("repeat", "the tldr and the motivation say the same"),
        ("invented_number", "the result gives 97.3, 12.5, which the paper does not"),
        ("ungrounded", "the TL;DR is not about this paper (only 0% of its words are the paper's)"),
    ],
)
def test_junk_that_is_valid_json_is_not_a_summary(junk: str, said: str) -> None:
    with FakeOpenAI() as server:
        s = summarizer(server, max_attempts=2)
        server.paper_faults[PAPERS[0].versioned_id].extend([junk] * 2)
        outcomes = s.summarize(PAPERS[:2], "en")
    assert not outcomes[0].ok and said in outcomes[0].error
    assert outcomes[1].ok  # the next paper's good reply is still a summary


def test_json_mode_off_as_yaml_writes_it() -> None:
    config = parse_config({"llm": {"json_mode": False}})  # what YAML makes of `json_mode: off`
    assert config.llm.json_mode == "off"
    overrides = env_overrides({"ARXIV_PIPELINE__LLM__JSON_MODE": "off"})
    assert parse_config(overrides).llm.json_mode == "off"
    assert LLMConfig(json_mode="json_object").json_mode == "json_object"


def test_a_chinese_summary_full_of_english_terms_is_chinese() -> None:
    text = (
        "本文提出了一种基于 Transformer 的 LLM inference 加速方法，结合 KV cache compression 与 "
        "speculative decoding，在 MT-Bench 和 GSM8K benchmark 上 latency 降低 40%。"
    )
    assert language_mismatch(text, "zh") is None
    assert language_mismatch(text, "en") is not None
    assert language_mismatch("This paper proposes a method and reports clear gains on benchmarks.", "zh")


def test_a_tldr_in_other_words_than_the_papers_is_refused_in_english_only() -> None:
    from arxiv_pipeline.core.summarize.sense import grounded_share, summary_problem

    title = "Curriculum Sampling Improves Reasoning on LongBench"
    abstract = (
        "Large models struggle with LongBench-style problems. We study curriculum sampling for "
        "language models. Our approach is simple and improves accuracy on LongBench."
    )
    fields = {
        "tldr": "Curriculum sampling improves the accuracy of language models on LongBench problems.",
        "motivation": "Large models struggle with LongBench-style problems.",
        "method": "The authors sample training problems by a curriculum.",
        "result": "Accuracy on LongBench improves.",
        "conclusion": "A simple curriculum helps reasoning.",
    }
    assert summary_problem(fields, title, abstract) is None
    # What SmolLM2-135M-Instruct wrote for this paper: fluent, valid, about nothing in it.
    seen = (
        "The best way to solve this problem is to start with the right approach. The most "
        "effective way of doing it is to use a curriculum that has been designed for language "
        "learning, and which can be adapted to other areas of life."
    )
    assert grounded_share(seen, f"{title} {abstract}") < 0.4
    assert "not about this paper" in (summary_problem({**fields, "tldr": seen}, title, abstract) or "")
    # A German TL;DR's words are not the English abstract's: not judged this way.
    german = {**fields, "tldr": "Ein Lehrplan verbessert das Schlussfolgern großer Sprachmodelle deutlich."}
    assert summary_problem(german, title, abstract, language="de") is None
    assert grounded_share("Too short.", abstract) is None
