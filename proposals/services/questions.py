"""Seoul asks (서울시가 묻습니다, lifecycle point 8): the city's questions to citizens.

    draft ──publish──▶ open ──closes_at passes──▶ closed ──conclusion published──▶ concluded

An official serving in the question's unit (or a superuser) writes a draft, edits it, publishes it
(voting or discussion runs from then until `closes_at`) and, once it has closed, publishes the
city's conclusion. `question_close_due` closes the questions whose closing date passed; the periodic
advance (`manage.py proposals_advance`) calls it. Citizens with a verified phone vote yes or no on
a yes/no question, or give one opinion on a discussion, once each; the counts on the question are
kept exact under its row lock, and the unique constraints refuse a duplicate that races past it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.services import violated_constraint

from .. import question_rules
from ..errors import ProposalError
from ..models import OPINION_MAX_LENGTH, Question, QuestionOpinion, QuestionVote
from ..text import clean_text

Status = Question.Status
Kind = Question.Kind

TITLE_MAX_LENGTH = Question._meta.get_field("title").max_length
BODY_MAX_LENGTH = Question._meta.get_field("body").max_length
CONCLUSION_MAX_LENGTH = 10_000
# A question runs for at most this many days from now (a typo such as 2206 is refused).
DEFAULT_MAX_DAYS = 366

CONSTRAINT_MESSAGES = {
    "question_vote_once_per_citizen": _("You have already voted on this question."),
    "question_opinion_once_per_citizen": _("You have already given your opinion on this question."),
}


def max_days() -> int:
    return getattr(settings, "PROPOSALS_QUESTION_MAX_DAYS", DEFAULT_MAX_DAYS)


# --- Checks shared with the admin forms ------------------------------------------------------


def check_question_fields(*, title, body, kind, closes_at, now) -> tuple[str, str]:
    """The cleaned title and body; raises ProposalError naming the field on bad input."""
    title = clean_text(title, field_name="title", label=_("question"), max_length=TITLE_MAX_LENGTH)
    body = clean_text(body, field_name="body", label=_("background"), max_length=BODY_MAX_LENGTH)
    if kind not in Kind.values:
        raise ProposalError(_("Choose whether citizens vote yes or no or discuss."), field="kind")
    check_closes_at(closes_at, now=now)
    return title, body


def check_closes_at(closes_at, *, now):
    if not isinstance(closes_at, datetime) or timezone.is_naive(closes_at):
        raise ProposalError(_("Give the closing date and time."), field="closes_at")
    if closes_at <= now:
        raise ProposalError(_("The closing date must be in the future."), field="closes_at")
    if closes_at > now + timedelta(days=max_days()):
        raise ProposalError(
            _("A question runs for at most %(days)s days: choose an earlier closing date.") % {"days": max_days()},
            field="closes_at",
        )


def check_may_ask(actor, unit):
    if not question_rules.can_ask_in_unit.test(actor, unit):
        raise ProposalError(_("Only an official serving in this unit may ask citizens in its name."), field="unit")


def check_may_manage(actor, question):
    if not question_rules.can_manage_question.test(actor, question):
        raise ProposalError(_("Only an official of the asking unit may manage this question."))


def clean_conclusion(conclusion) -> str:
    return clean_text(conclusion, field_name="conclusion", label=_("conclusion"), max_length=CONCLUSION_MAX_LENGTH)


def _lock(question) -> Question:
    return Question.objects.select_for_update().get(pk=question.pk)


def _is_open(question, now) -> bool:
    return question.status == Status.OPEN and question.opens_at <= now < question.closes_at


def _refuse_participation(question, now, *, kind):
    """The reason a citizen cannot answer the question now, or None."""
    if question.kind != kind:
        if kind == Kind.YES_NO:
            return _("This question is an open discussion: give your opinion instead of voting.")
        return _("This question is a yes or no vote: vote instead of writing an opinion.")
    if question.status == Status.DRAFT:
        return _("This question is not published yet.")
    if not _is_open(question, now):
        return _("This question has closed: answers are no longer taken.")
    return None


# --- Officials ------------------------------------------------------------------------------


def question_create(*, actor, unit, title, body, kind, closes_at, now=None) -> Question:
    """A draft question in the name of `unit`; citizens see it once published."""
    now = now or timezone.now()
    title, body = check_question_fields(title=title, body=body, kind=kind, closes_at=closes_at, now=now)
    check_may_ask(actor, unit)
    with transaction.atomic():
        question = Question.objects.create(
            title=title, body=body, kind=kind, unit=unit, created_by=actor, closes_at=closes_at
        )
        audit_record(actor=actor, action="question.create", target=question, summary={"unit": unit.pk, "kind": kind})
    return question


def question_update_draft(*, actor, question, title, body, kind, closes_at, now=None) -> Question:
    """Edit a draft (a published question keeps what citizens answered to)."""
    now = now or timezone.now()
    title, body = check_question_fields(title=title, body=body, kind=kind, closes_at=closes_at, now=now)
    with transaction.atomic():
        question = _lock(question)
        check_may_manage(actor, question)
        if question.status != Status.DRAFT:
            raise ProposalError(_("A published question can no longer be edited."))
        question.title, question.body, question.kind, question.closes_at = title, body, kind, closes_at
        question.save(update_fields=["title", "body", "kind", "closes_at"])
        audit_record(actor=actor, action="question.update_draft", target=question)
    return question


def question_publish(*, actor, question, now=None) -> Question:
    """Open a draft to citizens from now until its closing date."""
    now = now or timezone.now()
    with transaction.atomic():
        question = _lock(question)
        check_may_manage(actor, question)
        if question.status != Status.DRAFT:
            raise ProposalError(_("This question is already published."))
        if question.closes_at <= now:
            raise ProposalError(
                _("The closing date of this draft has passed: set a later one before publishing."), field="closes_at"
            )
        question.status, question.opens_at = Status.OPEN, now
        question.save(update_fields=["status", "opens_at"])
        audit_record(actor=actor, action="question.publish", target=question)
    return question


def question_close(*, question, now, actor=None) -> bool:
    """Close an open question whose closing date has passed. Returns True when it closed, False when
    it was already closed or concluded (safe to run twice); refuses a draft or a question still running."""
    with transaction.atomic():
        question = _lock(question)
        if question.status in {Status.CLOSED, Status.CONCLUDED}:
            return False
        if question.status == Status.DRAFT:
            raise ProposalError(_("A draft question is not published: there is nothing to close."))
        if question.closes_at > now:
            raise ProposalError(
                _("This question runs until %(closes_at)s: it closes then, not before.")
                % {"closes_at": timezone.localtime(question.closes_at).strftime("%Y-%m-%d %H:%M")}
            )
        question.status = Status.CLOSED
        question.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="question.close",
            target=question,
            summary={"yes": question.yes_count, "no": question.no_count, "opinions": question.opinion_count},
        )
    return True


def question_close_due(*, now) -> list[int]:
    """Close every open question past its closing date; returns the ids it closed. Each question
    closes in its own transaction, and one closed meanwhile by another run is skipped."""
    closed = []
    due = Question.objects.filter(status=Status.OPEN, closes_at__lte=now).order_by("pk").values_list("pk", flat=True)
    for pk in list(due):
        try:
            if question_close(question=Question(pk=pk), now=now):
                closed.append(pk)
        except ProposalError:
            continue  # moved meanwhile (e.g. its closing date changed); the next run sees it again

    return closed


def question_conclude(*, actor, question, conclusion, now=None) -> Question:
    """Publish the city's conclusion on a closed question."""
    now = now or timezone.now()
    conclusion = clean_conclusion(conclusion)
    with transaction.atomic():
        question = _lock(question)
        check_may_manage(actor, question)
        if question.status == Status.CONCLUDED:
            raise ProposalError(_("The conclusion of this question is already published."))
        if question.status != Status.CLOSED:
            raise ProposalError(_("A conclusion is published once the question has closed."))
        question.status, question.conclusion, question.concluded_at = Status.CONCLUDED, conclusion, now
        question.save(update_fields=["status", "conclusion", "concluded_at"])
        audit_record(actor=actor, action="question.conclude", target=question)
    return question


