"""arXiv's announcement calendar.

arXiv announces at 20:00 US/Eastern Sunday–Thursday; a partition is the UTC date of that
announcement (the date the RSS feed and listing pages carry), so announcement days are
Monday–Friday and Saturday/Sunday partitions are empty by design. The announcement of day D holds
the submissions received between the previous two 14:00 US/Eastern cut-offs on weekdays.
Holidays are not modelled: on those the live feed is empty and a backfill window simply rolls
into the next announcement, as arXiv does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
CUTOFF = time(14, 0)


def is_announcement_day(day: date) -> bool:
    return day.weekday() < 5


def _cutoff_on_or_before(et_day: date) -> date:
    """The last weekday on or before ``et_day``: its 14:00 is the submission deadline."""
    while et_day.weekday() >= 5:
        et_day -= timedelta(days=1)
    return et_day


def submission_window(day: date) -> tuple[datetime, datetime]:
    """UTC [start, end) of the submissions announced on ``day`` (an announcement date)."""
    if not is_announcement_day(day):
        raise ValueError(f"{day} is a {day:%A}: arXiv announces nothing on that date")
    end_day = _cutoff_on_or_before(day - timedelta(days=1))
    start_day = _cutoff_on_or_before(end_day - timedelta(days=1))
    end = datetime.combine(end_day, CUTOFF, EASTERN).astimezone(UTC)
    start = datetime.combine(start_day, CUTOFF, EASTERN).astimezone(UTC)
    return start, end


def announcement_time(day: date) -> datetime:
    """When the announcement dated ``day`` was made: 20:00 US/Eastern the evening before."""
    return datetime.combine(day - timedelta(days=1), time(20, 0), EASTERN).astimezone(UTC)


def announcement_date_of(now: datetime) -> date:
    """The most recent announcement date at ``now`` (what the live feed should hold)."""
    et = now.astimezone(EASTERN)
    day = et.date() if et.time() >= time(20, 0) else et.date() - timedelta(days=1)
    # An ET evening announcement is dated the next day.
    while day.weekday() not in (0, 1, 2, 3, 6):
        day -= timedelta(days=1)
    return day + timedelta(days=1)


def announcement_in_feed_at(tick: datetime) -> date | None:
    """The announcement the RSS feed holds at ``tick`` if it is a new one that day, else None.

    The feed is rebuilt at midnight US/Eastern with the announcement made at 20:00 the evening
    before, dated that US/Eastern day; on Saturdays and Sundays nothing new is rebuilt.
    """
    day = tick.astimezone(EASTERN).date()
    return day if is_announcement_day(day) else None
