"""A meeting's record in the admin is saved whole or not at all: a refused row leaves nothing saved
and is shown on the page, never a success message over a half-saved record."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.models import AgendaItem, Attendance
from governance.services import meetings as services

from .test_committee_admin import post_data
from .test_committee_support import fill, make_committee
from .test_org_support import admin_login, make_official

pytestmark = pytest.mark.django_db


def _held_meeting(committee, titles):
    meeting = services.meeting_schedule(actor=None, committee=committee, title_ko="정기회의", place_ko="서울시청",
                                        starts_at=timezone.now() - timedelta(hours=2))
    items = [services.meeting_agenda_add(actor=None, meeting=meeting, title_ko=title) for title in titles]
    return services.meeting_mark_held(actor=None, meeting=meeting), items


def _errors(response):
    form = response.context["adminform"].form
    rows = [error for inline in response.context["inline_admin_formsets"] for row in inline.formset.forms
            for error in row.non_field_errors()]
    return list(form.non_field_errors()) + rows


def test_a_vote_refused_on_saving_rolls_back_the_whole_submission(client):
    committee = make_committee()
    members = fill(committee, 4)
    meeting, items = _held_meeting(committee, ["첫째 안건", "둘째 안건"])
    admin_login(client, make_official(superuser=True))
    change = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = post_data(client.get(change))
    for index in range(len(members)):
        data.pop(f"attendance-{index}-present", None)
    for index in range(3):  # three present, quorum two: the record is written in the same submission
        data[f"attendance-{index}-present"] = "on"
    rows = {data[f"agenda_items-{index}-id"]: index for index in range(2)}
    first, second = rows[items[0].pk], rows[items[1].pk]
    data.update({
        f"agenda_items-{first}-votes_for": 2, f"agenda_items-{first}-votes_against": 1,
        f"agenda_items-{second}-votes_for": 3, f"agenda_items-{second}-votes_against": 1,  # 4 votes, 3 present
        "title_en": "Changed title",
    })
    response = client.post(change, data)

    assert response.status_code == 200
    assert "출석 위원 수(3명)보다 많습니다" in " ".join(_errors(response))  # the admin answers in Korean
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "success"]
    meeting.refresh_from_db()
    assert meeting.title_en == ""
    assert not Attendance.objects.filter(meeting=meeting, present=True).exists()
    assert set(AgendaItem.objects.filter(meeting=meeting).values_list("votes_for", flat=True)) == {None}
    assert not AuditEvent.objects.filter(action__in=["agenda_item.record_votes", "meeting.record_attendance"]).exists()


def test_a_closed_item_is_refused_on_its_row_before_anything_is_saved(client):
    committee = make_committee()
    members = fill(committee, 4)
    meeting, items = _held_meeting(committee, ["첫째 안건", "둘째 안건"])
    services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:3])
    AgendaItem.objects.filter(pk=items[1].pk).update(status=AgendaItem.Status.CLOSED,
                                                       outcome=AgendaItem.Outcome.APPROVED, closed_at=timezone.now())
    admin_login(client, make_official(superuser=True))
    change = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = post_data(client.get(change))
    rows = {data[f"agenda_items-{index}-id"]: index for index in range(2)}
    data.update({
        f"agenda_items-{rows[items[0].pk]}-votes_for": 2, f"agenda_items-{rows[items[0].pk]}-votes_against": 1,
        f"agenda_items-{rows[items[1].pk]}-votes_for": 2, f"agenda_items-{rows[items[1].pk]}-votes_against": 0,
    })
    response = client.post(change, data)

    assert response.status_code == 200
    assert any("종결" in error or "closed" in error for error in _errors(response)), _errors(response)
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "success"]
    assert set(AgendaItem.objects.filter(meeting=meeting).values_list("votes_for", flat=True)) == {None}
