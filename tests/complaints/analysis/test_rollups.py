"""The rollups (complaints/services/rollups.py) and `manage.py complaints_rollup`, on complaints
filed and handled through the services at explicit moments (freezegun keeps `updated_at`, which
the database sets from the clock, in step with the services' `now`)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from freezegun import freeze_time

from complaints.models.analytics import COUNT_FIELDS, DailyRollup, MonthlyRollup, RollupState
from complaints.services import cells, text_analysis
from complaints.services.handling import (
    complaint_answer,
    complaint_mark_duplicate,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_transfer,
)
from complaints.services.rollups import OVERLAP, count_day, count_days, rollups_rebuild, rollups_refresh
from seoul_portal import progress

from .rollup_scenario import daily_table, day_counts, nonzero, seoul


@pytest.fixture
def cell_weeks(monkeypatch):
    """The map cells are helper D's: here, only which weeks the refresh asks them to recount."""
    asked = []
    monkeypatch.setattr(cells, "cells_refresh_weeks", lambda weeks: asked.append(list(weeks)))
    monkeypatch.setattr(cells, "cells_rebuild", lambda *, progress=None, step=None: 0)
    return asked


def _file(file_complaint, moment, **fields):
    with freeze_time(moment):
        return file_complaint(now=moment, **fields)


def _at(moment, service, **kwargs):
    with freeze_time(moment):
        return service(now=moment, **kwargs)


def test_a_day_is_a_seoul_day(file_complaint):
    # 23:30 on 14 October in Seoul is 14:30 UTC the same day; 00:30 on the 15th in Seoul is
    # still the 14th in UTC: it belongs to the 15th.
    file_complaint(now=seoul(2026, 10, 14, 23, 30))
    file_complaint(now=seoul(2026, 10, 15, 0, 30))
    file_complaint(now=seoul(2026, 10, 15, 8, 59))  # 23:59 UTC on the 14th
    rollups_rebuild(now=seoul(2026, 10, 16))
    assert day_counts(date(2026, 10, 14))["received"] == 1
    assert day_counts(date(2026, 10, 15))["received"] == 2
    assert day_counts(date(2026, 10, 13))["received"] == 0


def test_rebuild_counts_flows_cohorts_and_durations(file_complaint, roads_official, pothole, roads):
    complaints = [file_complaint(now=seoul(2026, 10, 12)) for _ in range(4)]
    complaint_answer(actor=roads_official, complaint=complaints[0], answer="보수", now=seoul(2026, 10, 12, 17))
    complaint_answer(actor=roads_official, complaint=complaints[1], answer="보수", now=seoul(2026, 10, 14, 23, 50))
    complaint_mark_duplicate(actor=roads_official, complaint=complaints[2], original=complaints[0],
                             now=seoul(2026, 10, 14))  # fmt: skip
    report = rollups_rebuild(now=seoul(2026, 10, 25, 12))
    assert report.days[0] == date(2026, 10, 1) and report.days[-1] == date(2026, 10, 25)
    assert report.months == [date(2026, 10, 1)]
    dims = {"category": pothole, "unit": roads, "channel": "web", "district_id": "11140"}
    assert nonzero(day_counts(date(2026, 10, 12), **dims)) == {
        "received": 4, "finished": 1, "handled": 2, "handled_on_time": 2, "open_now": 1, "open_overdue": 1,
        "duplicates": 1, "days_0": 1, "days_2": 1,
    }  # fmt: skip
    # Two finished on the 14th (an answer and a duplicate); none received.
    assert nonzero(day_counts(date(2026, 10, 14))) == {"finished": 2}
    assert DailyRollup.objects.filter(day=date(2026, 10, 13)).count() == 0
    state = RollupState.objects.get(name="counts")
    assert state.watermark == seoul(2026, 10, 25, 12) - OVERLAP
    assert state.rebuilt_at == seoul(2026, 10, 25, 12)