# --- Citizens -------------------------------------------------------------------------------


def _participate(write):
    """Run a citizen's answer; a duplicate that raced past the lock check is refused by its constraint."""
    try:
        return write()
    except IntegrityError as error:
        message = CONSTRAINT_MESSAGES.get(violated_constraint(error))
        if message is None:
            raise
        raise ProposalError(message) from error


def _take_part(*, citizen, question, now, kind, model, counter, action, **fields):
    """Write one vote or opinion on an open question of `kind`, once per citizen, under the
    question's lock, with its counter and audit event. A given `now` is also the row's time
    (created_at is auto_now_add: the moment given — a seed, a replay — replaces it)."""
    backdated = now is not None
    now = now or timezone.now()
    if citizen.phone_verified_at is None:
        raise ProposalError(_("Verify your mobile phone before answering the city's questions."))

    def write():
        with transaction.atomic():
            locked = _lock(question)
            refusal = _refuse_participation(locked, now, kind=kind)
            if refusal:
                raise ProposalError(refusal)
            if model.objects.filter(question=locked, citizen=citizen).exists():
                raise ProposalError(CONSTRAINT_MESSAGES[model._meta.constraints[0].name])
            row = model.objects.create(question=locked, citizen=citizen, **fields)
            if backdated:
                model.objects.filter(pk=row.pk).update(created_at=now)
                row.created_at = now
            Question.objects.filter(pk=locked.pk).update(**{counter: F(counter) + 1})
            # What was voted stays out of the audit log: it records that the citizen took part.
            audit_record(actor=citizen, action=action, target=locked)
            return row

    return _participate(write)


