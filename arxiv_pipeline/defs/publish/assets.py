"""Per day: the two markdown digests, the JSON export and the day's web page. Across days (not
partitioned; in a lab, per day and reader like the rest): the Atom/RSS feeds and the site's
index, rebuilt whenever a day changes."""

import base64
from collections.abc import Callable
from datetime import date

import dagster as dg

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.core.publish.charts import digest_chart_svg
from arxiv_pipeline.core.publish.render import templates_version
from arxiv_pipeline.core.publish.stage import (
    DAILY_DIGEST,
    README_DIGEST,
    load_digest_day,
    publish_day_page,
    publish_export,
    publish_feeds,
    publish_markdown,
    publish_site_index,
)
from arxiv_pipeline.core.reports import StageReport
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    day_inputs,
    reader_of,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import PUBLISHING
from arxiv_pipeline.defs.summarize.assets import paper_summaries
from arxiv_pipeline.resources import ConfigFile, WarehouseResource

TEMPLATES_VERSION = templates_version()


def _published(
    context: dg.AssetExecutionContext,
    config_file: ConfigFile,
    warehouse: WarehouseResource,
    publish: Callable[[PipelineConfig, date, Warehouse, str], StageReport],
) -> dg.MaterializeResult:
    """A day's files that no check reads: ``publish`` them and say what was written."""
    config, day, day_store = day_inputs(context, config_file, warehouse)
    with day_store.held() as store:
        report = publish(config, day, store, context.run.run_id)
    return dg.MaterializeResult(metadata=report_metadata(report))


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"duckdb", "markdown"},
    tables=("digests",),
    checks=[
        Check(
            checks.DIGEST_MATCHES_SELECTION,
            description="The digest lists exactly the selected papers; feeds and site wait for it.",
            blocking=True,
        )
    ],
    deps=[paper_summaries],
    description="README-style digest: statistics, ranked papers with collapsible summaries, "
    "accounting of every paper left out, configuration.",
    code_version=TEMPLATES_VERSION,
)
def digest_markdown(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day, day_store = day_inputs(context, config_file, warehouse)
    with day_store.held() as store:
        report = publish_markdown(config, day, store, context.run.run_id, README_DIGEST)
        readme = report.paths[0].read_text(encoding="utf-8")
        chart = base64.b64encode(digest_chart_svg(load_digest_day(config, day, store)).encode()).decode()
        outcome = checks.digest_matches_selection(store, day, readme)
    metadata = report_metadata(
        report,
        chart=dg.MetadataValue.md(f"![Papers per category and scores](data:image/svg+xml;base64,{chart})"),
    )
    return dg.MaterializeResult(
        metadata=metadata, check_results=[check_result(checks.DIGEST_MATCHES_SELECTION, outcome)]
    )


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"duckdb", "markdown"},
    tables=("digests",),
    checks=[
        Check(
            checks.NO_DUPLICATE_PAPERS, description="Each selected paper appears exactly once.", blocking=True
        )
    ],
    deps=[paper_summaries],
    description="Per-category daily digest: table of contents with totals, then each "
    "category's papers with TL;DR and a collapsible Motivation/Method/Result/Conclusion.",
    code_version=TEMPLATES_VERSION,
)
def daily_digest(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day, day_store = day_inputs(context, config_file, warehouse)
    with day_store.held() as store:
        report = publish_markdown(config, day, store, context.run.run_id, DAILY_DIGEST)
        daily = report.paths[0].read_text(encoding="utf-8")
        outcome = checks.no_duplicates(store, day, daily)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.NO_DUPLICATE_PAPERS, outcome)],
    )


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"json"},
    deps=[paper_summaries],
    description="digest.json (the day's digest as data) and papers.jsonl (every paper of the day "
    "with every field) for other tools; the DuckDB view paper_digest has the same for SQL.",
    code_version=TEMPLATES_VERSION,
)
def digest_export(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    return _published(context, config_file, warehouse, publish_export)


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"html"},
    deps=[digest_markdown],
    description="The day's page of the web site: papers by category with category, keyword and "
    "text filters and expandable summaries.",
    code_version=TEMPLATES_VERSION,
)
def site_day_page(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    return _published(context, config_file, warehouse, publish_day_page)


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"html"},
    daily=False,
    deps=[site_day_page],
    description="The web site's index of every built day, with its style and script: one folder "
    "that works from disk or any static host. Covers all days, so it is not partitioned (with "
    "readers it is partitioned by day and reader, and rebuilt in each run of the reader's).",
    code_version=TEMPLATES_VERSION,
)
def site_index(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_site_index(config_file.load(reader_of(context)), store)
    return dg.MaterializeResult(metadata=report_metadata(report))


@stage_asset(
    stage="publish",
    group=PUBLISHING,
    kinds={"xml"},
    checks=[
        Check(checks.FEEDS_PARSE, blocking=True),
        Check(checks.FEEDS_SUBSCRIBABLE, description="publish.site_url is set, so readers can subscribe"),
    ],
    daily=False,
    deps=[digest_markdown],
    description="Atom and RSS 2.0 feeds of the latest publish.feed_days days, one entry per paper, "
    "best first and newest day first, byte-stable for the same data. Covers several days, so it "
    "is not partitioned (with readers it is partitioned by day and reader, and rebuilt in each "
    "run of the reader's).",
    code_version=TEMPLATES_VERSION,
)
def digest_feeds(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_feeds(config_file.load(reader_of(context)), store, context.run.run_id)
    atom, rss = (p.read_bytes() for p in report.paths)
    for warning in report.warnings:
        context.log.warning(warning)
    subscribable = checks.CheckOutcome(not report.warnings, "; ".join(report.warnings) or "site_url set")
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[
            check_result(checks.FEEDS_PARSE, checks.feeds_parse(atom, rss)),
            check_result(checks.FEEDS_SUBSCRIBABLE, subscribable, warn_only=True),
        ],
    )
