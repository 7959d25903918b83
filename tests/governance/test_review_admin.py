"""The back office of deliberation: items close only through the service; reviews are read-only."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from audit.models import AuditEvent
from citizens.models import Citizen
from governance.models import AgendaItem

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    official = Citizen.objects.create_superuser(email="secretariat@seoul.example", password="a-long-password-1")
    client.force_login(official)
    client.official = official
    return client


@pytest.fixture
def committee():
    return make_committee()


def test_the_changelist_filters_by_committee_and_status(admin_client, committee):
    open_item = make_item(committee)
    closed = make_item(committee, state="closed")
    other = make_item(make_committee("participatory-budget-committee"))
    url = reverse("admin:governance_agendaitem_changelist")

    def listed(**query):
        response = admin_client.get(url, query)
        assert response.status_code == 200
        return {item.pk for item in response.context["cl"].result_list}

    assert listed() == {open_item.pk, closed.pk, other.pk}
    assert listed(committee__id__exact=committee.pk) == {open_item.pk, closed.pk}
    assert listed(status__exact="closed") == {closed.pk}


def test_status_and_resolution_are_not_editable(admin_client, committee):
    item = make_item(committee)
    response = admin_client.get(reverse("admin:governance_agendaitem_change", args=[item.pk]))
    assert response.status_code == 200
    form_fields = set(response.context["adminform"].form.fields)
    assert {"status", "outcome", "resolution_ko", "closed_at"}.isdisjoint(form_fields)
    assert "review_deadline" in form_fields

    closed = make_item(committee, state="closed")
    response = admin_client.get(reverse("admin:governance_agendaitem_change", args=[closed.pk]))
    assert not set(response.context["adminform"].form.fields)


def test_the_close_action_asks_for_the_resolution_then_calls_the_service(admin_client, committee):
    item = make_item(committee, state="open_after", asks_score=True)
    add_review(item, make_membership(committee), score=60)
    add_conflict(item, make_membership(committee))
    url = reverse("admin:governance_agendaitem_changelist")
    selection = {"action": "close_items", ACTION_CHECKBOX_NAME: [item.pk]}

    asked = admin_client.post(url, selection)
    assert asked.status_code == 200
    assert "resolution_ko" in asked.context["form"].fields
    assert AgendaItem.objects.get(pk=item.pk).status == "open"

    invalid = admin_client.post(url, {**selection, "apply": "1", "outcome": "approved", "resolution_ko": ""})
    assert invalid.status_code == 200 and "resolution_ko" in invalid.context["form"].errors

    done = admin_client.post(url, {**selection, "apply": "1", "outcome": "revise", "resolution_ko": "보완 후 재상정",
                                   "votes_for": "2"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.outcome, item.votes_for) == ("closed", "revise", 2)
    event = AuditEvent.objects.get(action="governance.agenda_item_close")
    assert event.actor_id == admin_client.official.pk


def test_closing_a_closed_item_in_the_admin_is_refused_with_a_message(admin_client, committee):
    item = make_item(committee, state="closed")
    response = admin_client.post(reverse("admin:governance_agendaitem_changelist"), {
        "action": "close_items", ACTION_CHECKBOX_NAME: [item.pk], "apply": "1", "outcome": "rejected",
        "resolution_ko": "부결",
    }, follow=True)
    assert any("already closed" in str(message) or "이미" in str(message) for message in response.context["messages"])
    item.refresh_from_db()
    assert item.outcome == "approved"


@pytest.mark.parametrize("model", ["review", "conflictdeclaration"])
def test_reviews_and_conflicts_are_read_only(admin_client, committee, model):
    item = make_item(committee)
    record = (add_review if model == "review" else add_conflict)(item, make_membership(committee))
    assert admin_client.get(reverse(f"admin:governance_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:governance_{model}_change", args=[record.pk])).status_code == 200
    assert admin_client.get(reverse(f"admin:governance_{model}_add")).status_code == 403
    assert admin_client.post(reverse(f"admin:governance_{model}_delete", args=[record.pk]),
                             {"post": "yes"}).status_code == 403


def test_an_item_is_added_with_a_registered_subject_kind(admin_client, committee):
    from governance.registry import SubjectKind, register_subject_kind, unregister_subject_kind

    register_subject_kind(SubjectKind(kind="testing.project", label="Test project", describe=lambda subject_id: None))
    try:
        url = reverse("admin:governance_agendaitem_add")
        page = admin_client.get(url)
        assert ("testing.project", "Test project") in page.context["adminform"].form.fields["subject_kind"].choices
        response = admin_client.post(url, {
            "committee": committee.pk, "order": 0, "title_ko": "예산 사업 심사", "subject_kind": "testing.project",
            "subject_id": "42", "asks_score": "on", "score_min": 0, "score_max": 100, "is_public": "on",
        })
        assert response.status_code == 302, response.context["adminform"].form.errors
        item = AgendaItem.objects.get(title_ko="예산 사업 심사")
        assert (item.subject_kind, item.subject_id, item.status) == ("testing.project", "42", "open")
    finally:
        unregister_subject_kind("testing.project")


@pytest.mark.parametrize("model", ["review", "conflictdeclaration"])
def test_reviews_and_conflicts_are_scoped_to_the_committees_the_official_manages(client, model):
    from governance.models import OrgUnit

    from .test_org_support import admin_login, assign, make_official, make_unit

    unit = make_unit("bureau", OrgUnit.Kind.BUREAU)
    mine = make_committee()
    mine.secretariat = unit
    mine.save(update_fields=["secretariat"])
    theirs = make_committee("participatory-budget-committee")
    add = add_review if model == "review" else add_conflict
    own = add(make_item(mine), make_membership(mine))
    foreign = add(make_item(theirs), make_membership(theirs))
    official = make_official(perms=[f"view_{model}"])
    assign(unit, official)
    admin_login(client, official)

    response = client.get(reverse(f"admin:governance_{model}_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [own]
    assert client.get(reverse(f"admin:governance_{model}_change", args=[own.pk])).status_code == 200
    # Another committee's record is not found (the admin sends back to its index).
    assert client.get(reverse(f"admin:governance_{model}_change", args=[foreign.pk])).status_code == 302
