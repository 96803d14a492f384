"""One partition per arXiv announcement day (Monday to Friday), keyed by the announcement's UTC date.

Weekends are not partitions at all: arXiv never announces on them, so the UI shows no day that
can never be built. Holidays are weekdays; their runs record that arXiv made no announcement.
"""

import warnings
from datetime import date

import dagster as dg

from arxiv_pipeline.core.config import find_config_path, load_config_or_default

ANNOUNCEMENT_CRON = "0 0 * * 1-5"

# Checks are partitioned like their assets (so the UI shows the day they checked); Dagster marks
# that as a preview and would say so on every import, in every CLI run's output.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)


def announcement_partitions(first_day: date) -> dg.TimeWindowPartitionsDefinition:
    # end_offset=1: today's partition exists as soon as today's announcement can (it is made the
    # evening before, US/Eastern, which is already today in UTC).
    return dg.TimeWindowPartitionsDefinition(
        cron_schedule=ANNOUNCEMENT_CRON,
        start=first_day.isoformat(),
        fmt="%Y-%m-%d",
        timezone="UTC",
        end_offset=1,
    )


announcement_days = announcement_partitions(
    load_config_or_default(find_config_path())[0].automation.first_day
)


def partition_day(context: dg.AssetExecutionContext) -> date:
    return date.fromisoformat(context.partition_key)
