"""The reader profile in real materializations: a library lifts its topic, ratings train the
classifier, no library changes nothing, and every ranked paper says why it is where it is."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.profile.ratings import rate_paper
from arxiv_pipeline.core.records import candidate_from_row
from arxiv_pipeline.core.score.scoring import Weights, keyword_scores, rank_scores
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, Materialize, warehouse_for

pytestmark = pytest.mark.slow

PLANTED = "2611.10032"  # legged robots, sim-to-real: rank 20 of 21 on the shipped keywords
LIBRARY = r"""
@article{legged1,
  title = {Learning Quadrupedal Locomotion over Challenging Terrain},
  abstract = {Legged robots trained with reinforcement learning in simulation transfer to real terrain
    when the simulation is randomized. Sim-to-real transfer of locomotion policies.},
  year = {2020}
}
@article{legged2,
  title = {Domain Randomization for Sim-to-Real Transfer of Robot Policies},
  abstract = {Randomizing physics in simulation makes policies robust on real robots; a curriculum over
    the randomization range speeds up learning.},
  eprint = {1703.06907}, archivePrefix = {arXiv}
}
@article{broken,
  title = {A broken entry
"""


def scores_by_id(path: Path) -> dict[str, dict]:
    return {s["arxiv_id"]: s for s in warehouse_for(path).read_day("paper_scores", DAY_1)}


def profile_metadata(result: dg.ExecuteInProcessResult) -> dict:
    return result.asset_materializations_for_node("reader_profile")[0].metadata


def points(explanation: list[str]) -> float:
    return sum(float(re.search(r"\+([0-9.e-]+)$", part).group(1)) for part in explanation)


def test_no_library_is_the_keyword_ranking_and_every_paper_says_why(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write()
    result = materialize_day(path, DAY_1)
    assert profile_metadata(result)["kind"].value == "none"
    config, store = config_files.load(), warehouse_for(path)
    stored = store.read_day("paper_scores", DAY_1)
    candidates = [candidate_from_row(r) for r in store.read_day("candidate_papers", DAY_1)]
    weights = Weights.of(config.keywords, config.scoring, config.ranking, config.reader)
    expected = rank_scores(
        keyword_scores(candidates, config.keywords.include, weights), config.digest.max_papers
    )
    assert [(s["arxiv_id"], s["rank"], s["score"]) for s in sorted(stored, key=lambda s: s["rank"])] == [
        (s.arxiv_id, s.rank, s.score) for s in expected
    ]
    assert {s["scorer"] for s in stored} == {"keyword"} and {s["reader_score"] for s in stored} == {None}
    for s in stored:
        assert s["explanation"], s["arxiv_id"]
        # The explanation's points add up to the score: it is the score, in words.
        assert abs(points(s["explanation"]) - s["score"]) < 0.01 * len(s["explanation"]) + 1e-9
        for term in s["title_hits"]:
            assert any(part.startswith(f"keyword “{term}” in title") for part in s["explanation"])


def test_a_library_lifts_its_topic_and_names_the_paper_it_resembles(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    (config_files.root / "library.bib").write_text(LIBRARY, encoding="utf-8")
    path = config_files.write(reader={"library": ["library.bib"]})
    result = materialize_day(path, DAY_1)

    meta = profile_metadata(result)
    assert meta["kind"].value == "library" and meta["library_entries"].value == 2
    check = result.get_asset_check_evaluations()
    loaded = next(c for c in check if c.check_name == checks.LIBRARY_LOADED)
    # The broken entry is named with its file and line; the run goes on (a warning).
    assert not loaded.passed and loaded.severity == dg.AssetCheckSeverity.WARN
    assert f"{config_files.root / 'library.bib'}:14" in loaded.description

    scores = scores_by_id(path)
    planted = scores[PLANTED]
    assert planted["rank"] <= 5, planted  # from 20th
    assert planted["scorer"] == "keyword+library" and planted["reader_score"] > 0.1
    why = planted["explanation"]
    assert any(
        re.match(r"similar to your paper “(Learning Quadrupedal|Domain Randomization)", w) for w in why
    )
    assert abs(points(why) - planted["score"]) < 0.01 * len(why)

    # The digests say why too.
    out = config_files.root / "data" / "digests" / "2026-11-17"
    assert "**Why**: similar to your paper" in (out / "README.md").read_text(encoding="utf-8")
    assert "Why: similar to your paper" in (out / "daily_digest.md").read_text(encoding="utf-8")
    site = (config_files.root / "data" / "digests" / "site" / "2026-11-17.html").read_text(encoding="utf-8")
    assert "similar to your paper" in site


def test_ratings_train_the_classifier_and_a_rerun_reuses_the_profile(
    config_files: ConfigFactory, materialize_day: Materialize
) -> None:
    path = config_files.write(reader={"min_ratings": 4})
    materialize_day(path, DAY_1)
    before = scores_by_id(path)
    store = warehouse_for(path)
    ups = ("2611.10032", "2611.10030", "2611.10002")  # reinforcement learning, applied
    downs = ("2611.10036", "2611.10020")  # LLM writing and retrieval: not for this reader
    for paper in ups:
        rate_paper(store, paper, "up", "test")
    for paper in downs:
        rate_paper(store, paper, "down", "test")
    rate_paper(store, "2611.10022", "down", "test")
    rate_paper(store, "2611.10022", "clear", "test")  # changed their mind: undone

    result = materialize_day(path, DAY_1)
    meta = profile_metadata(result)
    assert meta["kind"].value == "learned" and meta["unchanged"].value is False
    assert meta["ratings_up"].value == 3 and meta["ratings_down"].value == 2
    after = scores_by_id(path)
    assert {s["scorer"] for s in after.values()} == {"keyword+learned"}
    for paper in ups:
        assert after[paper]["rank"] < before[paper]["rank"]
    for paper in downs:
        assert after[paper]["rank"] > before[paper]["rank"]
    # An unrated paper like the liked ones rises, and says which liked papers it resembles.
    assert after["2611.10035"]["rank"] < before["2611.10035"]["rank"]
    why = " ".join(after["2611.10035"]["explanation"])
    assert "you liked 3 papers on “reinforcement learning”" in why, why
    for s in after.values():
        assert abs(points(s["explanation"]) - s["score"]) < 0.01 * len(s["explanation"])
    assert {s["profile"] for s in after.values()} == {store.profile_fingerprint()}

    again = materialize_day(path, DAY_1)
    assert profile_metadata(again)["unchanged"].value is True
    assert {k: (v["rank"], v["score"]) for k, v in scores_by_id(path).items()} == {
        k: (v["rank"], v["score"]) for k, v in after.items()
    }
