"""The Milestone admin through the test client: adds and changes go through the services, refusals
are form errors, officials see and change only their units' milestones; the proposal page lists
them (read-only inline) with a link to add one."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from notifications.models import Notification
from proposals.models import Milestone, Proposal
from proposals.services.implementation import milestone_add

from .conftest import NOW, answer

pytestmark = pytest.mark.django_db

M = Milestone.Status
PERMS = ["view_milestone", "add_milestone", "change_milestone", "view_proposal"]
ADD_URL = reverse("admin:proposals_milestone_add")


def with_perms(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename=codename))
    return Citizen.objects.get(pk=user.pk)


@pytest.fixture
def signed_in(client, official):
    client.force_login(with_perms(official, *PERMS), backend=PASSWORD_BACKEND)
    return client


def change_url(milestone):
    return reverse("admin:proposals_milestone_change", args=[milestone.pk])


def change_data(milestone, **values):
    data = {
        "title": milestone.title,
        "description": milestone.description,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status,
        "progress": str(milestone.progress),
        "completed_on": "",
        "note": "",
    }
    data.update(values)
    return data


def errors(response):
    return response.context["adminform"].form.errors


def soon():
    return (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def milestone(accepted, official):
    return milestone_add(actor=official, proposal=accepted, title="노선 설계", due_on=date(2026, 12, 1), now=NOW)


def test_the_add_form_takes_the_proposal_from_the_link(signed_in, accepted):
    response = signed_in.get(f"{ADD_URL}?proposal={accepted.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["proposal"] == str(accepted.pk)


def test_adding_goes_through_the_service(signed_in, accepted, author):
    response = signed_in.post(
        ADD_URL, {"proposal": accepted.pk, "title": "노선 설계", "description": "", "due_on": soon()}
    )
    assert response.status_code == 302, errors(response)
    milestone = Milestone.objects.get()
    assert (milestone.proposal_id, milestone.status, milestone.position) == (accepted.pk, M.PLANNED, 0)
    assert AuditEvent.objects.filter(action="proposal.milestone_add").count() == 1
    assert Notification.objects.filter(kind="proposal_milestone", citizen=author).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "<b>설계</b>"}, "title"),
        ({"title": "가" * 151}, "title"),
        ({"due_on": ""}, "due_on"),
        ({"due_on": "2099-01-01"}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"description": "<script>x</script>"}, "description"),
        ({"proposal": ""}, "proposal"),
        ({"proposal": "999999"}, "proposal"),
    ],
)
def test_bad_additions_are_form_errors(values, field, signed_in, accepted):
    data = {"proposal": accepted.pk, "title": "노선 설계", "description": "", "due_on": soon(), **values}
    response = signed_in.post(ADD_URL, data)
    assert response.status_code == 200
    assert field in errors(response)
    assert not Milestone.objects.exists()


def test_a_proposal_not_accepted_cannot_take_milestones(signed_in, published, official, unit):
    proposal = answer(published, official, unit, Proposal.AnswerType.NOT_ACCEPTED)
    response = signed_in.post(ADD_URL, {"proposal": proposal.pk, "title": "설계", "due_on": soon()})
    assert response.status_code == 200 and "proposal" in errors(response)
    assert not Milestone.objects.exists()


def test_a_proposal_of_another_unit_is_refused(client, accepted, official_elsewhere):
    client.force_login(with_perms(official_elsewhere, *PERMS), backend=PASSWORD_BACKEND)
    response = client.post(ADD_URL, {"proposal": accepted.pk, "title": "설계", "due_on": soon()})
    assert response.status_code == 200 and errors(response)
    assert not Milestone.objects.exists()


def test_changing_goes_through_the_service_and_completes_the_implementation(signed_in, milestone, accepted):
    response = signed_in.post(
        change_url(milestone), change_data(milestone, status=M.DONE, progress="100", note="개통했습니다.")
    )
    assert response.status_code == 302, errors(response)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.completed_on) == (M.DONE, 100, timezone.localdate())
    proposal = Proposal.objects.get(pk=accepted.pk)
    assert proposal.implementation_progress == 100 and proposal.implemented_at is not None
    assert Notification.objects.filter(kind="proposal_implemented").exists()
    assert AuditEvent.objects.filter(action="proposal.milestone_update").count() == 1


def test_reopening_clears_the_completion_date_without_asking(signed_in, milestone, official, accepted):
    signed_in.post(change_url(milestone), change_data(milestone, status=M.DONE, progress="100"))
    milestone.refresh_from_db()
    response = signed_in.post(
        change_url(milestone),
        change_data(milestone, status=M.IN_PROGRESS, progress="80", completed_on=milestone.completed_on.isoformat()),
    )
    assert response.status_code == 302, errors(response)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on) == (M.IN_PROGRESS, None)
    assert Proposal.objects.get(pk=accepted.pk).implemented_at is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": M.DONE, "progress": "60"}, "progress"),
        ({"status": M.IN_PROGRESS, "progress": "101"}, "progress"),
        ({"status": M.IN_PROGRESS, "progress": "-5"}, "progress"),
        ({"status": M.IN_PROGRESS, "progress": "반"}, "progress"),
        ({"status": "finished"}, "status"),
        ({"status": M.DONE, "progress": "100", "completed_on": "2099-01-01"}, "completed_on"),
        ({"due_on": "2099-01-01"}, "due_on"),
        ({"title": ""}, "title"),
        ({"status": M.IN_PROGRESS, "progress": "10", "note": "<i>메모</i>"}, "note"),
        ({"status": M.IN_PROGRESS, "progress": "10", "note": "가" * 501}, "note"),
    ],
)
def test_bad_changes_are_form_errors(values, field, signed_in, milestone):
    response = signed_in.post(change_url(milestone), change_data(milestone, **values))
    assert response.status_code == 200
    assert field in errors(response)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (M.PLANNED, 0)


def test_officials_see_only_their_units_milestones(client, milestone, official_elsewhere):
    client.force_login(with_perms(official_elsewhere, *PERMS), backend=PASSWORD_BACKEND)
    response = client.get(reverse("admin:proposals_milestone_changelist"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert client.get(change_url(milestone)).status_code == 302  # not in their queryset
    response = client.post(change_url(milestone), change_data(milestone, status=M.IN_PROGRESS, progress="10"))
    milestone.refresh_from_db()
    assert milestone.progress == 0


def test_a_superuser_sees_and_changes_everything(client, milestone, superuser):
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    response = client.get(reverse("admin:proposals_milestone_changelist"))
    assert list(response.context["cl"].result_list) == [milestone]
    response = client.post(change_url(milestone), change_data(milestone, status=M.IN_PROGRESS, progress="10"))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 10


def test_milestones_are_never_deleted(signed_in, milestone):
    response = signed_in.post(reverse("admin:proposals_milestone_delete", args=[milestone.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_proposal_page_lists_the_milestones_with_an_add_link(client, milestone, accepted, superuser):
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    response = client.get(reverse("admin:proposals_proposal_change", args=[accepted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "노선 설계" in html
    assert f"{ADD_URL}?proposal={accepted.pk}" in html
    assert change_url(milestone) in html
    # Read-only: no inline form fields for milestones.
    assert 'name="milestones-0-status"' not in html
