"""Every write on proposals: drafting, publishing, supports, the stages and the answers.

Each service is atomic, locks the proposal row, checks the state it moves from and raises
ProposalError on an illegal move. A stage change writes a StageChange row, an audit event and
the notifications to the proposer and the followers, in the same transaction.

Defaults (Seoul's rules since March 2020), overridable in settings:
PROPOSALS_SUPPORT_WINDOW_DAYS = 30, PROPOSALS_REVIEW_THRESHOLD = 50,
PROPOSALS_ANSWER_DUE_MONTHS = 1, PROPOSALS_DEBATE_THRESHOLD = 100,
PROPOSALS_DEBATE_DAYS = 30, PROPOSALS_MAYOR_THRESHOLD = 1000.
"""

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import ledger
from audit.services import audit_record, ledger_append
from citizens.services import violated_constraint
from notifications.services import notify

from .. import rules as proposal_rules
from ..errors import ProposalError
from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Assignment, Follow, Proposal, StageChange, Support
from ..text import clean_text, contains_html
from .images import clean_image_alt, prepare_image
from .questions import question_close_due

logger = logging.getLogger(__name__)

Status = Proposal.Status

DEFAULTS = {
    "SUPPORT_WINDOW_DAYS": 30,
    "REVIEW_THRESHOLD": 50,
    "ANSWER_DUE_MONTHS": 1,
    "DEBATE_THRESHOLD": 100,
    "DEBATE_DAYS": 30,
    "MAYOR_THRESHOLD": 1000,
}

CONSTRAINT_MESSAGES = {
    # PostgreSQL names the constraint; SQLite names the last column of the unique index.
    "support_one_active_per_citizen": _("You have already supported this proposal."),
    "citizen_id": _("You have already supported this proposal."),
}


def setting(name: str) -> int:
    return getattr(settings, f"PROPOSALS_{name}", DEFAULTS[name])


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --- Input ----------------------------------------------------------------------------------


