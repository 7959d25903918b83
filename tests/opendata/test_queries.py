"""Every file is read in one query (a server-side cursor read in chunks), whatever its rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.opendata.conftest import make_citizen_with_pii, tally


def _complaints(count):
    from complaints.models import Complaint

    start = Complaint.objects.count()
    Complaint.objects.bulk_create(
        Complaint(tracking_number=f"2026-9{start + index:06d}", channel="sms", description="문자 민원", is_public=index % 2 == 0)
        for index in range(count)
    )


def _proposals(count):
    from proposals.models import Category, Proposal

    author = _author()
    category, _created = Category.objects.get_or_create(slug="q", defaults={"name_ko": "질의", "name_en": "Q"})
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(author=author, title=f"제안 {index}", body="본문", category=category, status="open", published_at=now,
                 window_opens_at=now, window_closes_at=now + timedelta(days=30))  # fmt: skip
        for index in range(count)
    )


def _author():
    from citizens.models import Citizen

    return Citizen.objects.filter(name="홍길동").first() or make_citizen_with_pii()


def _polls(count):
    from voting.models import Poll, PollOption

    now = timezone.now()
    for index in range(count // 2):
        poll = Poll.objects.create(kind="policy", status="closed", title=f"투표 {index}", opens_at=now - timedelta(days=2),
                                   closes_at=now - timedelta(days=1), opened_at=now - timedelta(days=2),
                                   closed_at=now - timedelta(days=1))  # fmt: skip
        PollOption.objects.bulk_create([PollOption(poll=poll, position=1, label="예"), PollOption(poll=poll, position=2, label="아니오")])
        tally(poll, {0: 3, 1: 2, 2: 1})


def _projects(count):
    from budgeting.models import Cycle, Pot, Project

    cycle, _created = Cycle.objects.get_or_create(year=2024, is_simulation=False, defaults={"title_ko": "2024"})
    pot, _created = Pot.objects.get_or_create(cycle=cycle, district=None,
                                              defaults={"name_ko": "시 전체", "total": 10**9, "project_cap": 10**8})
    Project.objects.bulk_create(
        Project(cycle=cycle, pot=pot, title=f"사업 {index}", estimated_cost=1000, status="submitted",
                submitted_at=timezone.now())  # fmt: skip
        for index in range(count)
    )


def _meetings(count):
    from governance.models import AgendaItem, Committee, Meeting

    committee, _created = Committee.objects.get_or_create(
        slug="q-committee", defaults={"kind": "other", "name_ko": "위원회", "name_en": "Committee", "max_members": 9}
    )
    start = Meeting.objects.filter(committee=committee).count()
    meetings = Meeting.objects.bulk_create(
        Meeting(committee=committee, number=start + index + 1, title_ko="회의", starts_at=timezone.now(), status="held",
                minutes_status="approved", minutes_approved_at=timezone.now())  # fmt: skip
        for index in range(count)
    )
    AgendaItem.objects.bulk_create(AgendaItem(committee=committee, meeting=meeting, title_ko="안건") for meeting in meetings)


GROW = {
    "complaints": _complaints, "proposals": _proposals, "polls": _polls, "poll_results": _polls,
    "budget_projects": _projects, "committee_meetings": _meetings, "committee_agenda": _meetings,
}  # fmt: skip


def _queries_and_rows(client, slug, extension):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"opendata:{extension}", args=[slug]))
        body = b"".join(response.streaming_content)
    return len(queries), body.count(b"\n") if extension == "csv" else body.count(b"},{") + 1


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["csv", "json"])
@pytest.mark.parametrize("slug", sorted(GROW))
def test_queries_do_not_grow_with_the_rows(client, slug, extension):
    GROW[slug](10)
    small, small_rows = _queries_and_rows(client, slug, extension)
    GROW[slug](190)
    large, large_rows = _queries_and_rows(client, slug, extension)
    assert large_rows > small_rows >= 5
    assert small == large
    assert large <= 1
