"""Rollup rows for the dashboard pages' tests (helper module of test_dashboard_pages.py and
test_dashboard_admin.py), written straight into DailyRollup: the pages read them only through
`selectors.stats.dashboard`, and every expected figure below is computed by hand from them.

Today is frozen at TODAY, so the default period (the last 4 weeks) is 2025-05-19 … 2025-06-15
and the previous one 2025-04-21 … 2025-05-18.

- roads (pothole, Jung-gu, web): 3 received on 06-10 (2 handled in 3 days, 1 of them on time;
  1 still open and overdue; ratings 5 and 2; 1 additional answer asked); the 2 answers finished on
  06-13. In the previous period, 2 received on 05-01, both answered on time in 1 day that day.
- parks (park suggestion, Gangnam-gu, phone): 1 received on 06-12, answered on time the same day,
  rated 4.

Current period: total 4 (previous 2, +100.0 %); handled 3, on time 2, open 1, overdue 1 →
on-time 2 ÷ (3 + 1) = 50.0 %; durations 0 d ×1, 3 d ×2 → median 3, p90 3; ratings 5, 2, 4 →
3 rated, average 3.67; additional answers 1 ÷ 3 handled = 33.3 %. Backlog: 3 from 06-10, still 3
on 06-12 (1 in, 1 out), 1 from 06-13.
"""

from datetime import date, datetime

from citizens.models import District
from complaints.deadlines import SEOUL
from complaints.models.analytics import DailyRollup

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 14, 0, tzinfo=SEOUL)
JUNG_GU = "11140"
GANGNAM_GU = "11680"


def write_rollups(*, pothole, park_suggestion, roads, parks):
    jung, gangnam = District.objects.get(code=JUNG_GU), District.objects.get(code=GANGNAM_GU)
    road_dims = {"category": pothole, "district": jung, "channel": "web", "unit": roads}
    park_dims = {"category": park_suggestion, "district": gangnam, "channel": "phone", "unit": parks}
    DailyRollup.objects.bulk_create([
        DailyRollup(day=date(2025, 6, 10), **road_dims, received=3, handled=2, handled_on_time=1, open_now=1,
                    open_overdue=1, days_3=2, rating_5=1, rating_2=1, reopened=1),
        DailyRollup(day=date(2025, 6, 13), **road_dims, finished=2),
        DailyRollup(day=date(2025, 5, 1), **road_dims, received=2, finished=2, handled=2, handled_on_time=2, days_1=2),
        DailyRollup(day=date(2025, 6, 12), **park_dims, received=1, finished=1, handled=1, handled_on_time=1, days_0=1,
                    rating_4=1),
    ])  # fmt: skip


def write_more_rollups(*, categories, units, days):
    """Many more rows (every category × unit × district × channel on each of `days`), to show that
    the pages' queries do not grow with the data."""
    districts = list(District.objects.all()[:5])
    rows = [
        DailyRollup(day=day, category=category, district=district, channel=channel, unit=unit, received=2, finished=1,
                    handled=1, handled_on_time=1, days_2=1, rating_3=1)
        for day in days for category in categories for unit in units for district in districts
        for channel in ("sms", "email", "mobile")
    ]  # fmt: skip
    DailyRollup.objects.bulk_create(rows)
    return len(rows)
