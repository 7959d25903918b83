"""Following a complaint someone else filed ("someone already reported this — follow it
instead"): the follower hears its answer (complaints.notifications.notify_followers). A citizen
follows with their account, a guest with the contact of the phone they verified."""

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import ComplaintError
from ..models import Complaint, Follower
from ..states import OPEN_STATES


def complaint_follow(*, complaint: Complaint, citizen=None, contact=None, now=None) -> tuple[Follower, bool]:
    """(the follower row, whether it is new). Following twice is not an error: the second call
    returns the first row. Only open complaints are followed; a private one only by its filer."""
    if (citizen is None) == (contact is None):
        raise ValueError("complaint_follow takes a citizen or a contact")
    now = now or timezone.now()
    own = (citizen is not None and complaint.citizen_id == citizen.pk) or (
        contact is not None and complaint.contact_id == contact.pk
    )
    if not complaint.is_public and not own:
        raise ComplaintError(_("There is no public complaint with this number."), code="not_found")
    if complaint.status not in OPEN_STATES:
        raise ComplaintError(
            _("This complaint is no longer open: its outcome is on its page, and there is nothing more to follow."),
            code="invalid",
        )
    holder = {"citizen": citizen} if citizen is not None else {"contact": contact}
    existing = Follower.objects.filter(complaint=complaint, **holder).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            follower = Follower.objects.create(complaint=complaint, since=now, **holder)
            audit_record(
                actor=citizen if citizen is not None else AnonymousUser(), action="complaint.follow", target=complaint,
                summary={"follower": follower.pk, "by": "citizen" if citizen is not None else "contact"},
            )  # fmt: skip
    except IntegrityError:
        # Two taps at once: the other request's row won the unique constraint.
        existing = Follower.objects.filter(complaint=complaint, **holder).first()
        if existing is None:
            raise
        return existing, False
    return follower, True
