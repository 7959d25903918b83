"""Review fixes of implementation tracking: the unit that answered a proposal keeps its milestones in
the admin without Django model permissions (the rules predicates decide); the public timeline shows
the implementation; implemented_at is the day the last milestone was completed; the notices suit
followers as well as the proposer."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from governance.models import OrgUnit
from notifications.kinds import get_kind
from proposals.models import Milestone, Proposal
from proposals.selectors.proposals import proposal_detail, proposal_timeline
from proposals.services.implementation import milestone_add, milestone_update

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

M = Milestone.Status
SEOUL = ZoneInfo("Asia/Seoul")
MILESTONES = reverse("admin:proposals_milestone_changelist")
MILESTONE_ADD = reverse("admin:proposals_milestone_add")


def change_url(milestone):
    return reverse("admin:proposals_milestone_change", args=[milestone.pk])


@pytest.fixture
def milestone(accepted, official):
    return milestone_add(
        actor=official, proposal=accepted, title="노선 설계", due_on=TODAY + timedelta(days=30), now=NOW
    )


@pytest.fixture
def office(make_citizen):
    """Proposals office staff (Django permissions on proposals only, no unit)."""
    person = make_citizen(is_staff=True)
    for codename in ("view_proposal", "change_proposal"):
        person.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename=codename))
    return Citizen.objects.get(pk=person.pk)


@pytest.fixture
def roles(official, official_elsewhere, superuser, office, make_citizen):
    return {
        "official_of_unit": official,  # no Django permission at all: the rules decide
        "official_elsewhere": official_elsewhere,
        "office": office,
        "staff_without_unit": make_citizen(is_staff=True),
        "superuser": superuser,
    }


# --- 1. The admin follows the rules predicates ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "list_status", "change_status", "may_change"),
    [
        ("official_of_unit", 200, 200, True),
        ("official_elsewhere", 200, 302, False),  # their list is empty; another unit's milestone is not theirs
        ("office", 403, 403, False),
        ("staff_without_unit", 403, 403, False),
        ("superuser", 200, 200, True),
    ],
)
def test_who_opens_the_milestone_admin(role, list_status, change_status, may_change, client, roles, milestone):
    client.force_login(roles[role], backend=PASSWORD_BACKEND)

    assert client.get(MILESTONES).status_code == list_status
    response = client.get(change_url(milestone))
    assert response.status_code == change_status
    if change_status == 200:
        assert response.context["has_change_permission"] is may_change


def test_the_unit_keeps_the_implementation_without_model_permissions(client, official, accepted, milestone):
    client.force_login(official, backend=PASSWORD_BACKEND)

    listing = client.get(MILESTONES)
    assert [row.pk for row in listing.context["cl"].result_list] == [milestone.pk]
    assert client.get(MILESTONE_ADD + f"?proposal={accepted.pk}").status_code == 200
    response = client.post(
        MILESTONE_ADD,
        {"proposal": accepted.pk, "title": "예산 확보", "description": "", "due_on": "2030-01-31"},
    )
    assert response.status_code == 302
    response = client.post(
        change_url(milestone),
        {
            "title": milestone.title,
            "description": "",
            "due_on": milestone.due_on.isoformat(),
            "status": M.IN_PROGRESS,
            "progress": "40",
            "completed_on": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (M.IN_PROGRESS, 40)


def test_the_scope_is_the_direct_units_not_the_units_below(client, official, unit, milestone):
    """The official of a bureau does not keep the milestones of a proposal assigned to a division
    below it (as in the proposal admin: the unit that answers keeps the implementation)."""
    division = OrgUnit.objects.create(
        code="smart-mobility", kind=OrgUnit.Kind.DIVISION, parent=unit, name_ko="스마트교통과", name_en="Smart Mobility"
    )
    Proposal.objects.filter(pk=milestone.proposal_id).update(assigned_unit=division)
    client.force_login(official, backend=PASSWORD_BACKEND)

    assert list(client.get(MILESTONES).context["cl"].result_list) == []
    assert client.get(change_url(milestone)).status_code == 302


@pytest.mark.parametrize(
    ("role", "inline", "add_link"),
    [("official_of_unit", True, True), ("office", True, False), ("superuser", True, True)],
)
def test_the_proposal_page_shows_the_milestones_and_the_add_link(role, inline, add_link, client, roles, milestone):
    client.force_login(roles[role], backend=PASSWORD_BACKEND)

    response = client.get(reverse("admin:proposals_proposal_change", args=[milestone.proposal_id]))

    assert response.status_code == 200
    page = response.content.decode()
    assert ("노선 설계" in page) is inline
    assert (reverse("admin:proposals_milestone_add") in page) is add_link


# --- 2. The timeline shows the implementation ----------------------------------------------------


def complete(milestone, official, *, on, now=NOW):
    return milestone_update(actor=official, milestone=milestone, status=M.DONE, progress=100, completed_on=on, now=now)


def test_the_timeline_lists_the_milestones_done_and_the_completion(client, accepted, official, milestone):
    second = milestone_add(actor=official, proposal=accepted, title="시범 운행", due_on=TODAY, now=NOW)
    complete(milestone, official, on=TODAY - timedelta(days=5))
    complete(second, official, on=TODAY - timedelta(days=2))

    timeline = proposal_timeline(proposal_detail(official, accepted.pk))

    implementation = [(entry.kind, entry.at) for entry in timeline if entry.kind in {"milestone", "implemented"}]
    start = datetime.combine(TODAY - timedelta(days=2), time.min, tzinfo=SEOUL)
    assert implementation == [
        ("milestone", datetime.combine(TODAY - timedelta(days=5), time.min, tzinfo=SEOUL)),
        ("milestone", start),
        ("implemented", start),
    ]
    assert timeline[-1].kind == "implemented"  # after every stage of the answer

    page = client.get(reverse("proposals:detail", args=[accepted.pk])).content.decode()
    section = page[page.index('id="timeline"') :]
    assert "Implementation milestone completed: 노선 설계" in section
    assert "Implementation milestone completed: 시범 운행" in section
    assert "Implementation completed: every milestone is done" in section
    assert (TODAY - timedelta(days=5)).isoformat() in section


def test_milestones_not_done_are_not_on_the_timeline(accepted, official, milestone):
    milestone_update(actor=official, milestone=milestone, status=M.IN_PROGRESS, progress=50, now=NOW)

    kinds = {entry.kind for entry in proposal_timeline(proposal_detail(official, accepted.pk))}

    assert kinds.isdisjoint({"milestone", "implemented"})


def test_the_timeline_costs_one_query_at_any_number_of_milestones(accepted, official):
    def timeline_queries():
        proposal = proposal_detail(official, accepted.pk)
        with CaptureQueriesContext(connection) as captured:
            proposal_timeline(proposal)
        return len(captured)

    for number in range(2):
        complete(
            milestone_add(actor=official, proposal=accepted, title=f"단계 {number}", due_on=TODAY, now=NOW),
            official,
            on=TODAY,
        )
    few = timeline_queries()
    for number in range(2, 12):
        complete(
            milestone_add(actor=official, proposal=accepted, title=f"단계 {number}", due_on=TODAY, now=NOW),
            official,
            on=TODAY,
        )
    assert timeline_queries() == few == 1


def test_a_proposal_not_accepted_costs_no_query_for_the_implementation(published, official):
    proposal = proposal_detail(official, published.pk)
    with CaptureQueriesContext(connection) as captured:
        proposal_timeline(proposal)
    assert len(captured) == 0


# --- 3. implemented_at is when the last milestone was completed ----------------------------------


def test_implemented_at_is_the_start_of_the_last_completion_day_in_seoul(accepted, official, milestone):
    second = milestone_add(actor=official, proposal=accepted, title="시범 운행", due_on=TODAY, now=NOW)
    complete(second, official, on=TODAY - timedelta(days=3))
    complete(milestone, official, on=TODAY - timedelta(days=7))  # the last one recorded, done earlier

    accepted.refresh_from_db()
    assert accepted.implemented_at == datetime.combine(TODAY - timedelta(days=3), time.min, tzinfo=SEOUL)


def test_implemented_at_keeps_the_time_of_the_update_when_completed_today(accepted, official, milestone):
    now = datetime.combine(TODAY, time(15, 30), tzinfo=SEOUL)
    complete(milestone, official, on=None, now=now)

    accepted.refresh_from_db()
    assert accepted.implemented_at == now


def test_correcting_the_completion_date_moves_implemented_at(accepted, official, milestone):
    complete(milestone, official, on=TODAY - timedelta(days=1))
    complete(milestone, official, on=TODAY - timedelta(days=4))

    accepted.refresh_from_db()
    assert accepted.implemented_at == datetime.combine(TODAY - timedelta(days=4), time.min, tzinfo=SEOUL)
    assert Proposal.objects.filter(pk=accepted.pk, implementation_progress=100).exists()


# --- 4. The notices suit followers as well as the proposer ---------------------------------------

PROPOSER_ONLY = ["your proposal", "Thank you for proposing", "제안하신", "제안해 주셔서"]


@pytest.mark.parametrize(
    ("kind", "added"), [("proposal_milestone", True), ("proposal_milestone", False), ("proposal_implemented", False)]
)
def test_the_notices_do_not_assume_the_reader_made_the_proposal(kind, added):
    context = {
        "proposal_id": 7,
        "title": "심야 버스",
        "milestone": "노선 설계",
        "status_label": M.DONE.label,
        "progress": 100,
        "overall_progress": 100,
        "due_on": date(2026, 12, 1),
        "completed_on": date(2026, 12, 2),
        "added": added,
        "note": "",
        "implemented_on": date(2026, 12, 2),
    }
    spec = get_kind(kind)
    for language in ("ko", "en"):
        with translation.override(language):
            for channel in spec.channels:
                subject, body = spec.render(channel, context, language=language)
                for words in PROPOSER_ONLY:
                    assert words not in subject + body, (language, channel, words)
