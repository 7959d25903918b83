"""Every write of the review workspace: a member's review, a conflict of interest, the reminders.

Each write locks the agenda item's row first, so that it is serialised with agenda_item_close: a
review submitted while the secretary closes the item lands either before the close (and counts)
or after it (and is refused), never half-way.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from notifications.services import notify

from .. import rules as review_rules
from ..errors import GovernanceError
from ..models import AgendaItem, ConflictDeclaration, Review
from ..selectors.reviews import items_needing_reminders, member_standing, members_without_review

logger = logging.getLogger(__name__)

REMINDER_KIND = "review_reminder"
REMINDER_WINDOW = timedelta(hours=48)


class ReviewError(GovernanceError):
    """A refused write in the workspace; `field` names the form field the message belongs to."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def _lock(item) -> AgendaItem:
    return AgendaItem.objects.select_for_update().select_related("committee").get(pk=item.pk)


def review_refusal(actor, item):
    """Why the member may not review the item (or declare a conflict on it) now, as they should
    read it; None when they may."""
    if not review_rules.is_active_member_of_item_committee(actor, item):
        return _("You are not serving on this item's committee.")
    if review_rules.has_conflict(actor, item):
        return _("You declared a conflict of interest on this item, so you cannot review it.")
    if not review_rules.item_is_open(actor, item):
        return _("This item is closed: reviews can no longer be submitted or changed.")
    if review_rules.deadline_passed(actor, item):
        return _("The review deadline has passed: reviews can no longer be submitted or changed.")
    return None


def _check_member_may_act(actor, item):
    reason = review_refusal(actor, item)
    if reason:
        raise ReviewError(reason)


def review_score_error(item, recommendation, score):
    """Why this score does not fit the item (and the recommendation), or None. Shared by the form."""
    if not item.asks_score:
        if score is not None:
            return _("This item does not ask for a score; leave it empty.")
        return None
    if recommendation == Review.Recommendation.ABSTAIN:
        if score is not None:
            return _("An abstention carries no score; leave it empty.")
        return None
    if score is None:
        return _("This item asks for a score from %(low)d to %(high)d.") % {"low": item.score_min,
                                                                              "high": item.score_max}
    if not item.score_min <= score <= item.score_max:
        return _("Give a score from %(low)d to %(high)d.") % {"low": item.score_min, "high": item.score_max}
    return None


def review_submit(*, actor, item, recommendation, opinion, score=None, ip=None) -> Review:
    """Write the member's review of the item, or change the one they wrote (open item, before the
    deadline, no conflict). Returns the saved review."""
    with transaction.atomic():
        item = _lock(item)
        _check_member_may_act(actor, item)
        if recommendation not in Review.Recommendation.values:
            raise ReviewError(_("Choose a recommendation."), field="recommendation")
        problem = review_score_error(item, recommendation, score)
        if problem:
            raise ReviewError(problem, field="score")
        opinion = (opinion or "").strip()
        if not opinion:
            raise ReviewError(_("Write your opinion."), field="opinion")
        now = timezone.now()
        # The item's row lock (above) already serialises the writes on this item's reviews.
        review = Review.objects.filter(item=item, membership__person_id=actor.pk).first()
        if review is None:
            review = Review.objects.create(
                item=item, membership_id=member_standing(actor, item).membership_id, recommendation=recommendation,
                score=score, opinion=opinion, submitted_at=now, updated_at=now,
            )
            action = "governance.review_submit"
        else:
            review.recommendation, review.score, review.opinion, review.updated_at = recommendation, score, opinion, now
            review.save(update_fields=["recommendation", "score", "opinion", "updated_at"])
            action = "governance.review_update"
        audit_record(
            actor=actor, action=action, target=review,
            summary={"item": item.pk, "recommendation": recommendation, "score": score}, ip=ip,
        )
    return review


def conflict_declare(*, actor, item, reason, ip=None) -> ConflictDeclaration:
    """The member declares a conflict of interest on the item: from now on they cannot review it
    and are not counted. A review they had already written is withdrawn (deleted) with it."""
    with transaction.atomic():
        item = _lock(item)
        if review_rules.has_conflict(actor, item):
            raise ReviewError(_("You have already declared a conflict of interest on this item."))
        _check_member_may_act(actor, item)
        reason = (reason or "").strip()
        if not reason:
            raise ReviewError(_("Say briefly what the conflict of interest is."), field="reason")
        withdrawn = list(Review.objects.filter(item=item, membership__person_id=actor.pk).values_list("pk", flat=True))
        Review.objects.filter(pk__in=withdrawn).delete()
        conflict = ConflictDeclaration.objects.create(
            item=item, membership_id=member_standing(actor, item).membership_id, reason=reason,
            declared_at=timezone.now(),
        )
        audit_record(
            actor=actor, action="governance.conflict_declare", target=conflict,
            summary={"item": item.pk, "withdrawn_reviews": withdrawn}, ip=ip,
        )
    return conflict


# --- Reminders ---------------------------------------------------------------------------------


def _item_urls(item):
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = settings.PUBLIC_BASE_URL + reverse("review:item", args=[item.pk])
    return urls


def review_reminders_send(*, now=None) -> int:
    """Remind every member serving on the committee who has neither reviewed nor declared a
    conflict, for each open item whose deadline is within 48 hours. Idempotent: one reminder per
    (item, member), however often it runs. Returns the number of members newly reminded."""
    now = now or timezone.now()
    reminded = 0
    for item in items_needing_reminders(now=now, within=REMINDER_WINDOW):
        urls = _item_urls(item)
        context = {
            "title_ko": item.title_ko, "title_en": item.title_en, "deadline": item.review_deadline,
            "url_ko": urls.get("ko", ""), "url_en": urls.get("en", ""),
        }
        with transaction.atomic():
            for membership in members_without_review(item).filter(person__is_active=True):
                rows = notify(
                    recipient=membership.person, kind=REMINDER_KIND, context=context,
                    key=f"governance.review_reminder:{item.pk}:{membership.person_id}",
                    valid_until=item.review_deadline,
                )
                reminded += bool(rows)
    logger.info("Review reminders: %d member(s) reminded", reminded)
    return reminded