def test_months_are_the_sums_of_their_days(file_complaint, roads_official, park_suggestion):
    for moment in (seoul(2026, 8, 31, 23), seoul(2026, 9, 1, 0, 10), seoul(2026, 9, 30), seoul(2026, 10, 1)):
        complaint = file_complaint(now=moment)
        complaint_answer(
            actor=roads_official, complaint=complaint, answer="보수", now=moment.replace(hour=23, minute=30)
        )
    file_complaint(category=park_suggestion, location=None, now=seoul(2026, 9, 15))
    progress = []
    report = rollups_rebuild(progress=progress.append, now=seoul(2026, 10, 25, 12))
    assert report.months == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    assert len(progress) == 3 and progress[0].startswith("2026-08:")
    for month, following in ((date(2026, 8, 1), date(2026, 9, 1)), (date(2026, 9, 1), date(2026, 10, 1)),
                             (date(2026, 10, 1), date(2026, 11, 1))):  # fmt: skip
        for row in MonthlyRollup.objects.filter(month=month):
            days = DailyRollup.objects.filter(day__gte=month, day__lt=following, category_id=row.category_id,
                                              district_id=row.district_id, channel=row.channel, unit_id=row.unit_id)  # fmt: skip
            sums = days.aggregate(**{name: Sum(name) for name in COUNT_FIELDS})
            assert {name: getattr(row, name) for name in COUNT_FIELDS} == sums
    september = MonthlyRollup.objects.filter(month=date(2026, 9, 1)).aggregate(
        received=Sum("received"), finished=Sum("finished")
    )
    assert september == {"received": 3, "finished": 2}


def test_a_months_rows_counted_at_once_are_its_days_rows_counted_one_by_one(
    file_complaint, roads_official, parks_official, citizen, park_suggestion
):  # fmt: skip
    """The rebuild counts a month in one query set grouped by Seoul day (count_days); the refresh
    counts a day at a time (count_day): on the edges of Seoul days (00:00 there is 15:00 UTC the
    day before) both must give the same rows, durations and ratings included."""
    answered_after = [
        # (received, answered): across midnight, within a day, two weeks, 3 weeks, more than 60 days.
        (seoul(2026, 10, 14, 23, 59), seoul(2026, 10, 15, 0, 0)),
        (seoul(2026, 10, 15, 0, 0), seoul(2026, 10, 15, 23, 59)),
        (seoul(2026, 10, 15, 8, 59), seoul(2026, 10, 29, 23, 59)),  # 23:59 UTC on the 14th
        (seoul(2026, 10, 1, 0, 0), seoul(2026, 10, 22, 9)),
        (seoul(2026, 10, 2, 10), seoul(2026, 12, 5, 10)),
        (seoul(2026, 9, 30, 23, 59), seoul(2026, 10, 1, 0, 0)),  # finished in October, received in September
        (seoul(2026, 10, 31, 23, 59), seoul(2026, 11, 1, 0, 0)),
    ]
    answered = []
    for received, at in answered_after:
        complaint = _file(file_complaint, received)
        answered.append(_at(at, complaint_answer, actor=roads_official, complaint=complaint, answer="보수"))
    # Ratings: the latest of two answer rounds counts; one reopened and answered again.
    _at(seoul(2026, 10, 16), complaint_rate, actor=citizen, complaint=answered[0], rating=2)
    reopened = _at(seoul(2026, 10, 16, 1), complaint_reopen, actor=citizen, complaint=answered[0],
                   reason="그대로입니다.")  # fmt: skip
    again = _at(seoul(2026, 10, 17), complaint_answer, actor=roads_official, complaint=reopened, answer="다시 보수")
    _at(seoul(2026, 10, 18), complaint_rate, actor=citizen, complaint=again, rating=5)
    _at(seoul(2026, 10, 16), complaint_rate, actor=citizen, complaint=answered[1], rating=4)
    # Open (one overdue by `now`), a duplicate, a rejection, another unit and channel.
    _file(file_complaint, seoul(2026, 10, 20, 23, 59))
    _file(file_complaint, seoul(2026, 10, 31, 0, 0))
    merged = _file(file_complaint, seoul(2026, 10, 15, 12))
    _at(seoul(2026, 10, 16, 0, 0), complaint_mark_duplicate, actor=roads_official, complaint=merged,
        original=answered[1])  # fmt: skip
    refused = _file(file_complaint, seoul(2026, 10, 21, 0, 1), category=park_suggestion, location=None,
                    channel="phone")  # fmt: skip
    _at(seoul(2026, 10, 21, 23, 59), complaint_reject, actor=parks_official, complaint=refused,
        reason="사유지입니다.", remedy="행정심판")  # fmt: skip
    now = seoul(2026, 12, 10, 12)
    october = [date(2026, 10, 1) + timedelta(days=offset) for offset in range(31)]

    by_month = count_days(october[0], october[-1], now=now)
    by_day = [row for day in october for row in count_day(day, now=now)]
    assert sorted(by_month, key=repr) == sorted(by_day, key=repr)
    assert len({row[0] for row in by_day}) >= 8  # complaints on several days
    fields = ("day", "category_id", "district_id", "channel", "unit_id", *COUNT_FIELDS)
    totals = {name: sum(row[fields.index(name)] for row in by_month) for name in COUNT_FIELDS}
    # Finished in October: the first (its second answer, on the 17th: 3 days), the second, the
    # third, the fourth, September's last, the duplicate and the refusal; late: the third, the
    # fourth and the fifth (answered in December: more than 60 days).
    assert nonzero(totals) == {
        "received": 10, "finished": 7, "handled": 7, "handled_on_time": 4, "open_now": 2, "open_overdue": 2,
        "duplicates": 1, "reopened": 1, "rating_4": 1, "rating_5": 1, "days_0": 2, "days_1": 1, "days_3": 1,
        "days_14": 1, "days_21": 1, "days_more": 1,
    }  # fmt: skip
    # A span's rows stop at its edges: a day's and a month's first and last Seoul moments.
    assert count_days(date(2026, 10, 15), date(2026, 10, 15), now=now) == count_day(date(2026, 10, 15), now=now)

    # What the month-wise rebuild writes is the day-wise count; the same as a refresh would write.
    rollups_rebuild(now=now)
    assert [row for row in daily_table() if row[0].month == 10] == sorted(by_day, key=repr)


