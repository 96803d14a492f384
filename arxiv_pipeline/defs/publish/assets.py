"""Per day: the two markdown digests, the JSON export and the day's web page. Across days (not
partitioned; in a lab, per day and reader like the rest): the Atom/RSS feeds and the site's
index, rebuilt whenever a day changes."""

import base64

import dagster as dg

from arxiv_pipeline.core import checks
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
from arxiv_pipeline.defs.common import OWNERS, check_result, reader_of, report_metadata, table_metadata
from arxiv_pipeline.defs.summarize.assets import paper_summaries
from arxiv_pipeline.partitions import announcement_days, partition_day
from arxiv_pipeline.resources import ConfigFile, WarehouseResource

TEMPLATES_VERSION = templates_version()
PUBLISHING = {"group_name": "publishing", "owners": OWNERS, "code_version": TEMPLATES_VERSION}


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    kinds={"duckdb", "markdown"},
    tags={"stage": "publish"},
    description="README-style digest: statistics, ranked papers with collapsible summaries, "
    "accounting of every paper left out, configuration.",
    metadata=table_metadata("digests"),
    check_specs=[
        dg.AssetCheckSpec(
            checks.DIGEST_MATCHES_SELECTION,
            asset="digest_markdown",
            partitions_def=announcement_days,
            blocking=True,
            description="The digest lists exactly the selected papers; feeds and site wait for it.",
        )
    ],
    **PUBLISHING,
)
def digest_markdown(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    config, day = config_file.load(reader_of(context)), partition_day(context)
    with warehouse.store(reader_of(context)).held() as store:
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


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    kinds={"duckdb", "markdown"},
    tags={"stage": "publish"},
    description="Per-category daily digest: table of contents with totals, then each "
    "category's papers with TL;DR and a collapsible Motivation/Method/Result/Conclusion.",
    metadata=table_metadata("digests"),
    check_specs=[
        dg.AssetCheckSpec(
            checks.NO_DUPLICATE_PAPERS,
            asset="daily_digest",
            partitions_def=announcement_days,
            blocking=True,
            description="Each selected paper appears exactly once.",
        )
    ],
    **PUBLISHING,
)
def daily_digest(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = partition_day(context)
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_markdown(
            config_file.load(reader_of(context)), day, store, context.run.run_id, DAILY_DIGEST
        )
        daily = report.paths[0].read_text(encoding="utf-8")
        outcome = checks.no_duplicates(store, day, daily)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.NO_DUPLICATE_PAPERS, outcome)],
    )


@dg.asset(
    partitions_def=announcement_days,
    deps=[paper_summaries],
    kinds={"json"},
    tags={"stage": "publish"},
    description="digest.json (the day's digest as data) and papers.jsonl (every paper of the day "
    "with every field) for other tools; the DuckDB view paper_digest has the same for SQL.",
    **PUBLISHING,
)
def digest_export(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_export(
            config_file.load(reader_of(context)), partition_day(context), store, context.run.run_id
        )
    return dg.MaterializeResult(metadata=report_metadata(report))


@dg.asset(
    partitions_def=announcement_days,
    deps=[digest_markdown],
    kinds={"html"},
    tags={"stage": "publish"},
    description="The day's page of the web site: papers by category with category, keyword and "
    "text filters and expandable summaries.",
    **PUBLISHING,
)
def site_day_page(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_day_page(
            config_file.load(reader_of(context)), partition_day(context), store, context.run.run_id
        )
    return dg.MaterializeResult(metadata=report_metadata(report))


@dg.asset(
    deps=[site_day_page],
    kinds={"html"},
    tags={"stage": "publish"},
    description="The web site's index of every built day, with its style and script: one folder "
    "that works from disk or any static host. Covers all days, so it is not partitioned (with "
    "readers it is partitioned by day and reader, and rebuilt in each run of the reader's).",
    **PUBLISHING,
)
def site_index(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_site_index(config_file.load(reader_of(context)), store)
    return dg.MaterializeResult(metadata=report_metadata(report))


@dg.asset(
    deps=[digest_markdown],
    kinds={"xml"},
    tags={"stage": "publish"},
    description="Atom and RSS 2.0 feeds of the latest publish.feed_days days, one entry per paper, "
    "best first and newest day first, byte-stable for the same data. Covers several days, so it "
    "is not partitioned (with readers it is partitioned by day and reader, and rebuilt in each "
    "run of the reader's).",
    check_specs=[dg.AssetCheckSpec(checks.FEEDS_PARSE, asset="digest_feeds", blocking=True)],
    **PUBLISHING,
)
def digest_feeds(
    context: dg.AssetExecutionContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.store(reader_of(context)).held() as store:
        report = publish_feeds(config_file.load(reader_of(context)), store, context.run.run_id)
    atom, rss = (p.read_bytes() for p in report.paths)
    return dg.MaterializeResult(
        metadata=report_metadata(report),
        check_results=[check_result(checks.FEEDS_PARSE, checks.feeds_parse(atom, rss))],
    )
