"""Deadline arithmetic of the Civil Petitions Treatment Act (art. 19) across Korean holidays:
periods of 5 days or less in working hours from receipt (8 a day), longer ones in days counting
the first, Saturdays and public holidays (Seollal, Chuseok, substitute holidays) never counted."""

from datetime import date, datetime

import pytest

from complaints.deadlines import SEOUL, Period, WorkCalendar, due_at


def seoul(*parts):
    return datetime(*parts, tzinfo=SEOUL)


@pytest.mark.parametrize("received, days, due", [
    # A grievance (7 days) received the Monday before Chuseok 2026 (24-26 Sep): the three days of
    # Chuseok and the weekend do not count; the day of receipt does.
    (seoul(2026, 9, 21, 10, 0), 7, seoul(2026, 10, 1, 18, 0)),
    # A suggestion (14 days) received the Friday before Seollal 2026 (16-18 Feb): Seollal, and the
    # substitute holiday for Independence Movement Day (2 Mar), are skipped.
    (seoul(2026, 2, 13, 15, 0), 14, seoul(2026, 3, 10, 18, 0)),
    # Chuseok 2025 with its substitute holiday (8 Oct), National Foundation Day (3 Oct) and Hangul
    # Day (9 Oct): a week of holidays in ten days.
    (seoul(2025, 10, 2, 9, 0), 7, seoul(2025, 10, 17, 18, 0)),
    # Received on a Saturday: the first day to count is the Monday.
    (seoul(2026, 11, 28, 11, 0), 7, seoul(2026, 12, 8, 18, 0)),
    # Received late in the evening: the day of receipt still counts (it is the first day).
    (seoul(2026, 11, 23, 22, 30), 7, seoul(2026, 12, 1, 18, 0)),
    # A legal interpretation (14 days) over the 2027 Seollal (6-9 Feb, with its substitute holiday).
    (seoul(2027, 2, 3, 9, 0), 14, seoul(2027, 2, 24, 18, 0)),
])
def test_periods_in_days_count_the_first_day_and_skip_holidays(received, days, due):
    assert due_at(received, Period(days=days)) == due


@pytest.mark.parametrize("received, period, due", [
    # 3 days = 24 working hours from 16:00 the day before Chuseok 2026: 2 h on Wednesday, then
    # Monday and Tuesday (16 h), then 6 h on Wednesday 30 Sep (with the lunch hour in between).
    (seoul(2026, 9, 23, 16, 0), Period(days=3), seoul(2026, 9, 30, 16, 0)),
    # Received during the lunch hour: the count starts at 13:00 (5 h that afternoon, 3 the next morning).
    (seoul(2026, 11, 24, 12, 30), Period(days=1), seoul(2026, 11, 25, 12, 0)),
    # Received before opening: the count starts at 09:00; one day ends at 18:00 the same day.
    (seoul(2026, 11, 24, 7, 0), Period(days=1), seoul(2026, 11, 24, 18, 0)),
    # Received on a Friday evening: the count starts on Monday morning.
    (seoul(2026, 11, 27, 19, 0), Period(hours=4), seoul(2026, 11, 30, 14, 0)),
    # Five days still run in hours (40 working hours), across Seollal 2026: 7 h on Friday 13 Feb,
    # 8 h on each of 19, 20, 23 and 24 Feb, the last hour on Wednesday 25 Feb.
    (seoul(2026, 2, 13, 10, 0), Period(days=5), seoul(2026, 2, 25, 10, 0)),
    # Exactly at the close of a period: the due moment is that close, not the next opening.
    (seoul(2026, 11, 24, 9, 0), Period(hours=3), seoul(2026, 11, 24, 12, 0)),
])
def test_periods_of_five_days_or_less_run_in_working_hours(received, period, due):
    assert due_at(received, period) == due


def test_an_aware_time_elsewhere_is_the_same_instant():
    from zoneinfo import ZoneInfo

    utc = datetime(2026, 11, 24, 0, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Seoul
    assert due_at(utc, Period(hours=2)) == seoul(2026, 11, 24, 11, 30)


def test_officials_add_a_temporary_holiday_and_cancel_one():
    received = seoul(2026, 11, 23, 10, 0)
    plain = due_at(received, Period(days=7))
    assert plain == seoul(2026, 12, 1, 18, 0)
    # A temporary holiday announced by decree on Friday 27 Nov moves the due date a working day on.
    assert due_at(received, Period(days=7), WorkCalendar(extra=frozenset({date(2026, 11, 27)}))) == seoul(
        2026, 12, 2, 18, 0
    )
    # A public holiday cancelled (worked) counts again: Chuseok's first day, 24 Sep 2026.
    chuseok = seoul(2026, 9, 21, 10, 0)
    worked = WorkCalendar(cancelled=frozenset({date(2026, 9, 24)}))
    assert due_at(chuseok, Period(days=7), worked) == seoul(2026, 9, 30, 18, 0)


def test_the_calendar_knows_seollal_chuseok_and_substitute_holidays():
    calendar = WorkCalendar()
    for day in [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 9, 24), date(2026, 9, 25),
                date(2026, 10, 5), date(2025, 10, 8), date(2027, 2, 9)]:
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(date(2026, 2, 19))
    assert not calendar.is_working_day(date(2026, 11, 28))  # a Saturday


@pytest.mark.parametrize("bad", [{}, {"days": 0}, {"days": -1}, {"days": 3, "hours": 2}])
def test_a_period_is_days_or_hours(bad):
    with pytest.raises(ValueError):
        Period(**bad)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 24, 9, 0), Period(days=7))
