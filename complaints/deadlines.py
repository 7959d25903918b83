"""When a complaint is due, as the Civil Petitions Treatment Act (art. 19) counts it.

- A period of 5 days or less runs in working hours from the moment of receipt; a day is 8
  working hours. Working hours are those of government offices: 09:00-12:00 and 13:00-18:00.
- A longer period runs in days, counting the day of receipt, and ends at the close of its last
  day (18:00).
- Saturdays and public holidays (Sundays among them) never count.

Public holidays come from the `holidays` package (KR) and an officials' table of changes
(temporary holidays are announced by decree; a day may also be cancelled): `WorkCalendar` takes
both. Times are Asia/Seoul; an aware datetime in goes in as the same instant, and the due moment
comes out aware, in Seoul time.

Pure Python (no Django): `complaints.calendar` builds the calendar from the officials' table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

SEOUL = ZoneInfo("Asia/Seoul")
# The working periods of a working day (Regulations on the Service of Public Officials).
WORK_PERIODS = ((time(9), time(12)), (time(13), time(18)))
HOURS_PER_DAY = 8
# Periods up to this many days run in hours; longer ones in days.
HOURLY_UP_TO_DAYS = 5


@dataclass(frozen=True)
class Period:
    """A processing period: whole days, or working hours (an on-site complaint's 24 hours)."""

    days: int = 0
    hours: int = 0

    def __post_init__(self):
        if (self.days > 0) == (self.hours > 0) or self.days < 0 or self.hours < 0:
            raise ValueError("a period is a positive number of days or of hours, not both")

    @property
    def working_hours(self) -> int | None:
        """The period in working hours when it runs in hours, else None (it runs in days)."""
        if self.hours:
            return self.hours
        return self.days * HOURS_PER_DAY if self.days <= HOURLY_UP_TO_DAYS else None


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: weekdays that are not public holidays, with the officials'
    changes (`extra` holidays added, `cancelled` ones worked)."""

    extra: frozenset[date] = field(default_factory=frozenset)
    cancelled: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "_public", holidays.KR())

    def is_holiday(self, day: date) -> bool:
        if day in self.cancelled:
            return False
        return day in self.extra or day in self._public

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def working_days_from(self, day: date) -> Iterable[date]:
        """The working days from `day` (itself included when it is one), on and on."""
        while True:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)


def due_at(received_at: datetime, period: Period, calendar: WorkCalendar | None = None) -> datetime:
    """The moment a complaint received at `received_at` (aware) is due, in Seoul time."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be an aware datetime")
    calendar = calendar or WorkCalendar()
    received = received_at.astimezone(SEOUL)
    hours = period.working_hours
    if hours is not None:
        return _after_working_hours(received, hours, calendar)
    last_day = _nth(calendar.working_days_from(received.date()), period.days)
    return datetime.combine(last_day, WORK_PERIODS[-1][1], tzinfo=SEOUL)


def _nth(days: Iterable[date], count: int) -> date:
    for number, day in enumerate(days, start=1):
        if number == count:
            return day
    raise AssertionError("unreachable: working days never run out")


def _after_working_hours(start: datetime, hours: int, calendar: WorkCalendar) -> datetime:
    """The moment `hours` working hours have run from `start` (outside working time, the count
    starts at the next working period)."""
    left = timedelta(hours=hours)
    for day in calendar.working_days_from(start.date()):
        for opens, closes in WORK_PERIODS:
            period_start = datetime.combine(day, opens, tzinfo=SEOUL)
            period_end = datetime.combine(day, closes, tzinfo=SEOUL)
            begin = max(period_start, start)
            if begin >= period_end:
                continue
            if begin + left <= period_end:
                return begin + left
            left -= period_end - begin
    raise AssertionError("unreachable: working days never run out")
