"""The working calendar deadlines are counted on: Korea's public holidays (complaints.deadlines)
with the officials' changes (HolidayChange), read once per call (one query)."""

from .deadlines import WorkCalendar
from .models import HolidayChange


def work_calendar() -> WorkCalendar:
    added, cancelled = set(), set()
    for day, kind in HolidayChange.objects.values_list("day", "kind"):
        (added if kind == HolidayChange.Kind.ADDED else cancelled).add(day)
    return WorkCalendar(extra=frozenset(added), cancelled=frozenset(cancelled))
