from __future__ import annotations

from arxiv_pipeline.core.config import PipelineConfig, parse_config
from arxiv_pipeline.core.models import Listing
from arxiv_pipeline.core.score.scoring import PaperScore, Weights, keyword_scores, rank_scores
from arxiv_pipeline.core.select.selection import (
    KEPT,
    REASON_BELOW_CUTOFF,
    REASON_CATEGORY,
    REASON_EXCLUDED_KEYWORD,
    REASON_NO_KEYWORD,
    REASON_SEEN,
    REASON_TYPE,
    Candidate,
    deduplicate,
    select_candidates,
)


def listing(
    arxiv_id: str,
    title: str = "A paper",
    abstract: str = "Nothing here.",
    *,
    version: int = 1,
    kind: str = "new",
    listed_in: str = "cs.LG",
    categories: list[str] | None = None,
    authors: list[str] | None = None,
    source: str = "api",
) -> Listing:
    cats = categories or [listed_in]
    return Listing(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=authors or ["A. Person"],
        abstract=abstract,
        primary_category=cats[0],
        categories=cats,
        announce_type=kind,
        listed_in=listed_in,
        metadata_source=source,
    )


def selected(rows: list[Listing], config: PipelineConfig) -> list[Candidate]:
    return select_candidates(rows, config.categories, config.keywords, config.filter)


def scored(candidates: list[Candidate], config: PipelineConfig) -> list[PaperScore]:
    weights = Weights.of(config.keywords, config.scoring, config.ranking, config.reader)
    return keyword_scores(candidates, config.keywords.include, weights)


CONFIG = parse_config(
    {
        "categories": ["cs.LG", "cs.AI"],
        "keywords": {"include": ["LLM", "diffusion"], "exclude": ["survey"], "authors": ["Ada Lovelace"]},
    }
)


def test_deduplicate_keeps_one_row_with_the_strongest_type_and_all_feeds() -> None:
    rows = [
        listing("2611.00001", kind="cross", listed_in="cs.AI", categories=["cs.LG", "cs.AI"]),
        listing("2611.00001", kind="new", listed_in="cs.LG", categories=["cs.LG", "cs.AI"]),
        listing("2611.00002", version=1, kind="new"),
        listing("2611.00002", version=2, kind="replace"),
    ]
    out = dict((item.arxiv_id, (item, feeds)) for item, feeds in deduplicate(rows))
    assert len(out) == 2
    assert out["2611.00001"][0].announce_type == "new"
    assert out["2611.00001"][1] == ["cs.AI", "cs.LG"]
    assert out["2611.00002"][0].version == 2


def test_every_listed_paper_is_kept_or_has_a_reason() -> None:
    rows = [
        listing("1", "LLM serving"),
        listing("2", "A survey of LLM serving"),
        listing("3", "Graph theory"),
        listing("4", "LLM replaced", version=2, kind="replace"),
        listing("5", "LLM in astronomy", listed_in="astro-ph.GA", categories=["astro-ph.GA"]),
        listing("6", "Seen LLM paper"),
        listing("7", "Nothing relevant", authors=["Ada Lovelace"]),
        listing("8", "A survey", authors=["Ada  lovelace"]),
        listing("8", "A survey", authors=["Ada  lovelace"], listed_in="cs.AI"),
    ]
    cands = {c.listing.arxiv_id: c for c in selected(rows, CONFIG)}
    assert len(cands) == 8  # one row per paper, even listed twice
    assert cands["1"].status == KEPT and cands["1"].reason is None
    assert cands["2"].reason == REASON_EXCLUDED_KEYWORD and cands["2"].reason_detail == "survey"
    assert cands["3"].reason == REASON_NO_KEYWORD
    assert cands["4"].reason == REASON_TYPE and cands["4"].reason_detail == "replace"
    assert cands["5"].reason == REASON_CATEGORY
    assert cands["6"].kept  # shown on an earlier day or not: that is the ranking's call
    # followed authors bypass keyword filters, include and exclude alike
    assert cands["7"].kept and cands["7"].followed_authors == ["Ada Lovelace"]
    assert cands["8"].kept
    assert all(c.kept or c.reason for c in cands.values())


