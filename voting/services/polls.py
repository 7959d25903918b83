"""Every write on a poll's life: creating, screening, publishing, opening, closing, hiding,
reports and the policy follow-up.

Each service is atomic, locks the poll row, checks the state it moves from and raises
VotingError on an illegal move; it writes the audit event and the notifications in the same
transaction. Ballots are in ballots.py.
"""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.services import violated_constraint
from notifications.services import notify
from seoul_portal.images import ImageRejected, prepare_image

from ..errors import VotingError
from ..models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_LABEL_MAX_LENGTH,
    ROOM_CODE_LENGTH,
    TITLE_MAX_LENGTH,
    PolicyReflection,
    Poll,
    PollOption,
    PollReport,
)
from ..tallies import tally_prepare
from .locks import poll_gate_shut

Status = Poll.Status
# A poll's times lie within this distance of today: anything else is a typing slip (or a date
# so far off that the database cannot even give it back).
SCHEDULE_HORIZON = timedelta(days=2 * 365)
# Room codes are read aloud and typed on phones: no 0/O, 1/I/L.
ROOM_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def new_onsite_token() -> str:
    return secrets.token_urlsafe(32)


def _lock(poll) -> Poll:
    return Poll.objects.select_for_update().get(pk=poll.pk)


def _require_status(poll, *allowed, message=None):
    if poll.status not in allowed:
        raise VotingError(
            message or _("This poll is %(status)s: it cannot be moved that way.") % {"status": poll.get_status_display()}
        )


