"""The back office of the vote: participations read-only (never the picks), and the paper-ballot
entry (finding the citizen by phone, the declaration on their behalf, each refusal shown)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from budgeting.models import BudgetBallot, BudgetParticipation, EligibilityDeclaration
from budgeting.services.ballots import ballot_cast
from citizens.backends import PASSWORD_BACKEND

from .conftest import books

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:budgeting_budgetparticipation_changelist"
PAPER = "admin:budgeting_budgetparticipation_paper_ballot"


@pytest.fixture(autouse=True)
def _admin_in_korean():
    with translation.override("ko"):
        yield


def admin_login(client, user):
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


def ko(msgid):
    with translation.override("ko"):
        return translation.gettext(msgid)


@pytest.fixture
def city(vote_cycle, make_project):
    return [make_project(vote_cycle, title=f"시 사업 {n}") for n in range(3)]


def paper(client, cycle, **data):
    return client.post(reverse(PAPER), {"cycle": cycle.pk, **data})


def test_ballots_are_not_in_the_back_office_and_participations_are_read_only(rf, superuser):
    assert BudgetBallot not in admin.site._registry
    model_admin = admin.site._registry[BudgetParticipation]
    request = rf.get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_list_shows_who_took_part_not_what_they_picked(client, official, vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    response = admin_login(client, official).get(reverse(CHANGELIST))
    assert response.status_code == 200
    page = response.content.decode()
    assert voter.masked_phone in page
    assert city[0].title not in page
    assert reverse(PAPER) in page


def test_officials_of_other_units_see_nothing(client, make_citizen, department_official, vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    response = admin_login(client, department_official).get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert voter.masked_phone not in response.content.decode()
    assert admin_login(client, department_official).get(reverse(PAPER)).status_code == 403
    assert admin_login(client, make_citizen(is_staff=True)).get(reverse(CHANGELIST)).status_code == 403


def test_the_official_enters_a_paper_ballot_and_sees_the_receipt_once(client, official, vote_cycle, voter, city):
    admin_login(client, official)
    form = client.get(reverse(PAPER))
    assert form.status_code == 200 and "시 사업 0" in form.content.decode()
    response = paper(client, vote_cycle, phone="010-7000-" + voter.phone_last4, projects=[city[0].pk, city[1].pk])
    assert response.status_code == 200, response.context["form"].errors if response.context.get("form") else ""
    assert response.context["receipt"]
    participation = BudgetParticipation.objects.get()
    assert (participation.citizen_id, participation.channel, participation.entered_by_id) == (
        voter.pk,
        "paper",
        official.pk,
    )
    assert sorted(BudgetBallot.objects.get().projects) == sorted([city[0].pk, city[1].pk])


def test_the_official_records_the_declaration_of_a_citizen_who_has_none(
    client, official, vote_cycle, participant, city
):
    citizen = participant()
    admin_login(client, official)
    response = paper(
        client, vote_cycle, phone=citizen.phone, projects=[city[0].pk], basis="resident", district="11680",
        not_public_official="on",
    )  # fmt: skip
    assert response.status_code == 200 and response.context["receipt"]
    assert EligibilityDeclaration.objects.get(citizen=citizen).district_id == "11680"


def test_a_citizen_without_a_declaration_needs_one(client, official, vote_cycle, participant, city):
    citizen = participant()
    admin_login(client, official)
    response = paper(client, vote_cycle, phone=citizen.phone, projects=[city[0].pk])
    assert response.status_code == 403
    assert ko("Declare on what basis you take part before you vote.") in response.content.decode()
    assert books(vote_cycle)["participations"] == 0


def test_a_citizen_who_voted_online_cannot_vote_on_paper(client, official, vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    before = books(vote_cycle)
    admin_login(client, official)
    response = paper(client, vote_cycle, phone=voter.phone, projects=[city[1].pk])
    assert response.status_code == 409
    assert ko("You have already voted in this cycle. A ballot cannot be changed.") in response.content.decode()
    assert books(vote_cycle) == before


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "This field is required."),
        ("hello", "Enter a mobile phone number such as 010-1234-5678."),
        (
            "010-9999-0000",
            "No account has this phone number: the citizen must sign in once with it to have a verified identity.",
        ),
    ],
)
def test_the_phone_must_find_a_citizen(client, official, vote_cycle, city, phone, message):
    admin_login(client, official)
    response = paper(client, vote_cycle, phone=phone, projects=[city[0].pk])
    assert response.status_code == 400
    assert ko(message) in response.content.decode()


def test_bad_picks_are_shown_on_the_form(client, official, vote_cycle, voter, city):
    admin_login(client, official)
    response = paper(client, vote_cycle, phone=voter.phone, projects=[])
    assert response.status_code == 400 and ko("Pick at least one project.") in response.content.decode()
    response = paper(client, vote_cycle, phone=voter.phone, projects=["abc"])
    assert response.status_code == 400
    assert books(vote_cycle)["participations"] == 0


def test_no_paper_ballots_outside_the_vote(client, official, make_cycle):
    make_cycle("assembly")
    assert admin_login(client, official).get(reverse(PAPER)).status_code == 403
