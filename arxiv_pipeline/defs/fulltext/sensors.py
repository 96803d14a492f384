"""Days whose top papers' full texts could not be had are retried after a back-off."""

from arxiv_pipeline.core.config import PipelineConfig
from arxiv_pipeline.defs.automation import RetryPolicy, RetrySensor, assets_named


def _policy(config: PipelineConfig) -> RetryPolicy | str:
    if not config.fulltext.top:
        return "fulltext.top is 0: full texts are off"
    days, attempts = config.automation.summary_retry_days, config.fulltext.max_attempts
    return RetryPolicy(
        failing=lambda store: store.failed_fulltext_days(days, attempts),
        first_wait_minutes=config.fulltext.retry_minutes,
        max_attempts=attempts,
    )


FAILED_FULLTEXTS = RetrySensor(
    name="failed_fulltext_sensor",
    what="fulltext",
    trigger="failed_fulltext",
    selection=assets_named("paper_fulltext").downstream(),
    description="Reruns days whose top papers' full texts could not be had (no HTML nor PDF yet, a "
    "timeout) after a back-off, so they get full-text summaries; each paper is tried at most "
    "fulltext.max_attempts times.",
    policy=_policy,
    nothing="no full texts to retry",
)
