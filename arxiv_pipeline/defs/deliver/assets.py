"""Per day: the digest delivered to every configured target (email, chat, site publishing),
exactly once per day and target, recorded in the deliveries table."""

import dagster as dg
from pydantic import Field

from arxiv_pipeline.core import checks
from arxiv_pipeline.core.deliver import delivery_version
from arxiv_pipeline.core.deliver.stage import deliver_day
from arxiv_pipeline.defs.common import (
    Check,
    check_result,
    day_inputs,
    report_metadata,
    stage_asset,
)
from arxiv_pipeline.defs.groups import DELIVERY
from arxiv_pipeline.defs.publish.assets import digest_feeds, digest_markdown, site_day_page, site_index
from arxiv_pipeline.defs.run_health.health import run_alive
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


class DeliveryRequest(dg.Config):
    """Set in the launchpad (or by `arxiv-pipeline deliver`): which targets, and whether to send a
    day that was already sent."""

    targets: list[str] = Field(default_factory=list, description="Target names; empty means all.")
    force: bool = Field(False, description="Send again to targets that already have this day.")
    any_age: bool = Field(
        False, description="Send even when the day is older than delivery.max_age_days (a backfill)."
    )


@stage_asset(
    stage="deliver",
    group=DELIVERY,
    kinds={"duckdb", "email"},
    tables=("deliveries",),
    checks=[
        Check(
            checks.DELIVERED,
            description="Every configured target has the day (sent, or skipped as a day with no papers).",
        )
    ],
    deps=[digest_markdown, site_day_page, site_index, digest_feeds],
    description="The day's digest sent to each delivery target (email over SMTP, chat through "
    "Apprise, the site copied to a folder or pushed to a git branch), once per day and target: "
    "a rerun sends nothing already sent unless forced; a failure is recorded and retried.",
    code_version=delivery_version(),
)
def digest_delivery(
    context: dg.AssetExecutionContext,
    config: DeliveryRequest,
    config_file: ConfigFile,
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    settings, day, store = day_inputs(context, config_file, warehouse)

    # Network waits: the store is opened per write, so other processes are not kept waiting.
    report = deliver_day(
        settings,
        day,
        store,
        context.run.run_id,
        targets=config.targets or None,
        force=config.force,
        run_alive=lambda run_id: run_alive(context.instance, run_id),
        any_age=config.any_age,
    )
    names = config.targets or [t.name for t in settings.delivery.targets]
    outcome = checks.delivered(store, day, names)
    if report.counts.get("failed"):
        context.log.warning(f"delivery failed for {report.counts['failed']} target(s): {outcome.description}")
    return dg.MaterializeResult(
        metadata=report_metadata(report), check_results=[check_result(checks.DELIVERED, outcome)]
    )
