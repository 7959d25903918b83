"""The proposals' list in the back office: columns, filters, the overdue flag, and a query count
that does not grow with the number of proposals."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from citizens.models import District
from proposals.admin.proposals import days_overdue
from proposals.models import Category, Proposal

from .conftest import admin_login

pytestmark = pytest.mark.django_db

S = Proposal.Status
CHANGELIST = reverse("admin:proposals_proposal_changelist")


def titles(response):
    return [proposal.title for proposal in response.context["cl"].result_list]


@pytest.fixture
def overdue_and_on_time(make_proposal):
    today = timezone.localdate()
    return {
        "late-3": make_proposal(
            S.UNDER_REVIEW,
            title="late-3",
            answer_due_on=today - timedelta(days=3),
            answer_overdue_since=today - timedelta(days=2),
        ),
        "late-20": make_proposal(
            S.UNDER_REVIEW,
            title="late-20",
            answer_due_on=today - timedelta(days=20),
            answer_overdue_since=today - timedelta(days=19),
        ),
        "on-time": make_proposal(S.UNDER_REVIEW, title="on-time", answer_due_on=today + timedelta(days=10)),
        "answered": make_proposal(S.ANSWERED, title="answered"),
    }


def test_days_overdue_counts_the_first_overdue_day_as_one():
    proposal = Proposal(answer_overdue_since=date(2026, 5, 2))
    assert days_overdue(proposal, today=date(2026, 5, 2)) == 1
    assert days_overdue(proposal, today=date(2026, 5, 31)) == 30
    assert days_overdue(Proposal(), today=date(2026, 5, 31)) is None


def overdue_text(days):
    with translation.override("ko"):
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


def test_the_list_shows_the_most_overdue_first(client, overdue_and_on_time, official):
    admin_login(client, official)
    response = client.get(CHANGELIST)
    assert titles(response)[:2] == ["late-20", "late-3"]
    content = response.content.decode()
    assert content.count('class="proposals-overdue"') == 2
    assert overdue_text(20) in content and overdue_text(3) in content


def test_the_overdue_column_shows_the_days(client, overdue_and_on_time, official):
    admin_login(client, official)
    cl = client.get(CHANGELIST).context["cl"]
    with translation.override("ko"):
        flags = {proposal.title: str(cl.model_admin.overdue_flag(proposal)) for proposal in cl.result_list}
    assert overdue_text(20) in flags["late-20"] and overdue_text(3) in flags["late-3"]
    assert flags["on-time"] == flags["answered"] == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", ["late-20", "late-3"]), ("no", ["on-time"]), (None, ["late-20", "late-3", "answered", "on-time"])],
)
def test_the_overdue_filter(client, overdue_and_on_time, official, value, expected):
    admin_login(client, official)
    response = client.get(CHANGELIST, {"overdue": value} if value else {})
    assert response.status_code == 200
    listed = titles(response)
    if value is None:
        assert listed[:2] == expected[:2] and sorted(listed[2:]) == sorted(expected[2:])
    else:
        assert listed == expected


def test_sorting_by_the_overdue_column_puts_the_most_overdue_first(client, overdue_and_on_time, official):
    admin_login(client, official)
    column = list(client.get(CHANGELIST).context["cl"].list_display).index("overdue_flag")
    assert titles(client.get(CHANGELIST, {"o": str(column)}))[:2] == ["late-20", "late-3"]


def test_the_list_filters_by_status_category_unit_and_district_and_searches_titles(
    client, make_proposal, office, other_unit, category
):
    gangnam = District.objects.get(code="11680")
    welfare = Category.objects.create(slug="welfare", name_ko="복지", name_en="Welfare")
    make_proposal(S.UNDER_REVIEW, title="심야 버스", district=gangnam)
    make_proposal(S.ANSWERED, title="공원 조성", category=welfare)
    make_proposal(S.UNDER_REVIEW, unit=other_unit, title="자전거 도로")
    admin_login(client, office)
    assert titles(client.get(CHANGELIST, {"status__exact": "answered"})) == ["공원 조성"]
    assert titles(client.get(CHANGELIST, {"category__id__exact": welfare.pk})) == ["공원 조성"]
    assert titles(client.get(CHANGELIST, {"assigned_unit__id__exact": other_unit.pk})) == ["자전거 도로"]
    assert titles(client.get(CHANGELIST, {"district__code__exact": gangnam.pk})) == ["심야 버스"]
    assert titles(client.get(CHANGELIST, {"q": "버스"})) == ["심야 버스"]
    response = client.get(CHANGELIST, {"published_at__year": "2026"})
    assert response.status_code == 200 and len(titles(response)) == 3


def test_an_unknown_filter_value_is_not_an_error(client, make_proposal, office):
    make_proposal(S.UNDER_REVIEW)
    admin_login(client, office)
    assert client.get(CHANGELIST, {"overdue": "perhaps"}).status_code == 200
    assert client.get(CHANGELIST, {"status__exact": "nonsense"}).status_code == 200


# --- query counts --------------------------------------------------------------------------------


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["official", "office", "superuser"])
def test_the_list_costs_the_same_for_2_and_30_proposals(client, make_proposal, other_unit, role, request):
    admin_login(client, request.getfixturevalue(role))
    today = timezone.localdate()
    districts = list(District.objects.all()[:3])

    def add(count):
        for number in range(count):
            overdue = number % 2 == 0
            make_proposal(
                S.UNDER_REVIEW if number % 3 else S.ANSWERED,
                unit=other_unit if number % 5 == 4 else None,
                district=districts[number % 3],
                **({"answer_overdue_since": today - timedelta(days=number + 1)} if overdue and number % 3 else {}),
            )

    add(2)
    client.get(CHANGELIST)  # warm the session and the content types
    few = _count_queries(client, CHANGELIST)
    few_overdue = _count_queries(client, CHANGELIST, {"overdue": "yes"})
    add(28)
    many = _count_queries(client, CHANGELIST)
    many_overdue = _count_queries(client, CHANGELIST, {"overdue": "yes"})
    assert few == many
    assert few_overdue == many_overdue


def test_the_page_costs_the_same_for_a_short_and_a_long_history(client, make_proposal, office, unit, other_unit):
    from proposals.models import Assignment, StageChange

    from ..conftest import PUBLISHED_AT

    admin_login(client, office)
    proposal = make_proposal(S.UNDER_REVIEW)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    def add_history(count):
        for number in range(count):
            StageChange.objects.create(
                proposal=proposal,
                from_status=S.OPEN,
                to_status=S.UNDER_REVIEW,
                at=PUBLISHED_AT + timedelta(days=number),
                actor=office,
            )
            Assignment.objects.create(
                proposal=proposal,
                unit=unit if number % 2 else other_unit,
                assigned_at=PUBLISHED_AT + timedelta(days=number),
                assigned_by=office,
                reason=f"이관 {number}",
            )

    add_history(2)
    client.get(url)
    few = _count_queries(client, url)
    add_history(20)
    assert _count_queries(client, url) == few