def test_refresh_follows_answers_reopenings_transfers_and_deadlines(
    file_complaint, roads_official, citizen, roads, parks, cell_weeks
):  # fmt: skip
    first = _file(file_complaint, seoul(2026, 10, 12))
    second = _file(file_complaint, seoul(2026, 10, 12, 11))
    rollups_rebuild(now=seoul(2026, 10, 12, 12))
    monday = date(2026, 10, 12)

    # An answer: the received day's cohort and the day it finished on.
    _at(seoul(2026, 10, 13), complaint_answer, actor=roads_official, complaint=first, answer="보수")
    report = rollups_refresh(now=seoul(2026, 10, 13, 10, 5))
    assert report.days == [date(2026, 10, 12), date(2026, 10, 13)]
    assert report.months == [date(2026, 10, 1)]
    assert cell_weeks[-1] == [monday]
    assert nonzero(day_counts(monday)) == {
        "received": 2,
        "handled": 1,
        "handled_on_time": 1,
        "open_now": 1,
        "days_1": 1,
    }
    assert day_counts(date(2026, 10, 13))["finished"] == 1

    # Reopened: no longer finished on the 13th (a day no write of today names), open again (and
    # counted as reopened only once answered again: "reopened" is among the handled).
    _at(seoul(2026, 10, 14), complaint_reopen, actor=citizen, complaint=first, reason="그대로입니다.")
    report = rollups_refresh(now=seoul(2026, 10, 14, 10, 5))
    assert date(2026, 10, 13) in report.days
    assert day_counts(date(2026, 10, 13))["finished"] == 0
    assert nonzero(day_counts(monday)) == {"received": 2, "open_now": 2}

    # Transferred to parks: the row of roads loses it, a row of parks gains it.
    _at(
        seoul(2026, 10, 15),
        complaint_transfer,
        actor=roads_official,
        complaint=second,
        to_unit=parks,
        reason="공원 내부",
    )
    rollups_refresh(now=seoul(2026, 10, 15, 10, 5))
    assert day_counts(monday, unit=parks)["received"] == 1
    assert day_counts(monday, unit=roads)["received"] == 1
    assert MonthlyRollup.objects.get(month=date(2026, 10, 1), unit=parks).received == 1

    # Nothing written, but the deadline of `second` (20 October 18:00) passes: overdue.
    assert second.due_at == seoul(2026, 10, 20, 18)
    report = rollups_refresh(now=seoul(2026, 10, 20, 18, 30))
    assert report.days == [monday]
    assert day_counts(monday, unit=parks)["open_overdue"] == 1
    refreshed = daily_table()
    monthly = sorted(MonthlyRollup.objects.values_list("unit_id", "received", "open_overdue", "reopened"))

    # The same as a rebuild at that moment.
    rollups_rebuild(now=seoul(2026, 10, 20, 18, 30))
    assert daily_table() == refreshed
    assert sorted(MonthlyRollup.objects.values_list("unit_id", "received", "open_overdue", "reopened")) == monthly


