"""Reads of the officials' back office: which complaints an official sees, their unit's queue, the
triage queue and the coordination queue.

Who sees what (complaints/rules.py decides what they may do with it):
- an official: the complaints of their units and of the units below them (governance's
  `visible_unit_ids`, as `scope_to_official` reads it), and those a pending transfer sends to one
  of these units;
- a coordinator (`coordinate_transfer`): also the complaints whose transfer is disputed;
- the intake desk (`handle_any_unit` or `triage_complaint`) and superusers: every complaint.

Each function issues a fixed number of queries whatever the number of complaints; the lists read
no contact data (the filer's name comes as an annotation, the phone as its last four digits).
"""

from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from governance.selectors.org import visible_unit_ids

from ..models import Complaint, Transfer
from ..rules import handles_any_unit, is_coordinator, is_triage_desk
from ..states import OPEN_STATES, Status


def _is_official(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def sees_every_complaint(user) -> bool:
    return _is_official(user) and (user.is_superuser or handles_any_unit.test(user) or is_triage_desk.test(user))


def may_open_queue(user) -> bool:
    """Whether the official has a queue at all: the back office's complaints section shows."""
    return _is_official(user) and (
        sees_every_complaint(user) or is_coordinator.test(user) or bool(visible_unit_ids(user))
    )


def complaints_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The complaints of `queryset` (all by default) the official sees.

    The rule is governance's `scope_to_official` (a superuser sees all, an official the units
    `visible_unit_ids` gives), written as a plain `unit_id IN (...)` rather than through its
    primary-key subquery, so that the unit queue's index serves the list at millions of rows. The
    few complaints seen through a transfer are added by id (usually none: a transfer moves the
    complaint to the receiving unit at once).
    """
    queryset = Complaint.objects.all() if queryset is None else queryset
    if not _is_official(user):
        return queryset.none()
    if sees_every_complaint(user):
        return queryset
    units = sorted(visible_unit_ids(user))
    through_transfers = set(
        Transfer.objects.filter(outcome=Transfer.Outcome.PENDING, to_unit_id__in=units)
        .exclude(complaint__unit_id__in=units)
        .values_list("complaint_id", flat=True)
    )  # fmt: skip
    if is_coordinator.test(user):
        disputed = Transfer.objects.filter(outcome=Transfer.Outcome.DISPUTED).values_list("complaint_id", flat=True)
        through_transfers.update(disputed)
    visible = Q(unit_id__in=units)
    if through_transfers:
        visible |= Q(pk__in=sorted(through_transfers))
    return queryset.filter(visible)


def is_visible_to(user, complaint: Complaint) -> bool:
    """`complaints_visible_to`, asked about one complaint already loaded."""
    if not _is_official(user):
        return False
    if sees_every_complaint(user):
        return True
    units = visible_unit_ids(user)
    if complaint.unit_id in units:
        return True
    transfers = Transfer.objects.filter(complaint_id=complaint.pk)
    if transfers.filter(outcome=Transfer.Outcome.PENDING, to_unit_id__in=units).exists():
        return True
    return is_coordinator.test(user) and transfers.filter(outcome=Transfer.Outcome.DISPUTED).exists()


def with_filer_summary(queryset: QuerySet) -> QuerySet:
    """Annotate what a list may show of the filer, masked later: the signed-in citizen's name
    (never their contact data) and whether their account was erased."""
    return queryset.annotate(filer_citizen_name=F("citizen__name"), filer_citizen_erased_at=F("citizen__erased_at"))


def official_queue(user, queryset: QuerySet | None = None) -> QuerySet:
    """The back office's list of complaints for `user`, with what its columns show."""
    visible = complaints_visible_to(user, queryset)
    return with_filer_summary(visible.select_related("category", "unit", "assignee"))


def deadline_filter(queryset: QuerySet, which: str, *, now=None) -> QuerySet:
    """Open complaints (`open`), those past their deadline (`overdue`) or due today in Seoul
    (`due_today`); `queryset` unchanged for anything else."""
    now = now or timezone.now()
    open_complaints = queryset.filter(status__in=sorted(OPEN_STATES))
    if which == "open":
        return open_complaints
    if which == "overdue":
        return open_complaints.filter(due_at__lt=now)
    if which == "due_today":
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return open_complaints.filter(due_at__gte=start, due_at__lt=start + timedelta(days=1))
    return queryset


def triage_queue(user) -> QuerySet:
    """SMS and email complaints waiting for a category (the intake desk's), oldest first."""
    if not (_is_official(user) and is_triage_desk.test(user)):
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(category__isnull=True, status=Status.RECEIVED)
        .only("pk", "tracking_number", "channel", "title", "description", "received_at", "language")
        .order_by("received_at", "pk")
    )


def coordination_queue(user) -> QuerySet:
    """Disputed transfers waiting for a coordinator's decision, oldest first."""
    if not (_is_official(user) and is_coordinator.test(user)):
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(outcome=Transfer.Outcome.DISPUTED)
        .select_related("complaint", "complaint__category", "from_unit", "to_unit")
        .order_by("requested_at", "pk")
    )


def queue_counts(user) -> dict:
    """How many wait in the triage and the coordination queues (for the links above the list),
    for the queues the official works; two queries at most."""
    counts = {}
    if _is_official(user) and is_triage_desk.test(user):
        counts["triage"] = triage_queue(user).count()
    if _is_official(user) and is_coordinator.test(user):
        counts["coordination"] = coordination_queue(user).count()
    return counts
