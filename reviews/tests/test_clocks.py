"""The statutory clocks' arithmetic with real 2026 and 2027 dates (England and Wales bank holidays)."""

import datetime

import pytest

from reviews import clocks

D = datetime.date


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 3, 2), 5, D(2026, 3, 9)),  # Monday + 5 = next Monday
        (D(2026, 3, 6), 5, D(2026, 3, 13)),  # a review created late on a Friday: day 0 is the Friday
        (D(2026, 3, 7), 1, D(2026, 3, 9)),  # from a Saturday, the first working day is Monday
        (D(2026, 3, 6), 15, D(2026, 3, 27)),
        # Good Friday 3 April and Easter Monday 6 April 2026
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 3, 30), 5, D(2026, 4, 8)),
        # Christmas 2026: Friday 25th, Boxing Day on Saturday 26th, substitute Monday 28th
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 21), 5, D(2026, 12, 30)),
        # New Year's Day, Friday 1 January 2027
        (D(2026, 12, 31), 1, D(2027, 1, 4)),
        # Christmas 2027 on a Saturday, Boxing Day on Sunday: substitutes Monday 27th and Tuesday 28th
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        # 24, 29, 30, 31, then New Year 2028 on a Saturday with its substitute on Monday 3rd: 4 January
        (D(2027, 12, 23), 5, D(2028, 1, 4)),
        # Backwards: 7 working days before a publication on Tuesday 5 January 2027
        (D(2027, 1, 5), -7, D(2026, 12, 22)),
        (D(2026, 3, 9), 0, D(2026, 3, 9)),
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start, count, expected):
    assert clocks.add_working_days(start, count) == expected


def test_substitute_days_are_not_working_days():
    assert not clocks.is_working_day(D(2026, 12, 28))  # Boxing Day (substitute day)
    assert not clocks.is_working_day(D(2027, 12, 27))  # Christmas Day (substitute day)
    assert not clocks.is_working_day(D(2027, 12, 28))  # Boxing Day (substitute day)
    assert clocks.is_working_day(D(2026, 12, 29))


def test_working_days_between_counts_after_the_start():
    assert clocks.working_days_between(D(2026, 12, 24), D(2026, 12, 31)) == 3  # 29, 30, 31
    assert clocks.working_days_between(D(2026, 12, 31), D(2026, 12, 24)) == -3
    assert clocks.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 3, 15), 6, D(2026, 9, 15)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
    ],
)
def test_calendar_months_end_on_the_shorter_months_last_day(start, count, expected):
    assert clocks.add_months(start, count) == expected


def test_calendar_days_count_every_day():
    # The coroner's 56 days from a report dated Friday 18 December 2026 cross Christmas without a pause.
    assert clocks.add(D(2026, 12, 18), 56, clocks.CALENDAR_DAYS) == D(2027, 2, 12)


def test_scotland_and_northern_ireland_regions_work(settings):
    settings.LSCB_BANK_HOLIDAYS = "SCT"
    assert not clocks.is_working_day(D(2026, 1, 2))  # Scotland's 2nd January
    assert clocks.is_working_day(D(2026, 8, 31))  # no late-August holiday in Scotland
    settings.LSCB_BANK_HOLIDAYS = "NIR"
    assert not clocks.is_working_day(D(2026, 3, 17))  # St Patrick's Day
    settings.LSCB_BANK_HOLIDAYS = "ENG"
    assert clocks.is_working_day(D(2026, 1, 2))


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="Unknown unit"):
        clocks.add(D(2026, 1, 1), 1, "fortnights")
