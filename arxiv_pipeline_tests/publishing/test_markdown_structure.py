"""Golden structure of the two markdown digests: the sections, their order and each paper's
fields follow the formats our users read today (shared/reference), compared as structure,
never as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.slow

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"

README_SECTIONS = ["📊 Statistics", "📚 Recent Papers", "🔧 Configuration", "📅 Schedule", "🚀 How to Use"]
README_PAPER_FIELDS = ["Authors", "Category", "Published", "Score", "Type", "ArXiv ID"]
DAILY_PAPER_LINES = [
    "title",
    "authors",
    "main_category",
    "tldr",
    "details_open",
    "summary_tag",
    "motivation",
    "method",
    "result",
    "conclusion",
    "abstract",
    "details_close",
]


def readme_sections(text: str) -> list[str]:
    return [m for m in re.findall(r"^## (.+)$", text, re.M)]


def readme_first_paper(text: str) -> tuple[str, list[str]]:
    block = re.split(r"^### \d+\. ", text, flags=re.M)[1]
    block = block.split("\n---")[0]
    fields = re.findall(r"^\*\*([^*]+)\*\*: ", block, re.M)
    heading = "title-link" if re.match(r"\[.+\]\(https://arxiv\.org/abs/[^)]+\)", block) else "?"
    return heading, fields


def daily_structure(text: str) -> tuple[list[str], list[str]]:
    head = [line for line in text.splitlines()[:4] if line.strip()]
    kinds = []
    section = text.split("# Table of Contents", 1)[1].split("<div id='", 2)[1]
    first_paper = re.split(r"^### \[\d+\] ", section, flags=re.M)[1]
    first_paper = re.split(r"^### \[", first_paper, flags=re.M)[0]
    patterns = [
        ("title", r"^\[.+\]\(https://arxiv\.org/abs/\S+\)$"),
        ("authors", r"^\*.+\*$"),
        ("main_category", r"^Main category: "),
        # Ours says where the summary came from: (from the abstract), (extracted from the full text (PDF)).
        (
            "tldr",
            r"^TL;DR( \((quoted from|extracted from|from) (the abstract|the full text \((HTML|PDF)\))\))?: ",
        ),
        ("details_open", r"^<details>$"),
        ("summary_tag", r"^\s*<summary>Details</summary>$"),
        ("motivation", r"^Motivation: "),
        ("method", r"^Method: "),
        ("result", r"^Result: "),
        ("conclusion", r"^Conclusion: "),
        ("abstract", r"^Abstract: "),
        ("details_close", r"^</details>$"),
    ]
    for line in first_paper.splitlines():
        for kind, pattern in patterns:
            if re.match(pattern, line):
                kinds.append(kind)
                break
    return head, kinds


@pytest.fixture(scope="module", params=["llm", "extractive"])
def digests(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """The sample day's digests, summarized by an LLM (the format our users know) and by the
    offline extractive summarizer (which says it quotes the abstract)."""
    import dagster as dg

    from arxiv_pipeline.defs.stages import ALL_ASSETS
    from arxiv_pipeline.resources import pipeline_resources

    root = tmp_path_factory.mktemp("golden")
    with FakeOpenAI() as llm:
        path = ConfigFactory(root).write(
            digest={"summarize_top": 30},
            summary={"summarizer": request.param},
            llm={"base_url": llm.base_url, "model": "fake-model", "backoff_base_s": 0.01},
        )
        with dg.DagsterInstance.ephemeral() as instance:
            dg.materialize(
                ALL_ASSETS,
                partition_key=DAY_1.isoformat(),
                instance=instance,
                resources=pipeline_resources(config_path=str(path), llm_api_key="sk-structure-test"),
            )
    folder = root / "data" / "digests" / DAY_1.isoformat()
    return request.param, (folder / "README.md").read_text(), (folder / "daily_digest.md").read_text()


def test_readme_digest_structure(digests: tuple[str, str, str]) -> None:
    summarizer, readme, _ = digests
    sections = readme_sections(readme)
    assert [s for s in sections if s in README_SECTIONS] == README_SECTIONS
    assert sections.index("🧮 Every Paper Accounted For") == sections.index("📚 Recent Papers") + 1
    heading, fields = readme_first_paper(readme)
    assert heading == "title-link"
    assert fields[: len(README_PAPER_FIELDS)] == README_PAPER_FIELDS
    assert "#### Abstract" in readme
    if summarizer == "llm":
        assert (
            "<summary><strong>🤖 AI Summary (" in readme and "</strong> - Click to expand</summary>" in readme
        )
        assert "quoted from the abstract" not in readme
    else:
        # Quoted sentences are not an "AI summary", and are not repeated beside the abstract.
        assert "AI Summary" not in readme and "**Method**" not in readme
        assert "**TL;DR** (quoted from the abstract: what was done and found; no LLM configured): " in readme
        assert "- **Summaries**: Extractive summaries" in readme
    for label in ("Last Updated", "Total Papers Found", "Categories Monitored"):
        assert f"- **{label}**: " in readme


def test_daily_digest_structure(digests: tuple[str, str, str]) -> None:
    summarizer, _, daily = digests
    head, kinds = daily_structure(daily)
    assert head == ["<div id=toc></div>", "# Table of Contents"]
    if summarizer == "llm":
        assert kinds == DAILY_PAPER_LINES
    else:
        assert kinds == [
            k for k in DAILY_PAPER_LINES if k not in ("motivation", "method", "result", "conclusion")
        ]
        assert "TL;DR (quoted from the abstract): " in daily and "_Extractive summaries: " in daily
    assert re.search(r"^- \[cs\.\w+\]\(#cs\.\w+\) \[Total: \d+\]$", daily, re.M)
    assert re.search(r"^# cs\.\w+ \[\[Back\]\]\(#toc\)$", daily, re.M)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference is not beside this checkout")
def test_the_expected_structure_is_the_references_structure() -> None:
    readme = (REFERENCE / "readme_digest_example.md").read_text(encoding="utf-8", errors="replace")
    sections = readme_sections(readme)
    assert [s for s in sections if s in README_SECTIONS] == README_SECTIONS
    heading, fields = readme_first_paper(readme)
    assert heading == "title-link" and fields == README_PAPER_FIELDS
    daily = (REFERENCE / "daily_digest_example.md").read_text(encoding="utf-8")
    head, kinds = daily_structure(daily)
    assert head == ["<div id=toc></div>", "# Table of Contents"]
    assert kinds == DAILY_PAPER_LINES


def test_both_digests_list_the_same_authors_and_the_readme_excerpt_keeps_the_result(
    digests: tuple[str, str, str],
) -> None:
    _, readme, daily = digests
    # The sample's 32-author paper: twelve names, then a count, in both formats.
    readme_line = next(line for line in readme.splitlines() if "and 20 more" in line)
    daily_line = next(line for line in daily.splitlines() if "and 20 more" in line)
    assert readme_line.count(",") == daily_line.count(",") == 11
    # Abstracts that go on past the excerpt end on their result sentence, not mid-problem.
    cut = [line for line in readme.splitlines() if " \\[…\\] " in line]  # escaped brackets
    assert cut and all(re.search(r"\d", line.split(" \\[…\\] ")[1]) for line in cut[:3])