def test_refresh_twice_changes_nothing_and_the_watermark_keeps_an_overlap(file_complaint, roads_official, cell_weeks):
    complaint = _file(file_complaint, seoul(2026, 10, 12))
    rollups_rebuild(now=seoul(2026, 10, 12, 12))
    _at(seoul(2026, 10, 13), complaint_answer, actor=roads_official, complaint=complaint, answer="보수")
    rollups_refresh(now=seoul(2026, 10, 13, 10, 1))
    before = daily_table()
    # Within the overlap the same complaint is counted again: the same rows.
    again = rollups_refresh(now=seoul(2026, 10, 13, 10, 2))
    assert again.days == [date(2026, 10, 12), date(2026, 10, 13)]
    assert daily_table() == before
    assert RollupState.objects.get(name="counts").watermark == seoul(2026, 10, 13, 10, 2) - OVERLAP
    # Later, nothing new: nothing recounted.
    assert rollups_refresh(now=seoul(2026, 10, 13, 11)).days == []
    assert daily_table() == before


def test_the_first_refresh_rebuilds(file_complaint, cell_weeks):
    file_complaint(now=seoul(2026, 10, 12))
    assert not RollupState.objects.exists()
    report = rollups_refresh(now=seoul(2026, 10, 13))
    assert report.rebuilt
    assert day_counts(date(2026, 10, 12))["received"] == 1
    assert RollupState.objects.get(name="counts").rebuilt_at == seoul(2026, 10, 13)


def test_refresh_asks_for_the_mondays_of_the_received_days(file_complaint, cell_weeks):
    rollups_rebuild(now=seoul(2026, 10, 1))
    _file(file_complaint, seoul(2026, 10, 14))  # a Wednesday
    _file(file_complaint, seoul(2026, 10, 19))  # a Monday
    rollups_refresh(now=seoul(2026, 10, 19, 12))
    assert cell_weeks[-1] == [date(2026, 10, 12), date(2026, 10, 19)]


def test_the_celery_task_refreshes(file_complaint, cell_weeks):
    from complaints.tasks import refresh_rollups

    file_complaint(now=seoul(2026, 10, 12))
    refresh_rollups.apply()
    assert day_counts(date(2026, 10, 12))["received"] == 1


# The command.


def _command(*args) -> str:
    out = StringIO()
    call_command("complaints_rollup", *args, stdout=out)
    return out.getvalue()


def test_command_rebuild_prints_progress_per_month_and_the_time(file_complaint, cell_weeks, monkeypatch):
    file_complaint(now=seoul(2026, 9, 20))
    file_complaint(now=seoul(2026, 10, 12))
    # Not a terminal: a line every EVERY seconds; none between two months unless that is 0.
    monkeypatch.setattr(progress, "EVERY", 0)
    output = _command("--rebuild", "--now", "2026-10-25T12:00")
    assert "  rollups: 1 of 2 months (50%)" in output and "; 2026-09:" in output
    assert "  rollups: 2 of 2 months (100%)" in output and "; 2026-10:" in output
    assert "Counts rebuilt in" in output and ": 2 months, " in output and "Map cells rebuilt in" in output
    assert "Rebuilt in" in output and "MiB" in output
    assert "\r" not in output
    assert MonthlyRollup.objects.aggregate(received=Sum("received")) == {"received": 2}


