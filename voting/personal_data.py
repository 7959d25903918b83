"""What M-Voting holds about a citizen, for citizens.registry: the export and the erasure.

Export: the polls the citizen voted in (the poll and the date, which is all a participation row
holds: what they chose is in an anonymous ballot nothing links to them), the polls they proposed,
and their reports.

Erasure removes what is the citizen's alone and keeps what others' results depend on:
- participation rows stay: they are what keeps one person to one vote in a poll still open, and
  the turnout counts them (the account row they point to is emptied by the citizens app);
- polls the city never published (awaiting screening, rejected) are deleted with their option
  images: nobody voted in them; published polls stay, other citizens voted in them;
- reports stay in the officials' queue by category, their details blanked.
"""

from django.db import transaction

from citizens.registry import PersonalDataHandler

from .models import Participation, Poll, PollOption, PollReport

UNPUBLISHED = (Poll.Status.PENDING_REVIEW, Poll.Status.REJECTED)


def _when(value):
    return value.isoformat() if value else None


def export(citizen):
    return {
        "participations": [
            {"poll": poll_id, "title": title, "voted_on": voted_on.isoformat()}
            for poll_id, title, voted_on in Participation.objects.filter(citizen=citizen)
            .order_by("voted_on", "poll_id")
            .values_list("poll_id", "poll__title", "voted_on")
        ],
        "proposed_polls": [
            {
                "id": poll.pk,
                "title": poll.title,
                "status": poll.status,
                "proposed_at": poll.created_at.isoformat(),
                "screened_at": _when(poll.reviewed_at),
                "rejection_reason": poll.rejection_reason or None,
            }
            for poll in Poll.objects.filter(proposer=citizen)
            .order_by("pk")
            .only("pk", "title", "status", "created_at", "reviewed_at", "rejection_reason")
        ],
        "poll_reports": [
            {
                "poll": poll_id,
                "category": category,
                "details": detail,
                "reported_at": reported_at.isoformat(),
                "resolution": resolution or None,
            }
            for poll_id, category, detail, reported_at, resolution in PollReport.objects.filter(reporter=citizen)
            .order_by("pk")
            .values_list("poll_id", "category", "detail", "reported_at", "resolution")
        ],
    }


def _delete_files_after_commit(storage, names):
    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def erase(citizen):
    PollReport.objects.filter(reporter=citizen).exclude(detail="").update(detail="")

    unpublished = Poll.objects.filter(proposer=citizen, status__in=UNPUBLISHED)
    images = [
        name
        for name in PollOption.objects.filter(poll__in=unpublished).exclude(image="").values_list("image", flat=True)
        if name
    ]
    unpublished.delete()
    _delete_files_after_commit(PollOption._meta.get_field("image").storage, images)


HANDLER = PersonalDataHandler(key="voting", export=export, erase=erase)
