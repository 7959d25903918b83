"""The committee page shows how often the committee must meet and how this year's meetings compare."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from governance.services import meetings as meeting_services

from .test_committee_support import make_committee, path

pytestmark = pytest.mark.django_db


def _meeting(committee, starts_at, *, hold=False, cancel=False):
    meeting = meeting_services.meeting_schedule(actor=None, committee=committee, title_ko="정기회의",
                                                place_ko="서울시청", starts_at=starts_at)
    if hold:
        meeting_services.meeting_mark_held(actor=None, meeting=meeting)
    if cancel:
        meeting_services.meeting_cancel(actor=None, meeting=meeting)


@freeze_time("2025-06-15 12:00:00+09:00")
def test_the_page_counts_this_years_meetings_and_warns_when_too_few_are_planned(client):
    committee = make_committee(min_meetings_per_year=4)
    now = timezone.now()
    _meeting(committee, now - timedelta(days=30), hold=True)
    _meeting(committee, now + timedelta(days=30))
    _meeting(committee, now + timedelta(days=60), cancel=True)  # cancelled: not counted
    _meeting(committee, now - timedelta(days=365), hold=True)  # last year: not counted
    page = client.get(path("committee_detail", committee.slug, language="en")).content.decode()
    assert "meets at least 4 times a year" in page
    assert "Meetings in 2025" in page and "1 held, 1 scheduled" in page
    assert "Fewer meetings than required are planned this year: 2 of at least 4, 2 more to schedule." in page

    _meeting(committee, now + timedelta(days=90))
    _meeting(committee, now + timedelta(days=120))
    page = client.get(path("committee_detail", committee.slug, language="en")).content.decode()
    assert "1 held, 3 scheduled" in page and "Fewer meetings than required" not in page