def test_command_rebuild_in_a_log_writes_only_the_summaries(file_complaint, cell_weeks, monkeypatch):
    file_complaint(now=seoul(2026, 9, 20))
    monkeypatch.setattr(progress, "EVERY", 3600)  # a rebuild shorter than the interval
    output = _command("--rebuild", "--now", "2026-10-25T12:00")
    assert "rollups:" not in output
    assert "Counts rebuilt in" in output and ": 2 months, " in output


def test_command_refresh_prints_the_days_it_recounted(file_complaint, roads_official, cell_weeks):
    complaint = _file(file_complaint, seoul(2026, 10, 12))
    rollups_rebuild(now=seoul(2026, 10, 12, 12))
    _at(seoul(2026, 10, 13), complaint_answer, actor=roads_official, complaint=complaint, answer="보수")
    with freeze_time(seoul(2026, 10, 13, 10, 5)):
        output = _command()
    assert "Recounted days: 2026-10-12, 2026-10-13" in output
    assert "Re-summed months: 2026-10-01" in output


def test_command_terms_recounts_five_weeks_and_computes_trends(monkeypatch, cell_weeks, db):
    calls = []
    monkeypatch.setattr(
        text_analysis, "terms_recount", lambda *, since: calls.append(("recount", since)), raising=False
    )
    monkeypatch.setattr(text_analysis, "trends_compute", lambda *, now=None: calls.append(("trends", now)))
    with freeze_time(seoul(2026, 10, 20, 12)):
        output = _command("--terms")
    assert calls == [("recount", date(2026, 9, 15)), ("trends", None)]
    assert "Trending terms computed." in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--now", "yesterday"), "--now takes an ISO 8601 date and time"),
        (("--now", "2999-01-01T00:00"), "--now may not be in the future"),
        (("--rebuld",), "unrecognized arguments"),
    ],
)
def test_command_bad_options(args, message, db):
    with pytest.raises(CommandError, match=message):
        _command(*args)
    assert not DailyRollup.objects.exists()


# Review fixes: ratings reach the refresh, "reopened" counted among the handled, rebuilds that
# never empty the dashboards, and recounts of the same day at once.


def test_a_rating_reaches_the_rollups_at_the_next_refresh(file_complaint, roads_official, citizen, cell_weeks):
    complaint = _file(file_complaint, seoul(2026, 10, 12))
    complaint = _at(seoul(2026, 10, 13), complaint_answer, actor=roads_official, complaint=complaint, answer="보수")
    rollups_rebuild(now=seoul(2026, 10, 13, 12))
    assert day_counts(date(2026, 10, 12))["rating_4"] == 0
    # Rated the next day: nothing else about the complaint changes, its cohort's ratings do.
    _at(seoul(2026, 10, 14), complaint_rate, actor=citizen, complaint=complaint, rating=4)
    report = rollups_refresh(now=seoul(2026, 10, 14, 10, 5))
    assert date(2026, 10, 12) in report.days
    assert nonzero(day_counts(date(2026, 10, 12))) == {
        "received": 1, "handled": 1, "handled_on_time": 1, "days_1": 1, "rating_4": 1,
    }  # fmt: skip
    assert MonthlyRollup.objects.get(month=date(2026, 10, 1)).rating_4 == 1


def test_reopened_is_counted_among_the_handled_only(file_complaint, roads_official, citizen):
    # Three answered the day they came in; two of them reopened. Until a reopened complaint is
    # answered again it is not handled, so it is not counted as reopened either.
    first, second, third = (file_complaint(now=seoul(2026, 10, 12)) for _ in range(3))
    for complaint in (first, second, third):
        complaint_answer(actor=roads_official, complaint=complaint, answer="보수", now=seoul(2026, 10, 12, 15))
    first = complaint_reopen(actor=citizen, complaint=first, reason="그대로입니다.", now=seoul(2026, 10, 13))
    complaint_reopen(actor=citizen, complaint=second, reason="그대로입니다.", now=seoul(2026, 10, 13))
    rollups_rebuild(now=seoul(2026, 10, 14))
    counts = day_counts(date(2026, 10, 12))
    assert (counts["handled"], counts["open_now"], counts["reopened"]) == (1, 2, 0)
    # The first answered again: handled 2, of which 1 after an additional answer was requested.
    complaint_answer(actor=roads_official, complaint=first, answer="다시 보수", now=seoul(2026, 10, 15))
    rollups_rebuild(now=seoul(2026, 10, 16))
    counts = day_counts(date(2026, 10, 12))
    assert (counts["handled"], counts["open_now"], counts["reopened"]) == (2, 1, 1)


