"""Agenda items are added and edited only through agenda_item_create / agenda_item_update: the rules
(no committee change once reviewed, no change once closed, no moving a passed deadline, a meeting of
the item's own committee) are checked once, and both the services and the admin form use them."""

from datetime import timedelta

import pytest
from django.forms.widgets import MultiWidget
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.models import AgendaItem, Meeting, OrgUnit
from governance.services.agenda import agenda_item_create, agenda_item_update
from governance.services.reviews import ReviewError

from .test_org_support import admin_login, assign, make_official, make_unit
from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership


@pytest.fixture(autouse=True)
def _services_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return make_committee()


@pytest.fixture
def other():
    return make_committee("participatory-budget-committee")


def make_meeting(committee, number=1):
    return Meeting.objects.create(committee=committee, number=number, title_ko="정기회의", place_ko="서울시청",
                                  starts_at=timezone.now() + timedelta(days=7))


def update(item, **changes):
    return agenda_item_update(actor=None, item=item, changes=changes)


# --- The services ----------------------------------------------------------------------------------


def test_an_update_is_audited_with_the_names_of_the_changed_fields_only(committee):
    item = make_item(committee)
    later = item.review_deadline + timedelta(days=2)
    saved = update(item, title_ko=item.title_ko, title_en="Smart city master plan", review_deadline=later)
    assert (saved.title_en, saved.review_deadline) == ("Smart city master plan", later)
    event = AuditEvent.objects.get(action="governance.agenda_item_update")
    assert event.summary == {"fields": ["review_deadline", "title_en"]}

    update(item, title_en="Smart city master plan")  # nothing changes, nothing is recorded
    assert AuditEvent.objects.filter(action="governance.agenda_item_update").count() == 1


@pytest.mark.parametrize("record", [add_review, add_conflict], ids=["reviewed", "conflict-declared"])
def test_the_committee_of_an_item_members_have_acted_on_does_not_change(committee, other, record):
    item = make_item(committee)
    record(item, make_membership(committee))
    with pytest.raises(ReviewError, match="cannot move to another committee") as refused:
        update(item, committee=other)
    assert refused.value.field == "committee"
    assert AgendaItem.objects.get(pk=item.pk).committee_id == committee.pk
    assert not AuditEvent.objects.filter(action="governance.agenda_item_update").exists()


def test_the_committee_of_an_item_nobody_acted_on_may_change(committee, other):
    item = make_item(committee)
    assert update(item, committee=other).committee_id == other.pk


def test_a_closed_item_does_not_change(committee):
    item = make_item(committee, state="closed")
    with pytest.raises(ReviewError, match="closed"):
        update(item, title_en="Renamed")
    assert AgendaItem.objects.get(pk=item.pk).title_en == ""


def test_a_passed_deadline_is_not_moved(committee):
    # After the deadline members read each other's reviews: reopening reviews would be unfair.
    item = make_item(committee, state="open_after")
    for new in (timezone.now() + timedelta(days=3), None):
        with pytest.raises(ReviewError, match="deadline has passed") as refused:
            update(item, review_deadline=new)
        assert refused.value.field == "review_deadline"
    assert AgendaItem.objects.get(pk=item.pk).review_deadline == item.review_deadline


def test_a_new_deadline_lies_ahead(committee):
    item = make_item(committee)
    with pytest.raises(ReviewError, match="in the future"):
        update(item, review_deadline=timezone.now() - timedelta(minutes=1))
    undated = make_item(committee, review_deadline=None)
    with pytest.raises(ReviewError, match="in the future"):
        update(undated, review_deadline=timezone.now() - timedelta(minutes=1))


def test_the_meeting_is_one_of_the_items_committee(committee, other):
    item = make_item(committee)
    with pytest.raises(ReviewError, match="another committee") as refused:
        update(item, meeting=make_meeting(other))
    assert refused.value.field == "meeting"

    own = make_meeting(committee)
    assert update(item, meeting=own).meeting_id == own.pk
    with pytest.raises(ReviewError, match="another committee"):
        update(item, committee=other)  # and leave it on this committee's meeting


