"""The statutory clocks' arithmetic (DESIGN.md §10): working days, calendar days and calendar months.

Pure functions of dates. Working days skip Saturdays, Sundays and the bank holidays of the region in
settings.LSCB_BANK_HOLIDAYS (England by default; Wales shares England's days), substitute days included,
as the `holidays` library publishes them, rather than a list kept by hand.
"""

import calendar
import datetime
from functools import lru_cache

import holidays
from django.conf import settings

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
MONTHS = "months"
UNITS = [(WORKING_DAYS, "working days"), (CALENDAR_DAYS, "calendar days"), (MONTHS, "calendar months")]


@lru_cache(maxsize=8)
def _bank_holidays(region: str) -> holidays.HolidayBase:
    # Years are filled in lazily by the library as dates are asked about.
    return holidays.country_holidays("GB", subdiv=region)


def bank_holidays(region: str | None = None) -> holidays.HolidayBase:
    return _bank_holidays(region or settings.LSCB_BANK_HOLIDAYS)


def is_working_day(day: datetime.date, region: str | None = None) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(region)


def add_working_days(start: datetime.date, count: int, region: str | None = None) -> datetime.date:
    """The `count`th working day after `start` (before it, for a negative count); `start` itself is day 0
    whether or not it is a working day, so 5 working days after a Friday is the next Friday."""
    step = 1 if count >= 0 else -1
    day, left = start, abs(count)
    while left:
        day += datetime.timedelta(days=step)
        if is_working_day(day, region):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, region: str | None = None) -> int:
    """How many working days after `start` `end` is: the working days in (start, end]; negative if end is earlier."""
    if end < start:
        return -working_days_between(end, start, region)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(days=n), region)
    )


def add_months(start: datetime.date, count: int) -> datetime.date:
    """The same day `count` calendar months later (or earlier), or that month's last day if it is shorter:
    31 January + 1 month is 28 February (29 in a leap year)."""
    month_index = start.year * 12 + start.month - 1 + count
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add(start: datetime.date, count: int, unit: str, region: str | None = None) -> datetime.date:
    """`count` units after `start` (before, if negative), in one of UNITS."""
    if unit == WORKING_DAYS:
        return add_working_days(start, count, region)
    if unit == CALENDAR_DAYS:
        return start + datetime.timedelta(days=count)
    if unit == MONTHS:
        return add_months(start, count)
    raise ValueError(f"Unknown unit of time {unit!r}")