def question_vote(*, citizen, question, choice, now=None) -> QuestionVote:
    """Vote yes (`choice` True) or no (False) on an open yes/no question, once."""
    if not isinstance(choice, bool):
        raise ProposalError(_("Choose yes or no."), field="choice")
    return _take_part(
        citizen=citizen, question=question, now=now, kind=Kind.YES_NO, model=QuestionVote,
        counter="yes_count" if choice else "no_count", action="question.vote", choice=choice,
    )


def question_opine(*, citizen, question, body, now=None) -> QuestionOpinion:
    """Give one opinion on an open discussion (plain text), once."""
    body = clean_text(body, field_name="body", label=_("opinion"), max_length=OPINION_MAX_LENGTH)
    return _take_part(
        citizen=citizen, question=question, now=now, kind=Kind.DISCUSSION, model=QuestionOpinion,
        counter="opinion_count", action="question.opine", body=body,
    )


# --- Personal data (for the app's citizens.registry handler) ---------------------------------


def questions_personal_data(citizen) -> dict:
    """What Seoul asks holds about a citizen: their votes and their opinions."""
    return {
        "question_votes": [
            {"question": question_id, "yes": choice, "voted_at": created_at.isoformat()}
            for question_id, choice, created_at in QuestionVote.objects.filter(citizen=citizen)
            .order_by("pk")
            .values_list("question_id", "choice", "created_at")
        ],
        "question_opinions": [
            {"question": question_id, "opinion": body, "written_at": created_at.isoformat()}
            for question_id, body, created_at in QuestionOpinion.objects.filter(citizen=citizen)
            .order_by("pk")
            .values_list("question_id", "body", "created_at")
        ],
    }


def questions_erase(citizen):
    """Delete the citizen's opinions (their own words) and keep the counts exact; votes stay, as
    supports do, so that published results keep adding up (the account row is anonymised)."""
    for opinion in QuestionOpinion.objects.filter(citizen=citizen).order_by("question_id").only("pk", "question_id"):
        with transaction.atomic():
            Question.objects.select_for_update().filter(pk=opinion.question_id).first()
            if QuestionOpinion.objects.filter(pk=opinion.pk).delete()[0]:
                Question.objects.filter(pk=opinion.question_id).update(opinion_count=F("opinion_count") - 1)
