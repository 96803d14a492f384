"""One partition per arXiv announcement day, keyed by the announcement's UTC date."""

from datetime import date

import dagster as dg

# end_offset=1: today's partition exists as soon as today's announcement can.
announcement_days = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC", end_offset=1)


def partition_day(context: dg.AssetExecutionContext) -> date:
    return date.fromisoformat(context.partition_key)
