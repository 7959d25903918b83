"""The public list of answers the departments owe: days overdue, the longest first, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal
from proposals.selectors.proposals import days_overdue

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def overdue(make_proposal, title, days):
    today = timezone.localdate()
    due = today - timedelta(days=days)
    return make_proposal(
        title=title,
        status=Status.UNDER_REVIEW,
        answer_due_on=due,
        answer_overdue_since=due + timedelta(days=1) if days > 0 else None,
    )


def test_most_overdue_first_with_days_overdue(client, make_proposal):
    overdue(make_proposal, "늦은 제안", 3)
    overdue(make_proposal, "아주 늦은 제안", 12)
    overdue(make_proposal, "아직 기한 안", -5)
    make_proposal(title="답변 완료", status=Status.ANSWERED)
    response = client.get(reverse("proposals:awaiting_answer"))
    assert response.status_code == 200
    rows = response.context["proposals"]
    assert [(row.title, row.days_overdue) for row in rows] == [
        ("아주 늦은 제안", 12),
        ("늦은 제안", 3),
        ("아직 기한 안", 0),
    ]
    page = response.content.decode()
    assert "12 days overdue" in page and "3 days overdue" in page and "on time" in page
    assert "답변 완료" not in page


def test_days_overdue_counts_from_the_flag_and_from_the_due_date_before_the_clock_ran(make_proposal):
    today = timezone.localdate()
    flagged = overdue(make_proposal, "a", 1)
    assert days_overdue(flagged, today) == 1  # the first overdue day is day 1
    unflagged = make_proposal(status=Status.UNDER_REVIEW, answer_due_on=today - timedelta(days=2))
    assert days_overdue(unflagged, today) == 2
    due_today = make_proposal(status=Status.UNDER_REVIEW, answer_due_on=today)
    assert days_overdue(due_today, today) == 0


def test_the_page_costs_the_same_queries_for_2_or_25_proposals(client, make_proposal):
    for number in range(2):
        overdue(make_proposal, f"p{number}", number + 1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("proposals:awaiting_answer"))
    for number in range(23):
        overdue(make_proposal, f"q{number}", number + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("proposals:awaiting_answer"))
    assert len(many) == len(few) <= 2
