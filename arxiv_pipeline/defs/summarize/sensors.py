"""Days with failed summaries are retried after a back-off."""

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs.automation import RetryPolicy, RetrySensor, assets_named


def _policy(config: PipelineConfig) -> RetryPolicy:
    auto = config.automation
    return RetryPolicy(
        failing=lambda store: store.failed_summary_days(auto.summary_retry_days),
        first_wait_minutes=auto.summary_retry_minutes,
        max_attempts=auto.summary_retry_max_attempts,
    )


FAILED_SUMMARIES = RetrySensor(
    name="failed_summary_sensor",
    what="summaries",
    trigger="failed_summaries",
    selection=assets_named("paper_summaries").downstream(),
    description="Retries days with failed summaries after a back-off, up to a limit.",
    policy=_policy,
    nothing="no failed summaries",
    # Waits up to two minutes for a writing run, where the other retry sensors skip the tick.
    lock_timeout_s=120,
)