def test_a_rejection_at_triage_without_a_deadline_is_handled_on_time(intake_desk, citizen, roads_official,
                                                                     file_complaint):  # fmt: skip
    from complaints.services.intake import Filer, complaint_file_for_triage

    unclear = complaint_file_for_triage(channel="sms", description="...", filer=Filer(citizen=citizen),
                                        now=seoul(2026, 10, 12))  # fmt: skip
    assert unclear.due_at is None
    complaint_reject(actor=intake_desk, complaint=unclear, reason="내용이 불명확합니다.", remedy="행정심판",
                     now=seoul(2026, 10, 12, 15))  # fmt: skip
    late = file_complaint(now=seoul(2026, 10, 12))  # due 20 October 18:00, answered on the 21st: late
    complaint_answer(actor=roads_official, complaint=late, answer="보수", now=seoul(2026, 10, 21))
    rollups_rebuild(now=seoul(2026, 10, 25))
    counts = day_counts(date(2026, 10, 12))
    assert (counts["handled"], counts["handled_on_time"]) == (2, 1)


def test_a_rebuild_replaces_month_by_month_and_drops_what_lies_outside(file_complaint, roads, pothole):
    file_complaint(now=seoul(2026, 8, 20))
    file_complaint(now=seoul(2026, 10, 12))
    rollups_rebuild(now=seoul(2026, 10, 25))
    # Rows of a day and a month no complaint covers any more (a complaint deleted outright).
    stale = {"category": pothole, "unit": roads, "channel": "web", "received": 7}
    DailyRollup.objects.create(day=date(2025, 1, 9), **stale)
    MonthlyRollup.objects.create(month=date(2025, 1, 1), **stale)
    seen = []

    def progress(message):
        # While August is being replaced, October's rows of the previous rebuild still answer.
        seen.append((message[:7], day_counts(date(2026, 10, 12))["received"],
                     MonthlyRollup.objects.filter(month=date(2026, 10, 1)).count()))  # fmt: skip

    rollups_rebuild(progress=progress, now=seoul(2026, 10, 25))
    assert seen == [("2026-08", 1, 1), ("2026-09", 1, 1), ("2026-10", 1, 1)]
    assert not DailyRollup.objects.filter(day=date(2025, 1, 9)).exists()
    assert not MonthlyRollup.objects.filter(month=date(2025, 1, 1)).exists()
    assert MonthlyRollup.objects.aggregate(received=Sum("received")) == {"received": 2}


def test_a_rebuild_without_complaints_empties_the_rollups(pothole, roads, db):
    DailyRollup.objects.create(day=date(2025, 1, 9), category=pothole, unit=roads, channel="web", received=1)
    MonthlyRollup.objects.create(month=date(2025, 1, 1), category=pothole, unit=roads, channel="web", received=1)
    rollups_rebuild(now=seoul(2026, 10, 25))
    assert not DailyRollup.objects.exists() and not MonthlyRollup.objects.exists()
    assert RollupState.objects.get(name="counts").rebuilt_at == seoul(2026, 10, 25)


# Recounts of the same day (or map week) at once, on PostgreSQL: the second waits for the first
# instead of crashing on the rows' unique constraint. The first is held inside its transaction,
# just after it wrote a day's (a week's) rows, until the second queues on a lock.