def _lock(proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _require_status(proposal, *allowed, message=None):
    if proposal.status not in allowed:
        raise ProposalError(
            message
            or _("This proposal is %(status)s: it cannot be moved that way.") % {"status": proposal.get_status_display()}
        )


# --- Stage changes --------------------------------------------------------------------------


def _move(proposal, to_status, *, actor, now, reason="", update_fields=(), summary=None) -> StageChange:
    """Save the proposal in its new status and write the timeline row, the audit event and the notices."""
    from_status = proposal.status
    proposal.status = to_status
    proposal.save(update_fields=["status", *update_fields])
    change = StageChange.objects.create(
        proposal=proposal, from_status=from_status, to_status=to_status, at=now, reason=reason, actor=actor
    )
    audit_record(
        actor=actor,
        action=f"proposal.{to_status}",
        target=proposal,
        summary={"from": from_status, "to": to_status, **(summary or {})},
    )
    _notify_stage(proposal, change)
    return change


def _notify_stage(proposal, change):
    recipients = {proposal.author_id: proposal.author}
    for follow in Follow.objects.filter(proposal=proposal).select_related("citizen"):
        recipients.setdefault(follow.citizen_id, follow.citizen)
    context = {
        "proposal_id": proposal.pk,
        "title": proposal.title,
        "answer_due_on": proposal.answer_due_on,
        "answer_type": proposal.answer_type,
        "support_count": proposal.support_count,
        "window_days": setting("SUPPORT_WINDOW_DAYS"),
        "debate_days": setting("DEBATE_DAYS"),
    }
    for citizen_id, citizen in recipients.items():
        if citizen.erased_at or not citizen.is_active:
            continue
        notify(
            recipient=citizen,
            kind=f"proposal_{change.to_status}",
            context=context,
            key=f"proposals:stage:{change.pk}:{citizen_id}",
        )


# --- Drafting and publishing ----------------------------------------------------------------


def _discard_stored_file(storage, name):
    """Remove a file stored by a transaction that did not commit (or one no longer pointed to)."""
    if name:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the stored file %s", name)


def proposal_create_draft(*, author, title, body, category, district=None, image=None, image_alt="") -> Proposal:
    """Write a draft. `image` (optional) is an uploaded file, checked and re-encoded by
    images.prepare_image; `image_alt` is then required."""
    if author.phone_verified_at is None:
        raise ProposalError(_("Verify your mobile phone before writing a proposal."))
    title = clean_text(title, field_name="title", label=_("title"), max_length=TITLE_MAX_LENGTH)
    body = clean_text(body, field_name="body", label=_("proposal"), max_length=BODY_MAX_LENGTH)
    prepared = prepare_image(image) if image else None
    image_alt = clean_image_alt(image_alt, has_image=prepared is not None)
    proposal = Proposal(
        author=author, title=title, body=body, category=category, district=district, image_alt=image_alt
    )
    try:
        with transaction.atomic():
            if prepared is not None:
                proposal.image.save(prepared.name, prepared, save=False)
            proposal.save()
            Follow.objects.create(proposal=proposal, citizen=author)
            audit_record(actor=author, action="proposal.create_draft", target=proposal)
    except BaseException:
        _discard_stored_file(proposal.image.storage, proposal.image.name if prepared is not None else "")
        raise
    return proposal


def proposal_update_draft(
    *, author, proposal, title, body, category, district=None, version=None, image=None, image_alt=None,
    remove_image=False,
) -> Proposal:
    """Edit a draft. `version` is the draft's version the form was opened on: a form opened before
    another edit (another tab, another device) is refused as stale instead of overwriting it.

    `image`: a new image replaces the old one; `remove_image` drops it; neither keeps it.
    `image_alt`: None keeps the description; it is required while the draft has an image."""
    title = clean_text(title, field_name="title", label=_("title"), max_length=TITLE_MAX_LENGTH)
    body = clean_text(body, field_name="body", label=_("proposal"), max_length=BODY_MAX_LENGTH)
    prepared = prepare_image(image) if image else None
    stored_name = ""
    try:
        with transaction.atomic():
            proposal = _lock(proposal)
            if proposal.author_id != author.pk:
                raise ProposalError(_("Only the proposer may edit a draft."))
            _require_status(proposal, Status.DRAFT, message=_("A published proposal can no longer be edited."))
            if version is not None and int(version) != proposal.version:
                raise ProposalError(
                    _("This draft was changed after you opened the form (in another window?). Reload it and edit again.")
                )
            has_image = prepared is not None or (bool(proposal.image) and not remove_image)
            alt = clean_image_alt(proposal.image_alt if image_alt is None else image_alt, has_image=has_image)
            replaced = proposal.image.name if proposal.image and (prepared is not None or remove_image) else ""
            if prepared is not None:
                proposal.image.save(prepared.name, prepared, save=False)
                stored_name = proposal.image.name
            elif remove_image:
                proposal.image = ""
            proposal.title, proposal.body, proposal.category, proposal.district = title, body, category, district
            proposal.image_alt = alt
            proposal.version += 1
            proposal.save(
                update_fields=["title", "body", "category", "district", "image", "image_alt", "version", "updated_at"]
            )
            audit_record(actor=author, action="proposal.update_draft", target=proposal)
            if replaced:
                storage = proposal.image.storage
                transaction.on_commit(lambda: _discard_stored_file(storage, replaced))
    except BaseException:
        _discard_stored_file(proposal.image.storage, stored_name)
        raise
    return proposal


def proposal_publish(*, author, proposal, now=None) -> Proposal:
    """Open the support window (PROPOSALS_SUPPORT_WINDOW_DAYS)."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.author_id != author.pk:
            raise ProposalError(_("Only the proposer may publish this proposal."))
        if author.phone_verified_at is None:
            raise ProposalError(_("Verify your mobile phone before publishing a proposal."))
        _require_status(proposal, Status.DRAFT, message=_("This proposal is already published."))
        proposal.published_at = proposal.window_opens_at = now
        proposal.window_closes_at = now + timedelta(days=setting("SUPPORT_WINDOW_DAYS"))
        _move(
            proposal, Status.OPEN, actor=author, now=now,
            update_fields=["published_at", "window_opens_at", "window_closes_at"],
        )
    return proposal


# --- Supports -------------------------------------------------------------------------------


def support_commitment(support: Support) -> str:
    return ledger.ledger_commitment(salt=support.salt, content={"proposal": support.proposal_id, "act": "support"})


def withdrawal_commitment(support: Support) -> str:
    return ledger.ledger_commitment(
        salt=support.withdrawal_salt, content={"proposal": support.proposal_id, "act": "support_withdrawal"}
    )


def _window_is_open(proposal, now):
    return proposal.status == Status.OPEN and proposal.window_opens_at <= now < proposal.window_closes_at


def proposal_support(*, citizen, proposal, now=None) -> Support:
    """Support a proposal; returns the Support row, whose `receipt` the citizen is shown."""
    now = now or timezone.now()
    if citizen.phone_verified_at is None:
        raise ProposalError(_("Verify your mobile phone before supporting a proposal."))
    try:
        with transaction.atomic():
            proposal = _lock(proposal)
            if proposal.author_id == citizen.pk:
                raise ProposalError(_("You cannot support your own proposal."))
            if not _window_is_open(proposal, now):
                raise ProposalError(_("This proposal is not open for support."))
            if Support.objects.filter(proposal=proposal, citizen=citizen, withdrawn_at__isnull=True).exists():
                raise ProposalError(_("You have already supported this proposal."))
            support = Support.objects.create(
                proposal=proposal, citizen=citizen, salt=ledger.new_salt(), receipt=ledger.new_receipt()
            )
            Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
            ledger_append(
                scope=proposal.ledger_scope, kind="support", commitment=support_commitment(support),
                receipt=support.receipt,
            )
            audit_record(actor=citizen, action="proposal.support", target=proposal)
    except IntegrityError as error:
        message = CONSTRAINT_MESSAGES.get(violated_constraint(error))
        if message is None:
            raise
        raise ProposalError(message) from error
    return support


def proposal_withdraw_support(*, citizen, proposal, now=None) -> Support:
    """Withdraw an active support while the window is open; the row keeps both receipts."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _lock(proposal)
        if not _window_is_open(proposal, now):
            raise ProposalError(_("The support window has closed: supports can no longer be withdrawn."))
        support = (
            Support.objects.select_for_update()
            .filter(proposal=proposal, citizen=citizen, withdrawn_at__isnull=True)
            .first()
        )
        if support is None:
            raise ProposalError(_("You have not supported this proposal."))
        support.withdrawn_at = now
        support.withdrawal_salt = ledger.new_salt()
        support.withdrawal_receipt = ledger.new_receipt()
        support.save(update_fields=["withdrawn_at", "withdrawal_salt", "withdrawal_receipt"])
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
        ledger_append(
            scope=proposal.ledger_scope, kind="support_withdrawal", commitment=withdrawal_commitment(support),
            receipt=support.withdrawal_receipt,
        )
        audit_record(actor=citizen, action="proposal.withdraw_support", target=proposal)
    return support


def proposal_follow(*, citizen, proposal) -> Follow:
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(proposal=proposal, citizen=citizen)
        if created:
            audit_record(actor=citizen, action="proposal.follow", target=proposal)
    return follow


def proposal_unfollow(*, citizen, proposal):
    with transaction.atomic():
        if Follow.objects.filter(proposal=proposal, citizen=citizen).delete()[0]:
            audit_record(actor=citizen, action="proposal.unfollow", target=proposal)


# --- Recount for verify_ledger ----------------------------------------------------------------

SCOPE_PREFIX = "proposals.proposal:"


def ledger_recount(scope: str) -> list[str]:
    """Every commitment the ledger must hold for one proposal: each support and each withdrawal."""
    proposal_id = int(scope.removeprefix(SCOPE_PREFIX))
    commitments = []
    for support in Support.objects.filter(proposal_id=proposal_id).only(
        "proposal_id", "salt", "withdrawn_at", "withdrawal_salt"
    ).iterator():
        commitments.append(support_commitment(support))
        if support.withdrawn_at is not None:
            commitments.append(withdrawal_commitment(support))
    return commitments


def ledger_scopes() -> list[str]:
    return [f"{SCOPE_PREFIX}{pk}" for pk in Support.objects.values_list("proposal_id", flat=True).distinct()]


# --- Review and answers ---------------------------------------------------------------------


def proposal_assign(*, actor, proposal, unit, reason, now=None) -> Proposal:
    """Reassign a proposal under review to another unit, with a reason (audited; the state stays)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ProposalError(_("Give the reason for the reassignment."), field="reason")
    with transaction.atomic():
        proposal = _lock(proposal)
        if not proposal_rules.can_assign.test(actor, proposal):
            raise ProposalError(_("Only an official of the responsible unit may reassign this proposal."))
        _require_status(proposal, Status.UNDER_REVIEW, message=_("Only a proposal under review can be reassigned."))
        if proposal.assigned_unit_id == unit.pk:
            raise ProposalError(_("The proposal is already assigned to this unit."), field="unit")
        previous = proposal.assigned_unit_id
        proposal.assigned_unit = unit
        proposal.save(update_fields=["assigned_unit"])
        # The reason is free text (it may name people): it goes to the timeline, not the audit summary.
        assignment = Assignment.objects.create(
            proposal=proposal, unit=unit, assigned_at=now, assigned_by=actor, reason=reason
        )
        audit_record(
            actor=actor, action="proposal.assign", target=proposal,
            summary={"from_unit": previous, "to_unit": unit.pk, "assignment": assignment.pk},
        )
    return proposal


def proposal_answer(*, actor, proposal, answer_type, reason, plan="", now=None) -> Proposal:
    now = now or timezone.now()
    reason, plan = (reason or "").strip(), (plan or "").strip()
    if answer_type not in Proposal.AnswerType.values:
        raise ProposalError(_("Choose the answer."), field="answer_type")
    if answer_type == Proposal.AnswerType.NOT_ACCEPTED and not reason:
        raise ProposalError(_("A proposal that is not accepted needs the reason."), field="reason")
    if answer_type in {Proposal.AnswerType.ACCEPTED, Proposal.AnswerType.PARTIALLY_ACCEPTED} and not plan:
        raise ProposalError(_("An accepted proposal needs an implementation plan."), field="plan")
    for value, name in ((reason, "reason"), (plan, "plan")):
        if contains_html(value):
            raise ProposalError(_("Answers are plain text: remove the HTML tags."), field=name)
    with transaction.atomic():
        proposal = _lock(proposal)
        if not proposal_rules.can_answer.test(actor, proposal):
            raise ProposalError(_("Only an official of the responsible unit may answer this proposal."))
        _require_status(proposal, Status.UNDER_REVIEW, message=_("Only a proposal under review can be answered."))
        proposal.answer_type, proposal.answer_reason, proposal.implementation_plan = answer_type, reason, plan
        proposal.answered_at, proposal.answered_by = now, actor
        proposal.answer_overdue_since = None
        _move(
            proposal, Status.ANSWERED, actor=actor, now=now, reason=reason,
            update_fields=[
                "answer_type", "answer_reason", "implementation_plan", "answered_at", "answered_by",
                "answer_overdue_since",
            ],
            summary={"answer_type": answer_type},
        )
    return proposal


# --- Debate and the Mayor -------------------------------------------------------------------


def _open_debate(proposal, *, actor, now, reason=""):
    proposal.debate_opens_at = now
    proposal.debate_closes_at = now + timedelta(days=setting("DEBATE_DAYS"))
    fields = ["debate_opens_at", "debate_closes_at"]
    if actor is not None:
        proposal.promotion_reason = reason
        fields.append("promotion_reason")
    _move(proposal, Status.IN_DEBATE, actor=actor, now=now, reason=reason, update_fields=fields)


def proposal_promote(*, actor, proposal, reason, now=None) -> Proposal:
    """The citizen panel opens a debate for a proposal under the threshold (우수제안)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ProposalError(_("Give the panel's reason for the promotion."), field="reason")
    with transaction.atomic():
        proposal = _lock(proposal)
        if not proposal_rules.can_promote.test(actor, proposal):
            raise ProposalError(_("Only officials acting for the citizen panel may promote a proposal."))
        _require_status(
            proposal, Status.ANSWERED, Status.CLOSED_INSUFFICIENT,
            message=_("Only an answered proposal or one closed for lack of support can be promoted to a debate."),
        )
        _open_debate(proposal, actor=actor, now=now, reason=reason)
    return proposal


def proposal_mayor_answer(*, actor, proposal, answer, now=None) -> Proposal:
    now = now or timezone.now()
    answer = clean_text(answer, field_name="answer", label=_("answer"), max_length=BODY_MAX_LENGTH)
    with transaction.atomic():
        proposal = _lock(proposal)
        if not proposal_rules.can_promote.test(actor, proposal):
            raise ProposalError(_("Only the Mayor's office may publish the Mayor's answer."))
        _require_status(proposal, Status.AWAITING_MAYOR, message=_("This proposal is not awaiting the Mayor's answer."))
        proposal.mayor_answer, proposal.mayor_answered_at = answer, now
        _move(proposal, Status.MAYOR_ANSWERED, actor=actor, now=now, update_fields=["mayor_answer", "mayor_answered_at"])
    return proposal


# --- The periodic advance -------------------------------------------------------------------


@dataclass
class AdvanceReport:
    to_review: list[int] = field(default_factory=list)
    closed_insufficient: list[int] = field(default_factory=list)
    debates_opened: list[int] = field(default_factory=list)
    to_mayor: list[int] = field(default_factory=list)
    debates_closed: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    questions_closed: list[int] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(
            len(ids)
            for ids in (self.to_review, self.closed_insufficient, self.debates_opened, self.to_mayor, self.debates_closed)
        )


def proposal_close_window(*, proposal, now) -> str | None:
    """Close an expired support window; returns the new status, or None if there was nothing to do."""
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != Status.OPEN or proposal.window_closes_at > now:
            return None
        if proposal.support_count >= setting("REVIEW_THRESHOLD"):
            proposal.assigned_unit_id = proposal.category.default_unit_id
            if proposal.assigned_unit_id:
                Assignment.objects.create(proposal=proposal, unit_id=proposal.assigned_unit_id, assigned_at=now)
            proposal.answer_due_on = add_months(timezone.localdate(now), setting("ANSWER_DUE_MONTHS"))
            _move(
                proposal, Status.UNDER_REVIEW, actor=None, now=now,
                update_fields=["assigned_unit", "answer_due_on"], summary={"supports": proposal.support_count},
            )
        else:
            _move(proposal, Status.CLOSED_INSUFFICIENT, actor=None, now=now, summary={"supports": proposal.support_count})
        return proposal.status


def proposal_open_debate(*, proposal, now) -> bool:
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != Status.ANSWERED or proposal.support_count < setting("DEBATE_THRESHOLD"):
            return False
        _open_debate(proposal, actor=None, now=now)
        return True


def proposal_close_debate(*, proposal, now) -> str | None:
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != Status.IN_DEBATE or proposal.debate_closes_at > now:
            return None
        to_status = (
            Status.AWAITING_MAYOR
            if proposal.debate_participant_count >= setting("MAYOR_THRESHOLD")
            else Status.DEBATE_CLOSED
        )
        _move(proposal, to_status, actor=None, now=now, summary={"participants": proposal.debate_participant_count})
        return to_status


def proposal_advance(*, now=None) -> AdvanceReport:
    """Everything that time moves: windows that closed, debates due to open or close, overdue answers,
    and the Seoul asks questions past their closing date.

    Safe to run twice (each proposal is re-checked under its lock). Each proposal moves in its
    own transaction, so one failure does not hold back the others.
    """
    now = now or timezone.now()
    report = AdvanceReport()
    for proposal in Proposal.objects.filter(status=Status.OPEN, window_closes_at__lte=now).order_by("pk"):
        moved = proposal_close_window(proposal=proposal, now=now)
        if moved == Status.UNDER_REVIEW:
            report.to_review.append(proposal.pk)
        elif moved == Status.CLOSED_INSUFFICIENT:
            report.closed_insufficient.append(proposal.pk)
    for proposal in Proposal.objects.filter(
        status=Status.ANSWERED, support_count__gte=setting("DEBATE_THRESHOLD")
    ).order_by("pk"):
        if proposal_open_debate(proposal=proposal, now=now):
            report.debates_opened.append(proposal.pk)
    for proposal in Proposal.objects.filter(status=Status.IN_DEBATE, debate_closes_at__lte=now).order_by("pk"):
        moved = proposal_close_debate(proposal=proposal, now=now)
        if moved == Status.AWAITING_MAYOR:
            report.to_mayor.append(proposal.pk)
        elif moved == Status.DEBATE_CLOSED:
            report.debates_closed.append(proposal.pk)
    report.overdue = proposal_flag_overdue(now=now)
    report.questions_closed = question_close_due(now=now)
    return report


def proposal_flag_overdue(*, now) -> list[int]:
    """Flag the answers past due (the day after the due date); returns every overdue proposal.

    A flag is set once: the day it became overdue, which the public "awaiting answer" page counts from.
    """
    today = timezone.localdate(now)
    overdue = Proposal.objects.filter(status=Status.UNDER_REVIEW, answer_due_on__lt=today)
    with transaction.atomic():
        newly = list(
            overdue.filter(answer_overdue_since__isnull=True).select_for_update().order_by("pk")
            .values_list("pk", "answer_due_on")
        )
        for pk, due_on in newly:
            Proposal.objects.filter(pk=pk).update(answer_overdue_since=due_on + timedelta(days=1))
            audit_record(
                actor=None, action="proposal.answer_overdue", target=("proposals.proposal", pk),
                summary={"due_on": due_on.isoformat()},
            )
    return list(overdue.order_by("pk").values_list("pk", flat=True))
