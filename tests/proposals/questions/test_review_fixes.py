"""Review fixes of Seoul asks: officials serving in a unit use the Question admin without Django
model permissions (the rules predicates decide); the admin's history reads as sentences; votes and
opinions carry the moment the services were given."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from citizens.backends import PASSWORD_BACKEND
from proposals.models import Question, QuestionOpinion, QuestionVote
from proposals.services.questions import question_opine, question_vote

from .conftest import K, S

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:proposals_question_changelist")
ADD_URL = reverse("admin:proposals_question_add")
OPINIONS_URL = reverse("admin:proposals_questionopinion_changelist")


@pytest.fixture
def staff_without_unit(make_citizen):
    return make_citizen(is_staff=True)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("official_of_unit", 200), ("official_elsewhere", 200), ("staff_without_unit", 403), ("superuser", 200)],
)
@pytest.mark.parametrize("url", [LIST_URL, ADD_URL, OPINIONS_URL])
def test_who_opens_the_question_admin(role, expected, url, client, people, staff_without_unit):
    person = staff_without_unit if role == "staff_without_unit" else people[role]
    client.force_login(person, backend=PASSWORD_BACKEND)
    assert client.get(url).status_code == expected


def test_an_official_without_model_permissions_asks_and_publishes(client, official, unit):
    client.force_login(official, backend=PASSWORD_BACKEND)
    moment = timezone.localtime(timezone.now() + timedelta(days=14))
    response = client.post(
        ADD_URL,
        {
            "unit": unit.pk,
            "title": "따릉이 대여소를 늘릴까요?",
            "body": "배경 설명",
            "kind": K.YES_NO,
            "closes_at_0": moment.strftime("%Y-%m-%d"),
            "closes_at_1": moment.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    client.post(LIST_URL, {"action": "publish_questions", "_selected_action": [question.pk]})
    assert Question.objects.get(pk=question.pk).status == S.OPEN


def test_an_official_elsewhere_reads_but_does_not_manage(client, official_elsewhere, ask):
    question = ask(status=S.DRAFT)
    client.force_login(official_elsewhere, backend=PASSWORD_BACKEND)
    assert list(client.get(LIST_URL).context["cl"].result_list) == []  # another unit's question
    client.post(LIST_URL, {"action": "publish_questions", "_selected_action": [question.pk]})
    assert Question.objects.get(pk=question.pk).status == S.DRAFT


@pytest.mark.parametrize(
    ("action", "expected"),
    [("publish_questions", "Published to citizens."), ("close_questions", "Closed: its closing date has passed.")],
)
def test_the_actions_write_a_readable_history(action, expected, client, official, ask):
    question = ask(status=S.DRAFT if action == "publish_questions" else S.OPEN, days=1)
    if action == "close_questions":
        now = timezone.now()
        Question.objects.filter(pk=question.pk).update(
            opens_at=now - timedelta(days=3), closes_at=now - timedelta(minutes=1)
        )
    client.force_login(official, backend=PASSWORD_BACKEND)
    client.post(LIST_URL, {"action": action, "_selected_action": [question.pk]})

    entry = LogEntry.objects.get(object_id=str(question.pk))
    with translation.override("ko"):  # the admin always speaks Korean: so does its history
        assert entry.change_message == translation.gettext(expected) != expected
    assert entry.change_message not in {"publish", "close"}


def test_a_vote_given_a_moment_is_dated_then(ask, participant):
    question = ask(status=S.OPEN)
    moment = question.opens_at + timedelta(hours=2)

    vote = question_vote(citizen=participant(), question=question, choice=True, now=moment)

    assert vote.created_at == moment
    assert QuestionVote.objects.get(pk=vote.pk).created_at == moment


def test_an_opinion_given_a_moment_is_dated_then(ask, participant):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    moment = question.opens_at + timedelta(hours=3)

    opinion = question_opine(citizen=participant(), question=question, body="대여소가 더 필요합니다.", now=moment)

    assert opinion.created_at == moment
    assert QuestionOpinion.objects.get(pk=opinion.pk).created_at == moment


def test_without_a_moment_the_answer_is_dated_now(ask, participant):
    question = ask(status=S.OPEN)
    before = timezone.now()
    vote = question_vote(citizen=participant(), question=question, choice=False)
    assert before <= QuestionVote.objects.get(pk=vote.pk).created_at <= timezone.now()
