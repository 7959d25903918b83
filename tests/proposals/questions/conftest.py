"""Builders for Seoul asks: questions in each state (times relative to the real clock, as the
pages and the permission predicates read it), people in each role, citizens ready to take part."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record
from governance.models import OrgAssignment
from proposals.models import Question
from proposals.services.questions import (
    question_close,
    question_conclude,
    question_create,
    question_publish,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
S = Question.Status
K = Question.Kind


@pytest.fixture
def participant(make_citizen):
    """A citizen who signed in, consented and completed their profile (verified unless told)."""

    def make(*, verified=True, **fields):
        citizen = make_citizen(verified=verified, **fields)
        consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        Citizen.objects.filter(pk=citizen.pk).update(profile_completed_at=timezone.now())
        citizen.refresh_from_db()
        return citizen

    return make


@pytest.fixture
def official_elsewhere(make_citizen, other_unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def people(participant, official, official_elsewhere, superuser):
    return {
        "anonymous": AnonymousUser(),
        "unverified": participant(verified=False),
        "citizen": participant(),
        "official_elsewhere": official_elsewhere,
        "official_of_unit": official,
        "superuser": superuser,
    }


def make_question(unit, official, *, kind=K.YES_NO, status=S.OPEN, title="따릉이 대여소를 늘릴까요?", days=7):
    """A question of `unit` in `status`. An open one closes in `days` days; a closed or concluded
    one opened 10 days ago and closed yesterday."""
    now = timezone.now()
    if status in {S.DRAFT, S.OPEN}:
        question = question_create(
            actor=official,
            unit=unit,
            title=title,
            body="자전거 이용이 늘고 있습니다.\n의견을 들려주세요.",
            kind=kind,
            closes_at=now + timedelta(days=days),
        )
        if status == S.OPEN:
            question = question_publish(actor=official, question=question)
        return question
    started = now - timedelta(days=10)
    question = question_create(
        actor=official,
        unit=unit,
        title=title,
        body="자전거 이용이 늘고 있습니다.",
        kind=kind,
        closes_at=now - timedelta(days=1),
        now=started,
    )
    question_publish(actor=official, question=question, now=started)
    question_close(question=question, now=now)
    if status == S.CONCLUDED:
        question_conclude(actor=official, question=question, conclusion="대여소 200곳을 늘리기로 했습니다.")
    return Question.objects.get(pk=question.pk)


@pytest.fixture
def ask(unit, official):
    def make(**kwargs):
        return make_question(unit, official, **kwargs)

    return make
