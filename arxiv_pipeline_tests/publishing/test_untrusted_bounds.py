"""Untrusted text is bounded and cannot spoof: a record from arXiv with bidi overrides, invisible
characters and a 1 MB abstract reaches no output with them, and every output says where it was cut."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from arxiv_pipeline.core.config import load_config
from arxiv_pipeline.core.text import strip_control
from arxiv_pipeline.defs.stages import ALL_ASSETS
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, warehouse_for
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv

pytestmark = pytest.mark.slow

TARGET = "2611.10032"
SPOOFED_TITLE = "Robust Sim-to-Real \u202egnp.exe\u202c Transfer for Le\u200bgged Ro\u200dbots"
FILLER = "curriculum domain randomization legged robots " * 25_000  # about 1.1 MB


class HostileArxiv(FakeArxiv):
    """The sample day, with one record's title spoofed and its abstract blown up to 1 MB."""

    def api(self, found: list, start: int, max_results: int) -> bytes:
        body = super().api(found, start, max_results).decode("utf-8")

        def poison(entry: re.Match[str]) -> str:
            text = entry.group(0)
            if f"/abs/{TARGET}v" not in text:
                return text
            text = re.sub(r"(<(?:\w+:)?title>)[^<]*", lambda m: m.group(1) + SPOOFED_TITLE, text, count=1)
            opened = r"(<(?:\w+:)?summary>)"
            return re.sub(opened, lambda m: m.group(1) + f"Le\u2066gged \u200b{FILLER}", text, count=1)

        return re.sub(r"<(\w+:)?entry>.*?</(\w+:)?entry>", poison, body, flags=re.S).encode("utf-8")


def test_spoofing_characters_and_a_huge_abstract_are_bounded_in_every_output(
    config_files: ConfigFactory, instance: dg.DagsterInstance
) -> None:
    with HostileArxiv(None) as server:
        # The poisoned paper is summarized too.
        path = config_files.write_live(server.base_url, digest={"summarize_top": 30})
        result = dg.materialize(
            ALL_ASSETS,
            partition_key=DAY_1.isoformat(),
            resources=pipeline_resources(config_path=str(path)),
            instance=instance,
        )
    assert result.success
    store = warehouse_for(path)
    [stored] = store.query(f"SELECT title, abstract FROM arxiv_listings WHERE arxiv_id = '{TARGET}'")
    # Stored whole, but without the characters that reorder or hide text.
    assert stored["title"] == "Robust Sim-to-Real gnp.exe Transfer for Legged Robots"
    assert len(stored["abstract"]) > 1_000_000 and stored["abstract"].startswith("Legged curriculum")

    out = load_config(path).output_dir
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".xml", ".json")]
    assert len(files) >= 6
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert strip_control(text) == text, f"{file.name} carries a bidi or invisible character"
        assert len(file.read_bytes()) < 400_000, f"{file.name} is {len(file.read_bytes()):,} bytes"
        assert max(len(line) for line in text.splitlines()) < 20_000, file.name
    daily = (out / DAY_1.isoformat() / "daily_digest.md").read_text(encoding="utf-8")
    assert "abstract cut at 5,000 of 1,1" in daily and "the whole text is on arXiv" in daily
    site = next(p for p in files if p.name == f"{DAY_1.isoformat()}.html").read_text(encoding="utf-8")
    assert "abstract cut at 5,000 of" in site
