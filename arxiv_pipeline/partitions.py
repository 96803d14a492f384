"""One partition per arXiv announcement day (Monday to Friday), keyed by the announcement's UTC date.

Weekends are not partitions at all: arXiv never announces on them, so the UI shows no day that
can never be built. Holidays are weekdays; their runs record that arXiv made no announcement.
"""

import warnings
from datetime import date, timedelta

import dagster as dg

from arxiv_pipeline.core.config import AutomationConfig, PipelineConfig
from arxiv_pipeline.core.ingest.replay import ReplaySource

ANNOUNCEMENT_CRON = "0 0 * * 1-5"

# Checks are partitioned like their assets (so the UI shows the day they checked); Dagster marks
# that as a preview and would say so on every import, in every CLI run's output.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)
# Readers' "already shown" dependency maps (day, reader) to (previous day, same reader): Dagster's
# multi-dimensional mapping, marked beta.
warnings.filterwarnings("ignore", message=".*MultiPartitionMapping", category=dg.BetaWarning)


def announcement_partitions(
    first_day: date, last_day: date | None = None
) -> dg.TimeWindowPartitionsDefinition:
    # end_offset=1: today's partition exists as soon as today's announcement can (it is made the
    # evening before, US/Eastern, which is already today in UTC).
    end = None
    if last_day is not None:  # the end is the next partition's start: the weekday after last_day
        end = last_day + timedelta(days=1)
        while end.weekday() >= 5:
            end += timedelta(days=1)
    return dg.TimeWindowPartitionsDefinition(
        cron_schedule=ANNOUNCEMENT_CRON,
        start=first_day.isoformat(),
        end=end.isoformat() if end else None,
        fmt="%Y-%m-%d",
        timezone="UTC",
        end_offset=1,
    )


def partitions_for(config: PipelineConfig) -> dg.TimeWindowPartitionsDefinition:
    """From automation.first_day to today; offline (replay), from the first recorded day to the
    last, unless first_day is set: a click on "Missing" must not queue hundreds of days that
    have no recording."""
    if config.source.kind == "replay" and "first_day" not in config.automation.model_fields_set:
        root = config.replay_root
        recorded = ReplaySource(root).available_days()
        if recorded:
            return announcement_partitions(recorded[0], recorded[-1])
    return announcement_partitions(config.automation.first_day)


# Every asset is declared on these (automation.first_day's default onwards); the definitions
# repartition them for a configuration whose days differ (defs/stages.assets_for).
announcement_days = announcement_partitions(AutomationConfig().first_day)


READER_DIMENSION, DAY_DIMENSION = "reader", "day"


def day_reader_partitions(
    readers: list[str], days: dg.TimeWindowPartitionsDefinition = announcement_days
) -> dg.MultiPartitionsDefinition:
    """A lab's per-reader assets: one partition per (announcement day, reader), keyed
    ``2026-11-17|ana``. The readers are the configuration's, so adding one is a definitions
    reload (no instance state to register, unlike dynamic partitions)."""
    return dg.MultiPartitionsDefinition(
        {DAY_DIMENSION: days, READER_DIMENSION: dg.StaticPartitionsDefinition(readers)}
    )


# A per-reader asset that depends on its own previous day (what the reader was already shown).
PREVIOUS_DAY_SAME_READER = dg.MultiPartitionMapping(
    {
        DAY_DIMENSION: dg.DimensionPartitionMapping(
            DAY_DIMENSION, dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
        ),
        READER_DIMENSION: dg.DimensionPartitionMapping(READER_DIMENSION, dg.IdentityPartitionMapping()),
    }
)


def reader_day_key(day: date | str, reader: str) -> dg.MultiPartitionKey:
    day = day if isinstance(day, str) else day.isoformat()
    return dg.MultiPartitionKey({DAY_DIMENSION: day, READER_DIMENSION: reader})


def partition_of(day: date, reader: str | None) -> str:
    """The partition of a day's per-reader assets: the day, or in a lab ``2026-11-17|ana``."""
    return str(reader_day_key(day, reader)) if reader else day.isoformat()


def partitions_of_day(day: date | str, readers: list[str] | None) -> list[str]:
    """A day's partitions of the per-reader assets: the day, or in a lab one per reader."""
    day = day if isinstance(day, str) else day.isoformat()
    return [str(reader_day_key(day, r)) for r in readers] if readers else [day]


def split_partition_key(key: str) -> tuple[date, str | None]:
    """The day and the reader (None for a daily partition) of a partition key."""
    if isinstance(key, dg.MultiPartitionKey):
        dims = key.keys_by_dimension
        return date.fromisoformat(dims[DAY_DIMENSION]), dims[READER_DIMENSION]
    if "|" in key:  # as stored in run tags: day|reader (dimensions in name order)
        day, reader = key.split("|", 1)
        return date.fromisoformat(day), reader
    return date.fromisoformat(key), None


def partition_day(context: dg.AssetExecutionContext) -> date:
    return split_partition_key(context.partition_key)[0]
