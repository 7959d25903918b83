"""Closing an agenda item with the committee's resolution, and passing the result back to the
channel that owns the subject (governance.registry)."""

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from ..models import AgendaItem
from ..registry import UnknownSubjectKind, get_subject_kind
from ..selectors.reviews import review_tally
from .reviews import ReviewError

VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain")


def _check_votes(item, votes):
    for field, value in votes.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReviewError(_("A vote count is a whole number, 0 or more."), field=field)
    counted = sum(value for value in votes.values() if value is not None)
    if counted > item.committee.max_members:
        raise ReviewError(
            _("The votes add up to %(counted)d, more than the committee's %(seats)d seats.")
            % {"counted": counted, "seats": item.committee.max_members},
            field="votes_for",
        )


def agenda_item_close(
    *, actor, item, outcome, resolution_ko, resolution_en="", votes_for=None, votes_against=None,
    votes_abstain=None, ip=None,
) -> AgendaItem:
    """Close an open item with the committee's resolution. In one transaction: the item is saved as
    closed, the subject's channel gets the result (its SubjectKind.on_resolution(item, tally)) and
    the audit row is written; if any of them fails, nothing is. A vote count passed as None keeps
    the count the meeting recorded on the item. Returns the closed item."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("committee").get(pk=item.pk)
        if item.status != AgendaItem.Status.OPEN:
            raise ReviewError(_("This item is already closed; its resolution cannot be changed."))
        if not rules.has_perm("governance.close_item", actor, item):
            raise ReviewError(_("Only the committee's secretary can close this item."))
        if outcome not in AgendaItem.Outcome.values:
            raise ReviewError(_("Choose the committee's decision."), field="outcome")
        resolution_ko = (resolution_ko or "").strip()
        if not resolution_ko:
            raise ReviewError(_("Write the resolution in Korean."), field="resolution_ko")
        # A count left out keeps what the meeting recorded (agenda_item_record_votes), if anything.
        given = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
        votes = {field: getattr(item, field) if value is None else value for field, value in given.items()}
        _check_votes(item, votes)
        subject_kind = None
        if item.subject_kind:
            try:
                subject_kind = get_subject_kind(item.subject_kind)
            except UnknownSubjectKind:
                raise ReviewError(
                    _("The linked record's kind (%(kind)s) is not installed, so the result cannot be passed back.")
                    % {"kind": item.subject_kind}
                ) from None

        item.status = AgendaItem.Status.CLOSED
        item.outcome = outcome
        item.resolution_ko = resolution_ko
        item.resolution_en = (resolution_en or "").strip()
        for field, value in votes.items():
            setattr(item, field, value)
        item.closed_at = timezone.now()
        item.save(update_fields=["status", "outcome", "resolution_ko", "resolution_en", *VOTE_FIELDS, "closed_at"])

        tally = review_tally(item)
        if subject_kind is not None and subject_kind.on_resolution is not None:
            subject_kind.on_resolution(item, tally)
        audit_record(
            actor=actor, action="governance.agenda_item_close", target=item,
            summary={
                "committee": item.committee.slug, "outcome": outcome, **votes,
                "subject_kind": item.subject_kind, "subject_id": item.subject_id,
                "reviews": tally.reviews, "conflicts": tally.conflicts,
                "average_score": None if tally.average_score is None else str(tally.average_score),
            },
            ip=ip,
        )
    return item
