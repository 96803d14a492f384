"""Configuration files that are hostile or simply wrong give a short message naming the file and the
fix: an alias bomb, a folder, a file in another encoding, a huge value quoted back."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from arxiv_pipeline.cli import main
from arxiv_pipeline.core.config import ConfigError, env_overrides, load_config

# Eight levels of ten-fold aliases: about 700 bytes that expand to 10^8 strings.
BOMB = "\n".join(
    ['a0: &a0 ["lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    + ["categories: *a8", ""]
)


def test_an_alias_bomb_is_refused_at_once_with_a_short_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "arxiv_pipeline.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1000
    tracemalloc.start()
    started = time.perf_counter()
    assert main(["--config", str(path), "check-config"]) == 2
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    err = capsys.readouterr().err
    assert "expands to more than 100,000 values" in err and str(path) in err
    assert len(err) < 600 and "Traceback" not in err
    # Old code: 36 s and 2.9 GB; the refusal needs neither (bounds generous for a slow CI machine).
    assert elapsed < 5 and peak < 50_000_000


def test_an_alias_to_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "arxiv_pipeline.yaml"
    path.write_text("categories: &loop [cs.AI, *loop]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expands to more than"):
        load_config(path)


def test_an_alias_bomb_in_an_environment_override_is_refused() -> None:
    bomb = "[" + ", ".join(["&x [a, a, a, a, a, a, a, a, a, a]"] + ["*x"] * 20) + "]"
    # Ten-fold over six levels inside one variable.
    value = "[&a0 [x]," + ",".join(f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)) + "]"
    assert env_overrides({"ARXIV_PIPELINE__PUBLISH__TITLE": bomb})  # a small alias use is fine
    with pytest.raises(ConfigError, match="ARXIV_PIPELINE__INTERESTS__KEYWORDS: the YAML expands"):
        env_overrides({"ARXIV_PIPELINE__INTERESTS__KEYWORDS": value})


def test_anchors_and_aliases_of_ordinary_use_still_work(tmp_path: Path) -> None:
    path = tmp_path / "arxiv_pipeline.yaml"
    path.write_text(
        "categories: &mine [cs.LG, cs.CL]\nreaders:\n  - name: ana\n    categories: *mine\n", encoding="utf-8"
    )
    config = load_config(path)
    assert config.readers[0].categories == ["cs.LG", "cs.CL"]


def test_a_huge_bad_value_is_quoted_in_a_few_hundred_characters(tmp_path: Path) -> None:
    path = tmp_path / "arxiv_pipeline.yaml"
    path.write_text(f"summary:\n  language: {'x' * 200_000}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "summary.language" in message and "characters)" in message
    assert len(message) < 800


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda p: p.mkdir(), "is a folder; give the path of the configuration file"),
        (
            lambda p: p.write_bytes("publish:\n  title: Caf\u00e9 digest\n".encode("latin-1")),
            "is not UTF-8 text (byte 22 on line 2); save it as UTF-8",
        ),
        (lambda p: p.write_text("categories: [cs.AI\n", encoding="utf-8"), "is not valid YAML"),
    ],
    ids=["folder", "latin-1", "bad-yaml"],
)
def test_a_config_that_cannot_be_read_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], write, expected: str
) -> None:
    path = tmp_path / "conf"
    write(path)
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_serve_refuses_a_port_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], port: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--port", port])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--port" in err and ("use 1 to 65535" in err or "not a port number" in err)
    assert "Traceback" not in err


def test_deployment_writes_the_env_file_for_its_owner_only_and_names_the_configured_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "arxiv_pipeline.yaml"
    config.write_text("llm:\n  api_key_env: LAB_LLM_KEY\n", encoding="utf-8")
    target = tmp_path / "deploy"
    target.mkdir()
    (target / "arxiv-pipeline.env").write_text("old\n", encoding="utf-8")
    (target / "arxiv-pipeline.env").chmod(0o644)
    assert main(["--config", str(config), "deployment", str(target), "--force"]) == 0
    env = target / "arxiv-pipeline.env"
    assert env.stat().st_mode & 0o777 == 0o600
    text = env.read_text(encoding="utf-8")
    assert "# LAB_LLM_KEY=" in text and "OPENAI_API_KEY" not in text