def _race(first_call, second_call, pause):
    from tests import race_support
    from tests.race_support import wait_for_lock_waiters

    outcome = {}
    first = race_support.start("first", first_call, outcome, refusals=())
    assert pause.reached.wait(timeout=30), "the first recount never reached its pause"
    second = race_support.start("second", second_call, outcome, refusals=())
    try:
        wait_for_lock_waiters(1)
    finally:
        pause.release.set()
        first.join(timeout=60)
        second.join(timeout=60)
    return outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["rebuild", "refresh"])
def test_a_recount_while_a_rebuild_holds_the_same_day_waits_for_it(
    second, file_complaint, roads_official, cell_weeks, monkeypatch
):  # fmt: skip
    from complaints.services import rollups
    from tests.race_support import Pause

    complaint = _file(file_complaint, seoul(2026, 10, 1))
    _file(file_complaint, seoul(2026, 10, 1, 11))
    rollups_rebuild(now=seoul(2026, 10, 1, 12))
    # A change the refresh must recount: the answer finishes the complaint on 1 October.
    _at(seoul(2026, 10, 1, 15), complaint_answer, actor=roads_official, complaint=complaint, answer="보수")
    pause = Pause("first")
    # The rebuild (the first) is held just after it wrote October's days.
    monkeypatch.setattr(rollups, "_recount_days", pause.wrap(rollups._recount_days))
    calls = {"rebuild": lambda: rollups_rebuild(now=seoul(2026, 10, 2)),
             "refresh": lambda: rollups_refresh(now=seoul(2026, 10, 2))}  # fmt: skip
    outcome = _race(calls["rebuild"], calls[second], pause)
    assert not isinstance(outcome["first"], tuple), outcome["first"]
    assert not isinstance(outcome["second"], tuple), outcome["second"]
    assert nonzero(day_counts(date(2026, 10, 1))) == {
        "received": 2, "finished": 1, "handled": 1, "handled_on_time": 1, "open_now": 1, "days_0": 1,
    }  # fmt: skip
    assert MonthlyRollup.objects.get(month=date(2026, 10, 1)).finished == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_recounts_of_the_same_map_week_at_once(file_complaint, monkeypatch):
    from complaints.models import CellRollup
    from tests.race_support import Pause

    file_complaint(now=seoul(2026, 10, 12))
    file_complaint(now=seoul(2026, 10, 14))
    pause = Pause("first")
    manager = CellRollup.objects
    monkeypatch.setattr(manager, "bulk_create", pause.wrap(manager.bulk_create))
    monday = date(2026, 10, 12)
    outcome = _race(lambda: cells.cells_refresh_weeks([monday]), lambda: cells.cells_refresh_weeks([monday]), pause)
    assert outcome == {"first": 1, "second": 1}
    assert list(CellRollup.objects.values_list("week", "count")) == [(monday, 2)]


def test_the_migrations_backfill_takes_a_refusals_finish_from_its_move_event(file_complaint, roads_official):
    from importlib import import_module

    from django.apps import apps

    from complaints.models import Complaint

    backfill = import_module("complaints.migrations.0005_analysis_rollups_trends_alerts").backfill_finished_at
    rejected = file_complaint(now=seoul(2026, 10, 12))
    complaint_reject(actor=roads_official, complaint=rejected, reason="사유지입니다.", remedy="행정심판",
                     now=seoul(2026, 10, 13))  # fmt: skip
    original = file_complaint(now=seoul(2026, 10, 12))
    merged = file_complaint(now=seoul(2026, 10, 12))
    complaint_mark_duplicate(actor=roads_official, complaint=merged, original=original, now=seoul(2026, 10, 14))
    answered = file_complaint(now=seoul(2026, 10, 12))
    complaint_answer(actor=roads_official, complaint=answered, answer="보수", now=seoul(2026, 10, 15))
    # As before the column existed, and written again later (a note, a new follower).
    Complaint.objects.update(finished_at=None, updated_at=seoul(2026, 11, 2))
    backfill(apps, None)
    finished = dict(Complaint.objects.values_list("pk", "finished_at"))
    assert finished == {rejected.pk: seoul(2026, 10, 13), original.pk: None, merged.pk: seoul(2026, 10, 14),
                        answered.pk: seoul(2026, 10, 15)}  # fmt: skip