def test_an_item_is_created_with_the_same_checks_and_an_audit_row(committee, other):
    with pytest.raises(ReviewError, match="another committee"):
        agenda_item_create(actor=None, committee=committee, title_ko="안건", meeting=make_meeting(other))
    with pytest.raises(ReviewError, match="in the future"):
        agenda_item_create(actor=None, committee=committee, title_ko="안건",
                           review_deadline=timezone.now() - timedelta(days=1))
    assert not AgendaItem.objects.exists()

    meeting = make_meeting(committee)
    item = agenda_item_create(actor=None, committee=committee, title_ko="안건", meeting=meeting,
                              review_deadline=timezone.now() + timedelta(days=5))
    assert (item.status, item.meeting_id) == ("open", meeting.pk)
    event = AuditEvent.objects.get(action="governance.agenda_item_create")
    assert event.summary == {"committee": committee.pk, "meeting": meeting.pk}


# --- The admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin_login(client, make_official(superuser=True))
    return client


def post_data(response):
    """The POST a browser would send back from the admin change page, as it was rendered."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    return data


def change_url(item):
    return reverse("admin:governance_agendaitem_change", args=[item.pk])


def test_the_admin_saves_through_the_service_with_an_audit_row(admin_client, committee):
    item = make_item(committee)
    data = post_data(admin_client.get(change_url(item)))
    response = admin_client.post(change_url(item), {**data, "title_en": "Master plan"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AgendaItem.objects.get(pk=item.pk).title_en == "Master plan"
    assert AuditEvent.objects.get(action="governance.agenda_item_update").summary == {"fields": ["title_en"]}


def test_the_admin_shows_a_refused_committee_change_on_the_form(admin_client, committee, other):
    item = make_item(committee)
    add_review(item, make_membership(committee))
    data = post_data(admin_client.get(change_url(item)))
    response = admin_client.post(change_url(item), {**data, "committee": other.pk})
    assert response.status_code == 200
    assert "committee" in response.context["adminform"].form.errors
    assert AgendaItem.objects.get(pk=item.pk).committee_id == committee.pk
    assert not AuditEvent.objects.filter(action="governance.agenda_item_update").exists()


def test_the_admin_refuses_to_move_a_passed_deadline(admin_client, committee):
    item = make_item(committee, state="open_after")
    data = post_data(admin_client.get(change_url(item)))
    ahead = timezone.localtime() + timedelta(days=3)
    response = admin_client.post(change_url(item), {
        **data, "review_deadline_0": ahead.date().isoformat(), "review_deadline_1": ahead.strftime("%H:%M:%S"),
    })
    assert response.status_code == 200
    assert "review_deadline" in response.context["adminform"].form.errors
    assert AgendaItem.objects.get(pk=item.pk).review_deadline == item.review_deadline


def test_the_admin_adds_through_the_service_and_refuses_another_committees_meeting(admin_client, committee, other):
    url = reverse("admin:governance_agendaitem_add")
    data = {"committee": committee.pk, "order": 0, "title_ko": "예산 사업 심사", "score_min": 0, "score_max": 100,
            "is_public": "on"}
    refused = admin_client.post(url, {**data, "meeting": make_meeting(other).pk})
    assert refused.status_code == 200
    assert "meeting" in refused.context["adminform"].form.errors
    assert not AgendaItem.objects.exists()

    response = admin_client.post(url, {**data, "meeting": make_meeting(committee).pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = AgendaItem.objects.get()
    assert AuditEvent.objects.get(action="governance.agenda_item_create").target_id == str(item.pk)


def test_the_meeting_choices_are_those_of_the_committees_the_official_manages(client, committee, other):
    unit = make_unit("bureau", OrgUnit.Kind.BUREAU)
    committee.secretariat = unit
    committee.save(update_fields=["secretariat"])
    official = make_official(perms=["view_agendaitem", "change_agendaitem", "add_agendaitem"])
    assign(unit, official)
    admin_login(client, official)
    mine, theirs = make_meeting(committee), make_meeting(other)
    form = client.get(reverse("admin:governance_agendaitem_add")).context["adminform"].form
    choices = set(form.fields["meeting"].queryset)
    assert mine in choices and theirs not in choices