def _require_reason(reason, field="reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise VotingError(_("Give a reason."), field=field)
    return reason


def _record(poll, *, actor, action, summary=None):
    audit_record(actor=actor, action=f"poll.{action}", target=poll, summary={"status": poll.status, **(summary or {})})


# --- Creating --------------------------------------------------------------------------------


def clean_poll_fields(
    *, kind, title, question_type, max_choices, options, opens_at, closes_at, audience_min_age=None,
    audience_max_age=None, access=Poll.Access.PUBLIC, event_starts_at=None, event_ends_at=None, now=None,
):
    """Check a poll's fields together; raises VotingError naming the field. Returns cleaned options
    as a list of dicts (label, description, image, image_alt)."""
    now = now or timezone.now()
    if kind not in Poll.Kind.values:
        raise VotingError(_("Unknown kind of poll."), field="kind")
    title = (title or "").strip()
    if not title:
        raise VotingError(_("Give the poll a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise VotingError(_("The title is too long."), field="title")
    if question_type not in Poll.QuestionType.values:
        raise VotingError(_("Unknown question type."), field="question_type")
    cleaned = []
    for option in options:
        label = (option.get("label") or "").strip()
        if not label:
            continue
        if len(label) > OPTION_LABEL_MAX_LENGTH:
            raise VotingError(_("An option is too long."), field="options")
        cleaned.append({**option, "label": label, "description": (option.get("description") or "").strip()})
        if isinstance(option.get("image"), UploadedFile):
            # The forms hand over prepared images; a caller that did not gets the same upload policy
            # (a raw upload would be stored as sent, under its own name).
            try:
                cleaned[-1]["image"] = prepare_image(option["image"])
            except ImageRejected as error:
                raise VotingError(error.message, field="options") from None
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise VotingError(
            _("A poll has between %(min)d and %(max)d options.") % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            field="options",
        )
    if len({option["label"] for option in cleaned}) != len(cleaned):
        raise VotingError(_("Two options have the same text."), field="options")
    if question_type == Poll.QuestionType.SINGLE:
        max_choices = 1
    elif not max_choices or not 1 <= int(max_choices) <= len(cleaned):
        raise VotingError(
            _("The maximum number of picks must be between 1 and the number of options."), field="max_choices"
        )
    if not opens_at or not closes_at:
        raise VotingError(_("Set when the poll opens and closes."), field="opens_at")
    if closes_at <= opens_at:
        raise VotingError(_("The poll must close after it opens."), field="closes_at")
    if closes_at <= now:
        raise VotingError(_("The closing time has already passed."), field="closes_at")
    for name, moment in (
        ("opens_at", opens_at), ("closes_at", closes_at),
        ("event_starts_at", event_starts_at if access == Poll.Access.ONSITE else None),
        ("event_ends_at", event_ends_at if access == Poll.Access.ONSITE else None),
    ):
        if moment is not None and not now - SCHEDULE_HORIZON <= moment <= now + SCHEDULE_HORIZON:
            raise VotingError(_("Give a date within two years of today."), field=name)
    if audience_min_age is not None and audience_max_age is not None and audience_min_age > audience_max_age:
        raise VotingError(_("The minimum age is above the maximum age."), field="audience_min_age")
    if access not in Poll.Access.values:
        raise VotingError(_("Unknown kind of access."), field="access")
    if access == Poll.Access.ONSITE:
        if not event_starts_at or not event_ends_at:
            raise VotingError(_("Set the event's start and end for an on-site poll."), field="event_starts_at")
        if event_ends_at <= event_starts_at:
            raise VotingError(_("The event must end after it starts."), field="event_ends_at")
    return int(max_choices), cleaned, title


def poll_create(
    *, actor, kind, title, description="", question_type=Poll.QuestionType.SINGLE, max_choices=1, options,
    opens_at, closes_at, audience_districts=(), audience_min_age=None, audience_max_age=None,
    access=Poll.Access.PUBLIC, event_starts_at=None, event_ends_at=None,
    results_visibility=Poll.ResultsVisibility.LIVE, eligible_population=None, org_unit=None, now=None,
) -> Poll:
    """A policy vote (actor: an official; starts as a draft) or a citizen vote (actor: a verified
    citizen; goes to the city's screening). `options`: dicts with label, description, and an
    optional image (already prepared) and image_alt."""
    now = now or timezone.now()
    if kind == Poll.Kind.CITIZEN and (actor is None or actor.phone_verified_at is None):
        raise VotingError(_("Verify your mobile phone before proposing a poll."))
    if kind == Poll.Kind.POLICY and not (actor and actor.is_staff):
        raise VotingError(_("Only the city's officials create policy votes."))
    max_choices, cleaned, title = clean_poll_fields(
        kind=kind, title=title, question_type=question_type, max_choices=max_choices, options=list(options or []),
        opens_at=opens_at, closes_at=closes_at, audience_min_age=audience_min_age, audience_max_age=audience_max_age,
        access=access, event_starts_at=event_starts_at, event_ends_at=event_ends_at, now=now,
    )
    with transaction.atomic():
        poll = Poll.objects.create(
            kind=kind,
            status=Status.PENDING_REVIEW if kind == Poll.Kind.CITIZEN else Status.DRAFT,
            title=title,
            description=(description or "").strip(),
            question_type=question_type,
            max_choices=max_choices,
            org_unit=org_unit,
            proposer=actor if kind == Poll.Kind.CITIZEN else None,
            created_by=actor,
            audience_min_age=audience_min_age,
            audience_max_age=audience_max_age,
            access=access,
            room_code=new_room_code() if access == Poll.Access.ROOM else None,
            onsite_token=new_onsite_token() if access == Poll.Access.ONSITE else None,
            event_starts_at=event_starts_at if access == Poll.Access.ONSITE else None,
            event_ends_at=event_ends_at if access == Poll.Access.ONSITE else None,
            opens_at=opens_at,
            closes_at=closes_at,
            results_visibility=results_visibility,
            eligible_population=eligible_population,
        )
        if audience_districts:
            poll.audience_districts.set(audience_districts)
        PollOption.objects.bulk_create(
            PollOption(
                poll=poll,
                position=index,
                label=option["label"],
                description=option.get("description", ""),
                image=option.get("image") or "",
                image_alt=option.get("image_alt", ""),
            )
            for index, option in enumerate(cleaned, start=1)
        )
        _record(poll, actor=actor, action="create", summary={"kind": kind})
    return poll


def poll_ensure_access_secrets(poll) -> Poll:
    """Give a room poll its code and an on-site poll its QR token (after an edit of `access`)."""
    changed = []
    if poll.access == Poll.Access.ROOM and not poll.room_code:
        poll.room_code = new_room_code()
        changed.append("room_code")
    if poll.access == Poll.Access.ONSITE and not poll.onsite_token:
        poll.onsite_token = new_onsite_token()
        changed.append("onsite_token")
    if changed and poll.pk:
        poll.save(update_fields=changed)
    return poll


def poll_update_draft(
    *, actor, poll, title, description="", question_type=Poll.QuestionType.SINGLE, max_choices=1, options,
    opens_at, closes_at, audience_districts=(), audience_min_age=None, audience_max_age=None,
    access=Poll.Access.PUBLIC, event_starts_at=None, event_ends_at=None,
    results_visibility=Poll.ResultsVisibility.LIVE, eligible_population=None, org_unit=None, now=None,
) -> Poll:
    """Rewrite a policy vote while it is a draft (the back office's change form): its fields and its
    options, numbered in the order given. `options` as for poll_create, except that an option's
    image may also be the stored file it already has (a FieldFile or its name). Nobody has voted in
    a draft, so positions may change; images no option keeps are deleted after commit."""
    now = now or timezone.now()
    max_choices, cleaned, title = clean_poll_fields(
        kind=Poll.Kind.POLICY, title=title, question_type=question_type, max_choices=max_choices,
        options=list(options or []), opens_at=opens_at, closes_at=closes_at, audience_min_age=audience_min_age,
        audience_max_age=audience_max_age, access=access, event_starts_at=event_starts_at,
        event_ends_at=event_ends_at, now=now,
    )
    with transaction.atomic():
        poll = _lock(poll)
        _require_status(poll, Status.DRAFT, message=_("Only a draft can be edited."))
        onsite = access == Poll.Access.ONSITE
        poll.title, poll.description = title, (description or "").strip()
        poll.question_type, poll.max_choices, poll.org_unit = question_type, max_choices, org_unit
        poll.audience_min_age, poll.audience_max_age = audience_min_age, audience_max_age
        poll.access, poll.opens_at, poll.closes_at = access, opens_at, closes_at
        poll.event_starts_at, poll.event_ends_at = (event_starts_at, event_ends_at) if onsite else (None, None)
        poll.results_visibility, poll.eligible_population = results_visibility, eligible_population
        if access != Poll.Access.ROOM:
            poll.room_code = None
        if not onsite:
            poll.onsite_token = None
        poll_ensure_access_secrets(poll)
        poll.save()
        poll.audience_districts.set(audience_districts)
        before = set(PollOption.objects.filter(poll=poll).exclude(image="").values_list("image", flat=True))
        PollOption.objects.filter(poll=poll).delete()
        created = PollOption.objects.bulk_create(
            PollOption(
                poll=poll,
                position=index,
                label=option["label"],
                description=option.get("description", ""),
                image=_option_image(option.get("image")),
                image_alt=option.get("image_alt", ""),
            )
            for index, option in enumerate(cleaned, start=1)
        )
        kept = {option.image.name for option in created if option.image}
        _delete_files_after_commit(PollOption._meta.get_field("image").storage, sorted(before - kept))
        _record(poll, actor=actor, action="update")
    return poll


def _option_image(image):
    """A stored file goes in by name (it is saved already); a prepared image is saved with the row."""
    if isinstance(image, FieldFile):
        return image.name
    return image or ""


def _delete_files_after_commit(storage, names):
    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --- Screening and publishing -------------------------------------------------------------------


def _notify_proposer(poll, kind, key):
    proposer = poll.proposer
    if proposer is None or proposer.erased_at or not proposer.is_active:
        return
    notify(
        recipient=proposer,
        kind=kind,
        context={"poll_id": poll.pk, "title": poll.title, "reason": poll.rejection_reason, "opens_at": poll.opens_at},
        key=key,
    )


def _schedule(poll, now):
    """A published poll waits for its opening time, or opens at once if that has come; its
    counters are made ready before any ballot."""
    tally_prepare(poll)
    if poll.opens_at <= now:
        poll.status, poll.opened_at = Status.OPEN, now
    else:
        poll.status = Status.SCHEDULED


def poll_approve(*, actor, poll, now=None) -> Poll:
    """The city's screening accepts a citizen's poll; the proposer is told."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = _lock(poll)
        _require_status(poll, Status.PENDING_REVIEW, message=_("Only a poll awaiting screening can be approved."))
        if poll.closes_at <= now:
            raise VotingError(_("The poll's closing time has passed: it can only be rejected."))
        poll.reviewed_by, poll.reviewed_at = actor, now
        _schedule(poll, now)
        poll.save(update_fields=["status", "opened_at", "reviewed_by", "reviewed_at", "updated_at"])
        _record(poll, actor=actor, action="approve")
        _notify_proposer(poll, "poll_approved", f"voting:approved:{poll.pk}")
    return poll


def poll_reject(*, actor, poll, reason, now=None) -> Poll:
    """The city's screening refuses a citizen's poll with a reason the proposer is sent."""
    now = now or timezone.now()
    reason = _require_reason(reason)
    with transaction.atomic():
        poll = _lock(poll)
        _require_status(poll, Status.PENDING_REVIEW, message=_("Only a poll awaiting screening can be rejected."))
        poll.status, poll.rejection_reason = Status.REJECTED, reason
        poll.reviewed_by, poll.reviewed_at = actor, now
        poll.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"])
        _record(poll, actor=actor, action="reject")
        _notify_proposer(poll, "poll_rejected", f"voting:rejected:{poll.pk}")
    return poll


def poll_publish(*, actor, poll, now=None) -> Poll:
    """An official publishes a policy vote drafted in the back office."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = _lock(poll)
        _require_status(poll, Status.DRAFT, message=_("Only a draft can be published."))
        if poll.options.count() < MIN_OPTIONS:
            raise VotingError(_("A poll needs at least %(min)d options.") % {"min": MIN_OPTIONS})
        if poll.closes_at <= now:
            raise VotingError(_("The closing time has already passed."), field="closes_at")
        poll_ensure_access_secrets(poll)
        _schedule(poll, now)
        poll.save(update_fields=["status", "opened_at", "updated_at"])
        _record(poll, actor=actor, action="publish")
    return poll


# --- Opening and closing --------------------------------------------------------------------------


def poll_open(*, poll, now=None) -> bool:
    """Open a scheduled poll whose time has come; False when there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = _lock(poll)
        if poll.status != Status.SCHEDULED or poll.opens_at > now:
            return False
        # Late (the job did not run during the whole window): it opens at its closing time, so
        # that the record never says it opened after it closed; poll_close closes it next.
        poll.status, poll.opened_at = Status.OPEN, min(now, poll.closes_at)
        poll.save(update_fields=["status", "opened_at", "updated_at"])
        _record(poll, actor=None, action="open")
    return True


def poll_close(*, poll, now=None) -> bool:
    """Close an open poll at its closing time; False when there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        poll_gate_shut(poll.pk)  # waits for the ballots in flight; later ones wait for this
        poll = _lock(poll)
        if poll.status != Status.OPEN or poll.closes_at > now:
            return False
        poll.status, poll.closed_at = Status.CLOSED, poll.closes_at
        poll.save(update_fields=["status", "closed_at", "updated_at"])
        _record(poll, actor=None, action="close")
        _notify_proposer(poll, "poll_results", f"voting:results:{poll.pk}")
    return True


def poll_close_early(*, actor, poll, reason, now=None) -> Poll:
    """An official closes an open (or upcoming) poll before its time, with a public reason."""
    now = now or timezone.now()
    reason = _require_reason(reason)
    with transaction.atomic():
        poll_gate_shut(poll.pk)  # waits for the ballots in flight; later ones wait for this
        poll = _lock(poll)
        _require_status(poll, Status.OPEN, Status.SCHEDULED, message=_("Only an open or upcoming poll can be closed early."))
        if poll.opened_at is None:
            poll.opened_at = now
        poll.status, poll.closed_at, poll.close_reason = Status.CLOSED, now, reason
        poll.save(update_fields=["status", "opened_at", "closed_at", "close_reason", "updated_at"])
        _record(poll, actor=actor, action="close_early")
        _notify_proposer(poll, "poll_results", f"voting:results:{poll.pk}")
    return poll


def polls_advance(*, now=None) -> dict[str, int]:
    """Open what is due to open, close what is due to close; safe to run twice (voting_advance
    and the Celery beat task call it)."""
    now = now or timezone.now()
    opened = closed = 0
    for poll in Poll.objects.filter(status=Status.SCHEDULED, opens_at__lte=now).only("pk"):
        opened += poll_open(poll=poll, now=now)
    for poll in Poll.objects.filter(status=Status.OPEN, closes_at__lte=now).only("pk"):
        closed += poll_close(poll=poll, now=now)
    return {"opened": opened, "closed": closed}


# --- Hiding and reports -----------------------------------------------------------------------------


def poll_hide(*, actor, poll, reason, now=None) -> Poll:
    now = now or timezone.now()
    reason = _require_reason(reason)
    with transaction.atomic():
        poll_gate_shut(poll.pk)  # waits for the ballots in flight; later ones wait for this
        poll = _lock(poll)
        if poll.hidden_at is not None:
            raise VotingError(_("This poll is already hidden."))
        poll.hidden_at, poll.hidden_reason = now, reason
        poll.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
        _record(poll, actor=actor, action="hide")
    return poll


def poll_unhide(*, actor, poll) -> Poll:
    with transaction.atomic():
        poll = _lock(poll)
        if poll.hidden_at is None:
            raise VotingError(_("This poll is not hidden."))
        poll.hidden_at, poll.hidden_reason = None, ""
        poll.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
        _record(poll, actor=actor, action="unhide")
    return poll


def poll_report(*, citizen, poll, category, detail="", now=None) -> PollReport:
    """A citizen reports a citizen poll in one of the four categories; once per citizen."""
    now = now or timezone.now()
    if citizen is None or not citizen.is_authenticated or citizen.phone_verified_at is None:
        raise VotingError(_("Sign in with a verified phone to report a poll."))
    if category not in PollReport.Category.values:
        raise VotingError(_("Choose why you are reporting this poll."), field="category")
    detail = (detail or "").strip()
    if len(detail) > 1000:
        raise VotingError(_("The details are too long."), field="detail")
    if poll.kind != Poll.Kind.CITIZEN or poll.status in {Status.DRAFT, Status.PENDING_REVIEW, Status.REJECTED}:
        raise VotingError(_("Only published citizen polls can be reported."))
    try:
        with transaction.atomic():
            report = PollReport.objects.create(
                poll=poll, reporter=citizen, category=category, detail=detail, reported_at=now
            )
            audit_record(actor=citizen, action="poll.report", target=poll, summary={"category": category})
    except IntegrityError as error:
        if violated_constraint(error) in {"poll_report_one_per_citizen", "reporter_id"}:
            raise VotingError(_("You have already reported this poll.")) from None
        raise
    return report


def report_resolve(*, actor, report, hide=False, reason="", now=None) -> PollReport:
    """Handle a report: hide the poll (with a reason) or dismiss the report."""
    now = now or timezone.now()
    with transaction.atomic():
        report = PollReport.objects.select_for_update().get(pk=report.pk)
        if report.resolved_at is not None:
            raise VotingError(_("This report has already been handled."))
        if hide:
            poll = Poll.objects.get(pk=report.poll_id)
            if poll.hidden_at is None:
                poll_hide(actor=actor, poll=poll, reason=reason, now=now)
        report.resolution = PollReport.Resolution.HIDDEN if hide else PollReport.Resolution.DISMISSED
        report.resolved_by, report.resolved_at = actor, now
        report.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        audit_record(actor=actor, action="poll.report_resolve", target=("voting.poll", report.poll_id),
                     summary={"report": report.pk, "resolution": report.resolution})
    return report


# --- Policy follow-up -----------------------------------------------------------------------


def reflection_record(*, actor, poll, outcome, note, link="", now=None) -> PolicyReflection:
    """Record (or correct) how a closed poll's result was reflected in policy."""
    now = now or timezone.now()
    note = _require_reason(note, field="note")
    if outcome not in PolicyReflection.Outcome.values:
        raise VotingError(_("Choose how the result was reflected."), field="outcome")
    with transaction.atomic():
        poll = _lock(poll)
        _require_status(poll, Status.CLOSED, message=_("Only a closed poll's result can be reflected in policy."))
        reflection, _created = PolicyReflection.objects.update_or_create(
            poll=poll,
            defaults={"outcome": outcome, "note": note, "link": link or "", "recorded_by": actor, "recorded_at": now},
        )
        _record(poll, actor=actor, action="reflect", summary={"outcome": outcome})
    return reflection


