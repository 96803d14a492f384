"""Days whose delivery failed are retried after a back-off; targets already sent are not sent again."""

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs.automation import RetryPolicy, RetrySensor, assets_named


def _policy(config: PipelineConfig) -> RetryPolicy | str:
    readers = [config.for_reader(r) for r in config.reader_names] or [config]
    if not any(c.delivery.targets for c in readers):
        return "no delivery targets configured"
    delivery = config.delivery
    return RetryPolicy(
        failing=lambda store: store.failed_delivery_days(delivery.retry_days),
        first_wait_minutes=delivery.retry_minutes,
        max_attempts=delivery.retry_max_attempts,
    )


FAILED_DELIVERIES = RetrySensor(
    name="failed_delivery_sensor",
    what="delivery",
    trigger="failed_deliveries",
    selection=assets_named("digest_delivery"),
    description="Retries days whose delivery failed (or was cut short) after a back-off, up to a "
    "limit; only digest_delivery runs, and targets already sent are not sent again.",
    policy=_policy,
    nothing="no failed deliveries",
)