def test_papers_shown_before_are_left_out_unranked() -> None:
    rows = [listing("5", "LLM a"), listing("6", "LLM LLM b", "LLM"), listing("7", "LLM c")]
    scores = scored(selected(rows, CONFIG), CONFIG)
    ranked = {s.arxiv_id: s for s in rank_scores(scores, limit=1, seen={"6": {1}})}
    assert (ranked["6"].rank, ranked["6"].selected, ranked["6"].reason) == (None, False, REASON_SEEN)
    # The best unseen paper takes rank 1; ranks stay consecutive without the seen one.
    assert (ranked["5"].rank, ranked["5"].selected) == (1, True)
    assert (ranked["7"].rank, ranked["7"].reason) == (2, REASON_BELOW_CUTOFF)


def test_new_versions_resurface_only_when_configured() -> None:
    scores = scored(selected([listing("9", "LLM v2", version=2)], CONFIG), CONFIG)
    assert rank_scores(scores, 5, seen={"9": {1}})[0].reason == REASON_SEEN
    assert rank_scores(scores, 5, seen={"9": {1}}, resurface=True)[0].selected
    assert rank_scores(scores, 5, seen={"9": {2}}, resurface=True)[0].reason == REASON_SEEN


def test_without_include_keywords_everything_in_scope_is_kept() -> None:
    config = parse_config({"categories": ["cs.LG"]})
    assert selected([listing("1", "Graph theory")], config)[0].kept


def test_scores_weigh_title_over_abstract_and_rank_with_a_cutoff() -> None:
    config = parse_config(
        {
            "categories": ["cs.LG"],
            "digest": {"max_papers": 2},
            "keywords": {
                "include": ["LLM", "diffusion"],
                "authors": ["Ada Lovelace"],
                "weights": {"diffusion": 3.0},
            },
            "scoring": {"title_weight": 2.0, "abstract_weight": 1.0, "author_boost": 5.0},
        }
    )
    rows = [
        listing("1", "LLM in the title", "nothing"),  # 2
        listing("2", "plain title", "LLM in the abstract"),  # 1
        listing("3", "LLM and diffusion", "LLM and diffusion"),  # 2+6+1+3 = 12
        listing("4", "plain", "LLM", authors=["Ada Lovelace"]),  # 1 + 5
    ]
    scores = {s.arxiv_id: s for s in rank_scores(scored(selected(rows, config), config), 2)}
    assert scores["3"].score == 12.0 and scores["3"].matched_keywords == ["LLM", "diffusion"]
    assert scores["3"].title_hits == ["LLM", "diffusion"]
    assert scores["4"].score == 6.0 and scores["4"].author_boost == 5.0
    assert scores["1"].score == 2.0 and scores["2"].score == 1.0
    assert [s.arxiv_id for s in sorted(scores.values(), key=lambda s: s.rank)] == ["3", "4", "1", "2"]
    assert [scores[i].selected for i in "3412"] == [True, True, False, False]
    assert scores["1"].reason == REASON_BELOW_CUTOFF


def test_ties_break_on_title_hits_then_id() -> None:
    config = parse_config(
        {
            "categories": ["cs.LG"],
            "keywords": {"include": ["LLM", "agent"]},
            "scoring": {"title_weight": 1.0, "abstract_weight": 1.0},
        }
    )
    rows = [listing("3", "plain", "LLM agent"), listing("2", "LLM", "agent"), listing("1", "LLM", "agent")]
    ranked = rank_scores(scored(selected(rows, config), config), 3)
    assert [s.arxiv_id for s in ranked] == ["1", "2", "3"]
