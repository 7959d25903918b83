"""The proposals' back office: who sees which proposals, the read-only page and its buttons."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from citizens.backends import PHONE_CODE_BACKEND
from governance.models import OrgAssignment
from proposals.models import Assignment, Proposal, StageChange, Support
from proposals.services import proposal_publish, proposal_support, proposal_withdraw_support

from ..conftest import PUBLISHED_AT
from .conftest import admin_login

pytestmark = pytest.mark.django_db

S = Proposal.Status
CHANGELIST = reverse("admin:proposals_proposal_changelist")


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def listed(response):
    return sorted(proposal.title for proposal in response.context["cl"].result_list)


@pytest.fixture
def every_stage(make_proposal, unit, other_unit):
    return {
        "review": make_proposal(S.UNDER_REVIEW, title="review"),
        "answered": make_proposal(S.ANSWERED, title="answered"),
        "elsewhere": make_proposal(S.UNDER_REVIEW, unit=other_unit, title="elsewhere"),
        "draft": make_proposal(S.DRAFT, title="draft"),
        "open": make_proposal(S.OPEN, title="open"),
        "closed": make_proposal(S.CLOSED_INSUFFICIENT, title="closed"),
    }


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("official", ["answered", "review"]),
        ("other_official", ["elsewhere"]),
        ("office", ["answered", "closed", "elsewhere", "open", "review"]),
        ("superuser", ["answered", "closed", "draft", "elsewhere", "open", "review"]),
    ],
)
def test_each_official_sees_the_proposals_of_their_units(client, every_stage, role, expected, request):
    admin_login(client, request.getfixturevalue(role))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize("role", ["official", "office", "other_official"])
def test_a_draft_is_never_shown_to_officials(client, every_stage, role, request):
    admin_login(client, request.getfixturevalue(role))
    response = client.get(change_url(every_stage["draft"]))
    assert response.status_code == 302  # the admin's "no such object"
    assert client.get(reverse("admin:proposals_proposal_answer", args=[every_stage["draft"].pk])).status_code == 404


def test_a_proposal_of_another_unit_cannot_be_opened(client, every_stage, official):
    admin_login(client, official)
    assert client.get(change_url(every_stage["elsewhere"])).status_code == 302
    assert client.get(change_url(every_stage["review"])).status_code == 200


def test_an_official_whose_assignment_ended_sees_nothing(client, every_stage, official):
    OrgAssignment.objects.filter(official=official).update(ended_on=date.today() - timedelta(days=1))
    admin_login(client, official)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(every_stage["review"])).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_answer", args=[every_stage["review"].pk])).status_code == 404


def test_the_back_office_lists_proposals_for_a_serving_official(client, official):
    admin_login(client, official)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert CHANGELIST in response.content.decode()
    # Categories are the office's: an official without that permission does not see them.
    assert reverse("admin:proposals_category_changelist") not in response.content.decode()


def test_staff_outside_any_unit_without_permissions_cannot_open_the_list(client, make_citizen):
    admin_login(client, make_citizen(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403


def test_citizens_and_sms_sessions_are_sent_to_the_login(client, make_citizen, official):
    admin_login(client, make_citizen())
    assert client.get(CHANGELIST).status_code == 302
    client.logout()
    client.force_login(official, backend=PHONE_CODE_BACKEND)  # a code alone never opens the back office
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- the page ---------------------------------------------------------------------------------


def test_the_page_is_read_only(client, make_proposal, official, office):
    proposal = make_proposal(S.UNDER_REVIEW)
    for user in (official, office):
        admin_login(client, user)
        response = client.get(change_url(proposal))
        assert response.status_code == 200
        content = response.content.decode()
        assert 'name="status"' not in content
        assert 'name="_save"' not in content
        assert proposal.title in content
        response = client.post(change_url(proposal), {"status": S.ANSWERED, "title": "바뀐 제목"})
        assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.status, proposal.title) == (S.UNDER_REVIEW, "제안 1")
    assert client.get(reverse("admin:proposals_proposal_add")).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_delete", args=[proposal.pk])).status_code == 403


def test_a_superuser_cannot_edit_fields_either(client, make_proposal, superuser):
    proposal = make_proposal(S.AWAITING_MAYOR)
    admin_login(client, superuser)
    assert client.post(change_url(proposal), {"status": S.MAYOR_ANSWERED}).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == S.AWAITING_MAYOR


def test_the_page_shows_the_timeline_and_assignments_but_no_supporters(
    client, draft, author, official, unit, other_unit, supporters
):
    proposal = proposal_publish(author=author, proposal=draft, now=PUBLISHED_AT)
    backers = supporters(3)
    for citizen in backers:
        proposal_support(citizen=citizen, proposal=proposal, now=PUBLISHED_AT + timedelta(hours=1))
    proposal_withdraw_support(citizen=backers[0], proposal=proposal, now=PUBLISHED_AT + timedelta(hours=2))
    proposal = Proposal.objects.get(pk=proposal.pk)
    Proposal.objects.filter(pk=proposal.pk).update(
        status=S.UNDER_REVIEW, assigned_unit=unit, answer_due_on=date(2026, 5, 1)
    )
    StageChange.objects.create(
        proposal=proposal, from_status=S.OPEN, to_status=S.UNDER_REVIEW, at=PUBLISHED_AT + timedelta(days=30)
    )
    Assignment.objects.create(proposal=proposal, unit=unit, assigned_at=PUBLISHED_AT + timedelta(days=30))
    admin_login(client, official)
    response = client.get(change_url(proposal))
    content = response.content.decode()
    assert response.status_code == 200
    assert unit.name_ko in content
    inline_models = [formset.formset.model for formset in response.context["inline_admin_formsets"]]
    assert inline_models[:2] == [StageChange, Assignment]
    assert Support not in inline_models
    # The counts, not the people: 2 active supports, 1 withdrawn.
    readonly = {
        field.field["name"]: field.contents()
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
    }
    assert (readonly["support_count"], readonly["withdrawn_supports"]) == ("2", "1")
    for citizen in backers:
        assert citizen.masked_phone not in content


def test_an_overdue_answer_is_flagged_on_the_page(client, make_proposal, official):
    today = date.today()
    proposal = make_proposal(
        S.UNDER_REVIEW, answer_due_on=today - timedelta(days=5), answer_overdue_since=today - timedelta(days=4)
    )
    admin_login(client, official)
    response = client.get(change_url(proposal))
    assert response.context["days_overdue"] == 5
    assert 'class="errornote"' in response.content.decode()


# --- the buttons -------------------------------------------------------------------------------

# Which buttons each role sees on a proposal in each stage (the state and the predicate together).
BUTTONS = {
    ("official", S.UNDER_REVIEW): {"answer", "reassign"},
    ("official", S.ANSWERED): set(),
    ("official", S.IN_DEBATE): set(),
    ("official", S.AWAITING_MAYOR): set(),
    ("office", S.OPEN): set(),
    ("office", S.UNDER_REVIEW): {"reassign"},
    ("office", S.ANSWERED): {"promote"},
    ("office", S.CLOSED_INSUFFICIENT): {"promote"},
    ("office", S.IN_DEBATE): set(),
    ("office", S.AWAITING_MAYOR): {"mayor_answer"},
    ("office", S.MAYOR_ANSWERED): set(),
    ("superuser", S.DRAFT): set(),
    ("superuser", S.UNDER_REVIEW): {"answer", "reassign"},
    ("superuser", S.ANSWERED): {"promote"},
    ("superuser", S.CLOSED_INSUFFICIENT): {"promote"},
    ("superuser", S.AWAITING_MAYOR): {"mayor_answer"},
    ("superuser", S.DEBATE_CLOSED): set(),
}
MOVE_URLS = ["answer", "reassign", "promote", "mayor_answer"]


@pytest.mark.parametrize(("role", "status"), sorted(BUTTONS))
def test_a_button_shows_when_the_role_may_and_the_stage_allows(client, make_proposal, role, status, request):
    proposal = make_proposal(status)
    admin_login(client, request.getfixturevalue(role))
    response = client.get(change_url(proposal))
    assert response.status_code == 200
    content = response.content.decode()
    shown = {name for name in MOVE_URLS if reverse(f"admin:proposals_proposal_{name}", args=[proposal.pk]) in content}
    assert shown == BUTTONS[(role, status)]


# --- milestones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer_type", "shown"),
    [("accepted", True), ("partially_accepted", True), ("not_accepted", False), ("already_in_place", False)],
)
def test_the_milestones_show_for_an_accepted_answer(client, make_proposal, superuser, answer_type, shown):
    from proposals.models import Milestone

    proposal = make_proposal(S.ANSWERED, answer_type=answer_type)
    admin_login(client, superuser)
    response = client.get(change_url(proposal))
    assert response.status_code == 200
    inline_models = [formset.formset.model for formset in response.context["inline_admin_formsets"]]
    assert (Milestone in inline_models) is shown
