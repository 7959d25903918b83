"""The back office: officials list the notes of their cycles and departments (the unanswered
concerns first, with a filter) and answer one with the "Answer" button, once; others see nothing."""

from datetime import date

import pytest
from django.urls import reverse

from budgeting.models import Cycle, ImplementationNote
from budgeting.services.monitoring import implementation_note_add
from governance.models import OrgAssignment, OrgUnit
from notifications.models import Notification

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:budgeting_implementationnote_changelist"


def change_url(note):
    return reverse("admin:budgeting_implementationnote_change", args=[note.pk])


def answer_url(note):
    return reverse("admin:budgeting_implementationnote_answer", args=[note.pk])


@pytest.fixture
def notes(implementing, member):
    _cycle, funded, _dropped, _unfunded = implementing
    concern = implementation_note_add(actor=member, project=funded, body="안전펜스가 없습니다.", raises_concern=True)
    remark = implementation_note_add(actor=member, project=funded, body="공정이 순조롭습니다.")
    return concern, remark


def test_an_official_lists_the_notes_and_filters_the_unanswered_concerns(notes, official, admin_client):
    concern, remark = notes
    client = admin_client(official)
    listed = client.get(reverse(CHANGELIST))
    assert listed.status_code == 200
    assert [note.pk for note in listed.context["cl"].result_list] == [concern.pk, remark.pk]  # concerns first
    filtered = client.get(reverse(CHANGELIST), {"answer": "open-concerns"})
    assert [note.pk for note in filtered.context["cl"].result_list] == [concern.pk]
    page = client.get(change_url(concern))
    assert page.status_code == 200 and answer_url(concern) in page.content.decode()


def test_the_answer_button_answers_once_and_tells_the_member(notes, official, member, admin_client):
    concern, _remark = notes
    client = admin_client(official)
    assert client.get(answer_url(concern)).status_code == 200
    empty = client.post(answer_url(concern), {"answer": "  "})
    assert empty.status_code == 200 and "answer" in empty.context["form"].errors
    too_long = client.post(answer_url(concern), {"answer": "가" * 2001})
    assert too_long.status_code == 200 and "answer" in too_long.context["form"].errors
    assert ImplementationNote.objects.get(pk=concern.pk).answered_at is None
    done = client.post(answer_url(concern), {"answer": "다음 주까지 설치합니다."})
    assert done.status_code == 302 and done["Location"] == change_url(concern)
    concern.refresh_from_db()
    assert concern.answer == "다음 주까지 설치합니다." and concern.answered_at is not None
    assert Notification.objects.filter(citizen=member, kind="budget_implementation_answer").exists()
    assert answer_url(concern) not in client.get(change_url(concern)).content.decode()
    again = client.get(answer_url(concern))  # answered: the move no longer applies
    assert again.status_code == 302 and again["Location"] == change_url(concern)
    refused = client.post(answer_url(concern), {"answer": "다시"})
    assert refused.status_code == 200 and "이미 답변한 의견입니다" in str(refused.context["form"].non_field_errors())
    concern.refresh_from_db()
    assert concern.answer == "다음 주까지 설치합니다."
    filtered = client.get(reverse(CHANGELIST), {"answer": "open-concerns"})
    assert list(filtered.context["cl"].result_list) == []


def test_the_projects_department_answers_too(notes, department_official, admin_client):
    concern, _remark = notes
    done = admin_client(department_official).post(answer_url(concern), {"answer": "조치 완료"})
    assert done.status_code == 302 and ImplementationNote.objects.get(pk=concern.pk).answer == "조치 완료"


def test_an_official_of_another_unit_sees_nothing(notes, make_citizen, admin_client):
    concern, _remark = notes
    unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                  name_en="Transport Bureau")
    stranger = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=stranger, started_on=date(2020, 1, 1))
    client = admin_client(stranger)
    assert list(client.get(reverse(CHANGELIST)).context["cl"].result_list) == []
    assert client.get(answer_url(concern)).status_code == 404
    assert client.post(answer_url(concern), {"answer": "답변"}).status_code == 404
    assert ImplementationNote.objects.get(pk=concern.pk).answered_at is None


def test_a_superuser_cannot_answer_in_an_imported_cycle(notes, superuser, admin_client):
    concern, _remark = notes
    Cycle.objects.filter(pk=concern.project.cycle_id).update(is_simulation=True)
    client = admin_client(superuser)
    assert answer_url(concern) not in client.get(change_url(concern)).content.decode()
    assert client.post(answer_url(concern), {"answer": "답변"}).status_code == 403
    assert ImplementationNote.objects.get(pk=concern.pk).answered_at is None
