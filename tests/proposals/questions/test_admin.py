"""The Question admin through the test client: written, published, closed and concluded through the
services; refusals are form errors or messages; officials see their units' questions and manage
those of the units they serve in; the opinions are read-only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from proposals.models import Question
from proposals.services.questions import question_opine

from .conftest import K, S

pytestmark = pytest.mark.django_db

PERMS = ["view_question", "add_question", "change_question", "view_questionopinion"]
ADD_URL = reverse("admin:proposals_question_add")
LIST_URL = reverse("admin:proposals_question_changelist")


def with_perms(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename=codename))
    return Citizen.objects.get(pk=user.pk)


@pytest.fixture
def signed_in(client, official):
    client.force_login(with_perms(official, *PERMS), backend=PASSWORD_BACKEND)
    return client


def change_url(question):
    return reverse("admin:proposals_question_change", args=[question.pk])


def closing(days=14):
    moment = timezone.localtime(timezone.now() + timedelta(days=days))
    return {"closes_at_0": moment.strftime("%Y-%m-%d"), "closes_at_1": moment.strftime("%H:%M:%S")}


def new_question(unit, **values):
    return {
        "unit": unit.pk,
        "title": "따릉이 대여소를 늘릴까요?",
        "body": "배경 설명",
        "kind": K.YES_NO,
        **closing(),
        **values,
    }


def errors(response):
    return response.context["adminform"].form.errors


def act(client, action, *questions):
    return client.post(LIST_URL, {"action": action, "_selected_action": [q.pk for q in questions]}, follow=True)


def test_adding_writes_a_draft_through_the_service(signed_in, unit, official):
    response = signed_in.post(ADD_URL, new_question(unit))
    assert response.status_code == 302, errors(response)
    question = Question.objects.get()
    assert (question.status, question.unit, question.created_by) == (S.DRAFT, unit, official)
    assert AuditEvent.objects.filter(action="question.create", target_id=str(question.pk)).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "<b>질문</b>"}, "title"),
        ({"title": "가" * 151}, "title"),
        ({"body": ""}, "body"),
        ({"body": "<script>x</script>"}, "body"),
        ({"kind": "ranking"}, "kind"),
        (closing(days=-1), "closes_at"),
        (closing(days=500), "closes_at"),
        ({"closes_at_0": "언젠가", "closes_at_1": ""}, "closes_at"),
    ],
)
def test_bad_questions_are_form_errors(values, field, signed_in, unit):
    response = signed_in.post(ADD_URL, new_question(unit, **values))
    assert response.status_code == 200
    assert field in errors(response)
    assert not Question.objects.exists()


def test_officials_ask_only_in_their_own_units(signed_in, unit, other_unit):
    choices = signed_in.get(ADD_URL).context["adminform"].form.fields["unit"].queryset
    assert list(choices) == [unit]
    response = signed_in.post(ADD_URL, new_question(other_unit))
    assert response.status_code == 200 and "unit" in errors(response)
    assert not Question.objects.exists()


def test_a_draft_is_edited_through_the_service(signed_in, ask):
    question = ask(status=S.DRAFT)
    data = {"title": "고친 질문", "body": "고친 배경", "kind": K.DISCUSSION, **closing(days=20)}
    response = signed_in.post(change_url(question), data)
    assert response.status_code == 302, errors(response)
    question.refresh_from_db()
    assert (question.title, question.kind) == ("고친 질문", K.DISCUSSION)
    assert AuditEvent.objects.filter(action="question.update_draft").exists()


def test_publishing_is_an_action(signed_in, ask):
    draft, running = ask(status=S.DRAFT), ask(status=S.OPEN)
    response = act(signed_in, "publish_questions", draft, running)
    assert response.status_code == 200
    assert Question.objects.get(pk=draft.pk).status == S.OPEN
    assert len(list(response.context["messages"])) == 2  # one published, one refused (already published)


def test_closing_is_an_action_that_waits_for_the_closing_date(signed_in, ask):
    running, due = ask(status=S.OPEN), ask(status=S.OPEN, days=1)
    now = timezone.now()
    Question.objects.filter(pk=due.pk).update(opens_at=now - timedelta(days=3), closes_at=now - timedelta(minutes=1))
    act(signed_in, "close_questions", running, due)
    assert Question.objects.get(pk=running.pk).status == S.OPEN
    assert Question.objects.get(pk=due.pk).status == S.CLOSED
    assert AuditEvent.objects.get(action="question.close").actor_id is not None


def test_a_closed_question_takes_the_conclusion(signed_in, ask):
    question = ask(status=S.CLOSED)
    response = signed_in.post(change_url(question), {"conclusion": ""})
    assert response.status_code == 200 and "conclusion" in errors(response)
    response = signed_in.post(change_url(question), {"conclusion": "<b>결론</b>"})
    assert response.status_code == 200 and "conclusion" in errors(response)
    response = signed_in.post(change_url(question), {"conclusion": "대여소를 200곳 늘립니다."})
    assert response.status_code == 302, errors(response)
    question.refresh_from_db()
    assert (question.status, question.conclusion) == (S.CONCLUDED, "대여소를 200곳 늘립니다.")


def test_an_open_question_is_read_only(signed_in, ask):
    question = ask(status=S.OPEN)
    response = signed_in.get(change_url(question))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == set()
    signed_in.post(change_url(question), {"title": "바꾼 제목", "yes_count": "999"})
    question.refresh_from_db()
    assert (question.title, question.yes_count) == ("따릉이 대여소를 늘릴까요?", 0)


def test_officials_see_only_their_units_questions(client, ask, official_elsewhere):
    question = ask(status=S.OPEN)
    client.force_login(with_perms(official_elsewhere, *PERMS), backend=PASSWORD_BACKEND)
    assert list(client.get(LIST_URL).context["cl"].result_list) == []
    assert client.get(change_url(question)).status_code == 302
    act(client, "publish_questions", ask(status=S.DRAFT))
    assert Question.objects.filter(status=S.DRAFT).count() == 1


def test_a_superuser_manages_every_question(client, ask, superuser, other_unit):
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    question = ask(status=S.DRAFT)
    act(client, "publish_questions", question)
    assert Question.objects.get(pk=question.pk).status == S.OPEN
    response = client.post(ADD_URL, new_question(other_unit))
    assert response.status_code == 302


def test_questions_are_never_deleted(signed_in, ask):
    question = ask(status=S.DRAFT)
    assert (
        signed_in.post(reverse("admin:proposals_question_delete", args=[question.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_opinions_are_listed_read_only_for_the_unit(client, signed_in, ask, make_citizen, official_elsewhere):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    opinion = question_opine(citizen=make_citizen(), question=question, body="의견입니다.")
    response = signed_in.get(reverse("admin:proposals_questionopinion_changelist"))
    assert list(response.context["cl"].result_list) == [opinion]
    assert signed_in.get(reverse("admin:proposals_questionopinion_add")).status_code == 403
    client.force_login(with_perms(official_elsewhere, *PERMS), backend=PASSWORD_BACKEND)
    assert list(client.get(reverse("admin:proposals_questionopinion_changelist")).context["cl"].result_list) == []
