import base64

import dagster as dg

from arxiv_pipeline.assets.common import check_result, report_metadata
from arxiv_pipeline.assets.summarization import paper_summaries
from arxiv_pipeline.core import checks
from arxiv_pipeline.core.charts import digest_chart_png
from arxiv_pipeline.core.stages import (
    DAILY_DIGEST,
    README_DIGEST,
    load_digest_day,
    publish_export,
    publish_feeds,
    publish_markdown,
    publish_site,
)
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import PipelineSettings


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    group_name="publishing",
    kinds={"duckdb", "markdown"},
    description="README-style digest: statistics, ranked papers with collapsible summaries, "
    "accounting of every paper left out, configuration. Marks its papers as seen.",
    check_specs=[
        dg.AssetCheckSpec(
            "digest_matches_selection",
            asset="digest_markdown",
            blocking=True,
            description="The digest lists exactly the selected papers; feeds and site wait for it.",
        )
    ],
)
def digest_markdown(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    config, day, store = settings.config(), partition_day(context), settings.warehouse()
    report = publish_markdown(config, day, store, context.run.run_id, README_DIGEST)
    readme = report.paths[0].read_text(encoding="utf-8")
    chart = base64.b64encode(digest_chart_png(load_digest_day(config, day, store))).decode()
    metadata = report_metadata(
        report, chart=dg.MetadataValue.md(f"![Papers per category and scores](data:image/png;base64,{chart})")
    )
    return dg.MaterializeResult(
        metadata=metadata,
        check_results=[
            check_result("digest_matches_selection", checks.digest_matches_selection(store, day, readme))
        ],
    )


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    group_name="publishing",
    kinds={"duckdb", "markdown"},
    description="Per-category daily digest: table of contents with totals, then each "
    "category's papers with TL;DR and a collapsible Motivation/Method/Result/Conclusion.",
    check_specs=[
        dg.AssetCheckSpec(
            "no_duplicate_papers",
            asset="daily_digest",
            blocking=True,
            description="Each selected paper appears exactly once.",
        )
    ],
)
def daily_digest(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    day, store = partition_day(context), settings.warehouse()
    report = publish_markdown(settings.config(), day, store, context.run.run_id, DAILY_DIGEST)
    daily = report.paths[0].read_text(encoding="utf-8")
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result("no_duplicate_papers", checks.no_duplicates(store, day, daily))],
    )


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    group_name="publishing",
    kinds={"json"},
    description="digest.json (the day's digest as data) and papers.jsonl (every paper of the day "
    "with every field) for other tools; the DuckDB view paper_digest has the same for SQL.",
)
def digest_export(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    report = publish_export(
        settings.config(), partition_day(context), settings.warehouse(), context.run.run_id
    )
    return dg.MaterializeResult(metadata=report_metadata(report))


@dg.asset(
    partitions_def=announcement_days,
    deps=[digest_markdown],
    group_name="publishing",
    kinds={"xml"},
    description="Atom and RSS 2.0 feeds of the latest publish.feed_days days, one entry per paper, "
    "best first and newest day first, byte-stable for the same data.",
    check_specs=[dg.AssetCheckSpec("feeds_parse", asset="digest_feeds", blocking=True)],
)
def digest_feeds(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    report = publish_feeds(
        settings.config(), partition_day(context), settings.warehouse(), context.run.run_id
    )
    atom, rss = (p.read_bytes() for p in report.paths)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result("feeds_parse", checks.feeds_parse(atom, rss))],
    )


@dg.asset(
    partitions_def=announcement_days,
    deps=[digest_markdown],
    group_name="publishing",
    kinds={"html"},
    description="Static web site: index of days and one page per day with category, keyword and "
    "text filters and expandable summaries; works from disk or any static host.",
)
def digest_site(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    report = publish_site(settings.config(), partition_day(context), settings.warehouse(), context.run.run_id)
    return dg.MaterializeResult(metadata=report_metadata(report))
