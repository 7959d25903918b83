"""Every move of a question, legal and illegal; votes and opinions; closing when due."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from proposals.errors import ProposalError
from proposals.models import Question, QuestionOpinion, QuestionVote
from proposals.services.questions import (
    question_close,
    question_close_due,
    question_conclude,
    question_create,
    question_opine,
    question_publish,
    question_update_draft,
    question_vote,
    questions_erase,
    questions_personal_data,
)

from .conftest import K, S

pytestmark = pytest.mark.django_db


def fresh(question):
    return Question.objects.get(pk=question.pk)


# --- creating and editing ------------------------------------------------------------------


def test_an_official_creates_a_draft(unit, official):
    closes = timezone.now() + timedelta(days=14)
    question = question_create(
        actor=official, unit=unit, title="  따릉이 대여소  ", body="배경\r\n설명", kind=K.YES_NO, closes_at=closes
    )
    assert (question.status, question.title, question.body, question.created_by) == (
        S.DRAFT,
        "따릉이 대여소",
        "배경\n설명",
        official,
    )
    assert question.opens_at is None and question.closes_at == closes
    assert AuditEvent.objects.filter(action="question.create", target_id=str(question.pk)).exists()


def test_a_superuser_asks_in_any_unit(other_unit, superuser):
    question = question_create(
        actor=superuser,
        unit=other_unit,
        title="질문",
        body="배경",
        kind=K.DISCUSSION,
        closes_at=timezone.now() + timedelta(days=1),
    )
    assert question.unit == other_unit


@pytest.mark.parametrize("who", ["citizen", "official_elsewhere", "unverified", "anonymous"])
def test_others_cannot_ask_in_the_unit(who, people, unit):
    with pytest.raises(ProposalError) as refused:
        question_create(
            actor=people[who],
            unit=unit,
            title="질문",
            body="배경",
            kind=K.YES_NO,
            closes_at=timezone.now() + timedelta(days=1),
        )
    assert refused.value.field == "unit"
    assert not Question.objects.exists()


CLOSING = {
    "none": lambda now: None,
    "text": lambda now: "2030-01-01",
    "past": lambda now: now - timedelta(minutes=1),
    "now": lambda now: now,
    "naive": lambda now: (now + timedelta(days=1)).replace(tzinfo=None),
    "far": lambda now: now + timedelta(days=400),
}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "가" * 151}, "title"),
        ({"title": "<img src=x onerror=alert(1)>"}, "title"),
        ({"body": "  "}, "body"),
        ({"body": "가" * 10_001}, "body"),
        ({"body": "<p>배경</p>"}, "body"),
        ({"kind": "ranking"}, "kind"),
        ({"kind": ""}, "kind"),
        *[({"closes_at": key}, "closes_at") for key in CLOSING],
    ],
)
def test_bad_questions_are_refused(values, field, unit, official):
    now = timezone.now()
    data = {"title": "질문", "body": "배경", "kind": K.YES_NO, "closes_at": now + timedelta(days=1), **values}
    if isinstance(data["closes_at"], str):
        data["closes_at"] = CLOSING[data["closes_at"]](now)
    with pytest.raises(ProposalError) as refused:
        question_create(actor=official, unit=unit, now=now, **data)
    assert refused.value.field == field
    assert not Question.objects.exists()


def test_a_draft_is_edited_and_a_published_question_is_not(ask, official):
    question = ask(status=S.DRAFT)
    closes = timezone.now() + timedelta(days=20)
    question_update_draft(
        actor=official, question=question, title="새 제목", body="새 배경", kind=K.DISCUSSION, closes_at=closes
    )
    assert (fresh(question).title, fresh(question).kind, fresh(question).closes_at) == ("새 제목", K.DISCUSSION, closes)
    question_publish(actor=official, question=question)
    with pytest.raises(ProposalError, match="can no longer be edited"):
        question_update_draft(actor=official, question=question, title="또", body="또", kind=K.YES_NO, closes_at=closes)


def test_others_cannot_edit_a_draft(ask, official_elsewhere):
    question = ask(status=S.DRAFT)
    with pytest.raises(ProposalError, match="official of the asking unit"):
        question_update_draft(
            actor=official_elsewhere,
            question=question,
            title="x",
            body="y",
            kind=K.YES_NO,
            closes_at=timezone.now() + timedelta(days=1),
        )


# --- the state machine as a table ----------------------------------------------------------


def run_publish(question, who):
    return question_publish(actor=who["official"], question=question)


def run_close(question, who):
    return question_close(question=question, now=timezone.now() + timedelta(days=30))


def run_conclude(question, who):
    return question_conclude(actor=who["official"], question=question, conclusion="추진하겠습니다.")


ACTIONS = {
    # action: (run, states it moves from, the state it moves to)
    "publish": (run_publish, {S.DRAFT}, S.OPEN),
    "close": (run_close, {S.OPEN}, S.CLOSED),
    "conclude": (run_conclude, {S.CLOSED}, S.CONCLUDED),
}


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_moves_only_from_its_states(action, status, ask, official):
    run, allowed_from, to_status = ACTIONS[action]
    question = ask(status=status)
    events = AuditEvent.objects.count()
    if status in allowed_from:
        run(question, {"official": official})
        assert fresh(question).status == to_status
        assert AuditEvent.objects.filter(action=f"question.{action}", target_id=str(question.pk)).exists()
    elif action == "close" and status in {S.CLOSED, S.CONCLUDED}:
        assert run(question, {"official": official}) is False  # idempotent
        assert fresh(question).status == status and AuditEvent.objects.count() == events
    else:
        with pytest.raises(ProposalError):
            run(question, {"official": official})
        assert fresh(question).status == status
        assert AuditEvent.objects.count() == events


def test_publishing_opens_now_until_the_closing_date(ask, official):
    question = ask(status=S.DRAFT)
    now = timezone.now()
    question_publish(actor=official, question=question, now=now)
    assert (fresh(question).status, fresh(question).opens_at) == (S.OPEN, now)


def test_a_draft_past_its_closing_date_cannot_be_published(ask, official):
    question = ask(status=S.DRAFT, days=1)
    with pytest.raises(ProposalError) as refused:
        question_publish(actor=official, question=question, now=timezone.now() + timedelta(days=2))
    assert refused.value.field == "closes_at"
    assert fresh(question).status == S.DRAFT


@pytest.mark.parametrize("who", ["citizen", "official_elsewhere", "anonymous"])
def test_others_cannot_publish_or_conclude(who, people, ask):
    draft, closed = ask(status=S.DRAFT), ask(status=S.CLOSED)
    with pytest.raises(ProposalError, match="official of the asking unit"):
        question_publish(actor=people[who], question=draft)
    with pytest.raises(ProposalError, match="official of the asking unit"):
        question_conclude(actor=people[who], question=closed, conclusion="결론")
    assert (fresh(draft).status, fresh(closed).status) == (S.DRAFT, S.CLOSED)


def test_a_running_question_does_not_close_early(ask):
    question = ask(status=S.OPEN)
    with pytest.raises(ProposalError, match="closes then, not before"):
        question_close(question=question, now=timezone.now())
    assert fresh(question).status == S.OPEN


@pytest.mark.parametrize("conclusion", ["", "   ", "<b>결론</b>", "가" * 10_001])
def test_a_bad_conclusion_is_refused(conclusion, ask, official):
    question = ask(status=S.CLOSED)
    with pytest.raises(ProposalError) as refused:
        question_conclude(actor=official, question=question, conclusion=conclusion)
    assert refused.value.field == "conclusion"
    assert fresh(question).status == S.CLOSED and fresh(question).conclusion == ""


def test_concluding_publishes_the_conclusion(ask, official):
    question = ask(status=S.CLOSED)
    now = timezone.now()
    question_conclude(actor=official, question=question, conclusion="대여소를 늘립니다.\nhttps://seoul.go.kr", now=now)
    question = fresh(question)
    assert (question.status, question.conclusion, question.concluded_at) == (
        S.CONCLUDED,
        "대여소를 늘립니다.\nhttps://seoul.go.kr",
        now,
    )


def test_close_due_closes_only_what_is_due_and_is_safe_to_run_twice(ask):
    due = [ask(status=S.OPEN, days=1), ask(status=S.OPEN, days=2, kind=K.DISCUSSION)]
    later = ask(status=S.OPEN, days=10)
    draft = ask(status=S.DRAFT, days=1)
    now = timezone.now() + timedelta(days=3)
    assert question_close_due(now=now) == [q.pk for q in due]
    assert question_close_due(now=now) == []
    assert [fresh(q).status for q in (*due, later, draft)] == [S.CLOSED, S.CLOSED, S.OPEN, S.DRAFT]
    closing = AuditEvent.objects.filter(action="question.close")
    assert closing.count() == 2 and closing.first().actor_id is None


# --- votes ------------------------------------------------------------------------------------


def test_votes_are_counted(ask, make_citizen):
    question = ask(status=S.OPEN)
    for choice in (True, True, False):
        question_vote(citizen=make_citizen(), question=question, choice=choice)
    question = fresh(question)
    assert (question.yes_count, question.no_count) == (2, 1)
    assert QuestionVote.objects.filter(question=question).count() == 3
    event = AuditEvent.objects.filter(action="question.vote").latest("pk")
    assert "yes" not in event.summary and "choice" not in event.summary  # what was voted stays out of the log


def test_a_second_vote_is_refused(ask, make_citizen):
    question, citizen = ask(status=S.OPEN), make_citizen()
    question_vote(citizen=citizen, question=question, choice=True)
    with pytest.raises(ProposalError, match="already voted"):
        question_vote(citizen=citizen, question=question, choice=False)
    assert (fresh(question).yes_count, fresh(question).no_count) == (1, 0)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": S.DRAFT}, "not published yet"),
        ({"status": S.CLOSED}, "has closed"),
        ({"status": S.CONCLUDED}, "has closed"),
        ({"status": S.OPEN, "kind": K.DISCUSSION}, "open discussion"),
    ],
)
def test_votes_only_on_an_open_yes_no_question(setup, message, ask, make_citizen):
    question = ask(**setup)
    with pytest.raises(ProposalError, match=message):
        question_vote(citizen=make_citizen(), question=question, choice=True)
    assert not QuestionVote.objects.exists()


def test_no_vote_after_the_closing_date_even_before_the_close_runs(ask, make_citizen):
    question = ask(status=S.OPEN, days=1)
    with pytest.raises(ProposalError, match="has closed"):
        question_vote(citizen=make_citizen(), question=question, choice=True, now=timezone.now() + timedelta(days=2))


@pytest.mark.parametrize("choice", ["yes", 1, None])
def test_the_choice_is_yes_or_no(choice, ask, make_citizen):
    with pytest.raises(ProposalError) as refused:
        question_vote(citizen=make_citizen(), question=ask(status=S.OPEN), choice=choice)
    assert refused.value.field == "choice"


def test_an_unverified_citizen_cannot_vote(ask, make_citizen):
    with pytest.raises(ProposalError, match="Verify your mobile phone"):
        question_vote(citizen=make_citizen(verified=False), question=ask(status=S.OPEN), choice=True)


# --- opinions -----------------------------------------------------------------------------


def test_opinions_are_counted(ask, make_citizen):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    opinion = question_opine(citizen=make_citizen(), question=question, body="  대여소가 부족합니다.\r\n특히 강서구  ")
    assert opinion.body == "대여소가 부족합니다.\n특히 강서구"
    question_opine(citizen=make_citizen(), question=question, body="좋습니다")
    assert fresh(question).opinion_count == 2


def test_a_second_opinion_is_refused(ask, make_citizen):
    question, citizen = ask(status=S.OPEN, kind=K.DISCUSSION), make_citizen()
    question_opine(citizen=citizen, question=question, body="첫 의견")
    with pytest.raises(ProposalError, match="already given your opinion"):
        question_opine(citizen=citizen, question=question, body="둘째 의견")
    assert fresh(question).opinion_count == 1


@pytest.mark.parametrize("body", ["", "   ", "<script>alert(1)</script>", "가" * 2_001])
def test_bad_opinions_are_refused(body, ask, make_citizen):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    with pytest.raises(ProposalError) as refused:
        question_opine(citizen=make_citizen(), question=question, body=body)
    assert refused.value.field == "body"
    assert fresh(question).opinion_count == 0 and not QuestionOpinion.objects.exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": S.DRAFT, "kind": K.DISCUSSION}, "not published yet"),
        ({"status": S.CLOSED, "kind": K.DISCUSSION}, "has closed"),
        ({"status": S.CONCLUDED, "kind": K.DISCUSSION}, "has closed"),
        ({"status": S.OPEN, "kind": K.YES_NO}, "yes or no vote"),
    ],
)
def test_opinions_only_on_an_open_discussion(setup, message, ask, make_citizen):
    with pytest.raises(ProposalError, match=message):
        question_opine(citizen=make_citizen(), question=ask(**setup), body="의견")
    assert not QuestionOpinion.objects.exists()


def test_an_unverified_citizen_cannot_opine(ask, make_citizen):
    with pytest.raises(ProposalError, match="Verify your mobile phone"):
        question_opine(
            citizen=make_citizen(verified=False), question=ask(status=S.OPEN, kind=K.DISCUSSION), body="의견"
        )


# --- personal data ------------------------------------------------------------------------


def test_export_and_erase(ask, make_citizen):
    citizen = make_citizen()
    vote_on, discuss = ask(status=S.OPEN), ask(status=S.OPEN, kind=K.DISCUSSION)
    question_vote(citizen=citizen, question=vote_on, choice=False)
    question_opine(citizen=citizen, question=discuss, body="제 의견입니다.")
    exported = questions_personal_data(citizen)
    assert exported["question_votes"][0]["question"] == vote_on.pk and exported["question_votes"][0]["yes"] is False
    assert exported["question_opinions"][0]["opinion"] == "제 의견입니다."

    questions_erase(citizen)
    assert not QuestionOpinion.objects.filter(citizen=citizen).exists()
    assert fresh(discuss).opinion_count == 0
    assert fresh(vote_on).no_count == 1  # the vote stays counted


def test_closing_time_is_shown_in_seoul_time(ask):
    question = ask(status=S.OPEN)
    with pytest.raises(ProposalError) as refused:
        question_close(question=question, now=timezone.now())
    local = question.closes_at.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M")
    assert local in str(refused.value)


@pytest.mark.parametrize("kind", K.values)
def test_a_duplicate_that_races_past_the_check_is_refused_by_the_constraint(kind, ask, make_citizen, monkeypatch):
    from django.db.models import QuerySet

    question, citizen = ask(status=S.OPEN, kind=kind), make_citizen()
    answer = (
        (lambda: question_vote(citizen=citizen, question=question, choice=True))
        if kind == K.YES_NO
        else (lambda: question_opine(citizen=citizen, question=question, body="의견"))
    )
    answer()
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # as if the other request had not committed yet
    with pytest.raises(ProposalError, match="already"):
        answer()
    monkeypatch.undo()
    question = fresh(question)
    assert question.yes_count + question.opinion_count == 1
