"""What time does to open complaints (run by `manage.py complaints_escalate` and Celery beat):

- a complaint past its deadline (`due_at`) is flagged overdue once (`overdue_at`, an event for
  officials, an audit row) and the head of its unit is told, with a link to it in the back office;
- a complaint still open 30 days after it was received (or after the citizen asked for an
  additional answer) gets the progress notice the Civil Petitions Treatment Act requires: how
  long it has been open, where it stands, when the answer is expected (`progress_notice_at`, a
  public event).

Safe to run twice, and concurrently: each flag is set once under the complaint's row lock and
each notification has its idempotency key. Complaints are read in batches by primary key
(keyset), each batch in its own transaction, so a run over a large backlog holds no long locks
and a failure loses at most the batch it happened in.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record
from governance.models import OrgAssignment

from ..models import Complaint, ComplaintEvent
from ..notifications import notify_filer, notify_unit_head
from ..states import OPEN_STATES, Move, Status

PROGRESS_NOTICE_AFTER = timedelta(days=30)
BATCH_SIZE = 200


@dataclass
class EscalationReport:
    overdue: list[str] = field(default_factory=list)  # tracking numbers newly flagged
    heads_notified: int = 0  # notifications written to unit heads
    without_head: list[str] = field(default_factory=list)  # flagged, but their unit has no current head
    progress_notices: list[str] = field(default_factory=list)  # tracking numbers given the 30-day notice
    progress_unsent: list[str] = field(default_factory=list)  # among them: the filer takes no messages

    @property
    def changed(self) -> int:
        return len(self.overdue) + len(self.progress_notices)


def complaints_escalate(*, now=None, batch_size: int = BATCH_SIZE) -> EscalationReport:
    now = now or timezone.now()
    report = EscalationReport()
    complaints_flag_overdue(now=now, batch_size=batch_size, report=report)
    complaints_send_progress_notices(now=now, batch_size=batch_size, report=report)
    return report


def _batches(queryset: QuerySet, batch_size: int) -> Iterator[list[int]]:
    """The primary keys of `queryset`, in ascending batches (keyset: no OFFSET, no long cursor)."""
    last = 0
    while True:
        pks = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last = pks[-1]
        yield pks


def _locked(queryset: QuerySet, pks: list[int]) -> list[Complaint]:
    """The batch's complaints that still qualify, locked. The filter is applied again under the
    lock: a complaint answered (or flagged by a concurrent run) meanwhile drops out."""
    return list(
        queryset.filter(pk__in=pks).select_related("unit", "citizen", "contact").select_for_update(of=("self",))
        .order_by("pk")
    )  # fmt: skip


# --- Overdue -------------------------------------------------------------------------------


def overdue_to_flag(now) -> QuerySet:
    return Complaint.objects.filter(status__in=OPEN_STATES, due_at__lt=now, overdue_at__isnull=True)


def _current_heads(unit_ids, today) -> dict[int, list]:
    """The active officials heading each unit today (an assignment with the role "head")."""
    heads = defaultdict(list)
    assignments = (
        OrgAssignment.objects.filter(unit_id__in=unit_ids, role=OrgAssignment.Role.HEAD, started_on__lte=today,
                                     official__is_active=True)  # fmt: skip
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("official")
        .order_by("unit_id", "pk")
    )
    for assignment in assignments:
        heads[assignment.unit_id].append(assignment.official)
    return heads


def complaints_flag_overdue(*, now, batch_size: int = BATCH_SIZE, report: EscalationReport | None = None):
    report = report if report is not None else EscalationReport()
    today = timezone.localdate(now)
    for pks in _batches(overdue_to_flag(now), batch_size):
        with transaction.atomic():
            complaints = _locked(overdue_to_flag(now), pks)
            if not complaints:
                continue
            Complaint.objects.filter(pk__in=[complaint.pk for complaint in complaints]).update(overdue_at=now)
            heads = _current_heads({complaint.unit_id for complaint in complaints if complaint.unit_id}, today)
            for complaint in complaints:
                complaint.overdue_at = now
                _flag_one(complaint, heads.get(complaint.unit_id, []), now=now, report=report)
    return report


def _flag_one(complaint, heads, *, now, report):
    due = timezone.localtime(complaint.due_at)
    ComplaintEvent.objects.create(
        complaint=complaint, at=now, kind=ComplaintEvent.Kind.OVERDUE, unit=complaint.unit, is_public=False,
        note=due.strftime("%Y-%m-%d %H:%M"),
    )  # fmt: skip
    audit_record(actor=None, action="complaint.overdue", target=complaint,
                 summary={"due_at": due.isoformat(), "unit": complaint.unit_id})  # fmt: skip
    report.overdue.append(complaint.tracking_number)
    if not heads:
        report.without_head.append(complaint.tracking_number)
    for head in heads:
        # One alert per head and answer round (a reopened complaint that runs late again is news).
        written = notify_unit_head(
            complaint, head, "complaint_overdue", key_suffix=str(complaint.answer_round),
            unit_ko=complaint.unit.name_ko, unit_en=complaint.unit.name_en,
        )  # fmt: skip
        report.heads_notified += len(written)


# --- The 30-day progress notice --------------------------------------------------------------


def progress_notices_due(now) -> QuerySet:
    """Open complaints received (or reopened) at least 30 days ago, not yet given the notice for
    this round. A reopen clears `progress_notice_at`, and the 30 days count from the request."""
    cutoff = now - PROGRESS_NOTICE_AFTER
    last_reopened = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), kind=ComplaintEvent.Kind.MOVE, move=Move.REOPEN)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return (
        Complaint.objects.filter(status__in=OPEN_STATES, progress_notice_at__isnull=True, received_at__lte=cutoff)
        .annotate(reopened_at=Subquery(last_reopened))
        .filter(Q(reopened_at__isnull=True) | Q(reopened_at__lte=cutoff))
    )


def progress_line(complaint) -> str:
    """Where the complaint stands, in the active language."""
    unit = complaint.unit.name if complaint.unit_id else ""
    if complaint.category_id is None or not unit:
        return _("It is waiting for an official to give it a category and send it to the unit in charge.")
    if complaint.status == Status.TRANSFERRED:
        return _("It has been passed to %(unit)s, the unit responsible for it.") % {"unit": unit}
    if complaint.status == Status.REOPENED:
        return _("%(unit)s is preparing the additional answer you asked for.") % {"unit": unit}
    return _("%(unit)s is handling it (%(status)s).") % {"unit": unit, "status": Status(complaint.status).label}


def complaints_send_progress_notices(*, now, batch_size: int = BATCH_SIZE, report: EscalationReport | None = None):
    report = report if report is not None else EscalationReport()
    today = timezone.localdate(now)
    for pks in _batches(progress_notices_due(now), batch_size):
        with transaction.atomic():
            for complaint in _locked(progress_notices_due(now), pks):
                opened = complaint.reopened_at or complaint.received_at
                days = (today - timezone.localdate(opened)).days
                with translation.override(complaint.language or "ko"):
                    progress = progress_line(complaint)
                written = notify_filer(complaint, "complaint_progress", key_suffix=str(complaint.answer_round),
                                       days=days, progress=progress)  # fmt: skip
                Complaint.objects.filter(pk=complaint.pk).update(progress_notice_at=now)
                ComplaintEvent.objects.create(
                    complaint=complaint, at=now, kind=ComplaintEvent.Kind.PROGRESS_NOTICE, unit=complaint.unit,
                    note=str(days), is_public=True,
                )  # fmt: skip
                report.progress_notices.append(complaint.tracking_number)
                if not written:
                    report.progress_unsent.append(complaint.tracking_number)
    return report
