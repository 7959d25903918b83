"""The reads behind the Open311 endpoints, each a fixed number of queries whatever the data:
the service list (one), a service definition (two), a page of public requests (two: the
complaints with their category, unit and original, then their first photos)."""

import uuid

from django.db.models import Exists, F, OuterRef, Prefetch

from ..models import Category, CategoryQuestion, Complaint, ComplaintPhoto
from ..states import OPEN311_OPEN


def services_active():
    """Every category that takes complaints, with its parent (the group) and whether it asks questions."""
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .annotate(has_questions=Exists(CategoryQuestion.objects.filter(category=OuterRef("pk"))))
        .order_by("order", "service_code")
    )


def service_with_questions(service_code: str) -> Category | None:
    return (
        Category.objects.filter(is_active=True, service_code=service_code)
        .prefetch_related(Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order", "pk")))
        .first()
    )


def service_for_filing(service_code: str) -> Category | None:
    return Category.objects.filter(is_active=True, service_code=service_code).first()


def _public_requests():
    """Public, categorised complaints (a triaged SMS or email has no service yet), with all a
    response shows. Nothing about the filer is selected beyond what the row holds."""
    return (
        Complaint.objects.filter(is_public=True, category__isnull=False)
        .select_related("category", "unit")
        .annotate(duplicate_of_number=F("duplicate_of__tracking_number"))
        .prefetch_related(
            Prefetch("photos", queryset=ComplaintPhoto.objects.filter(position=0), to_attr="first_photos")
        )
    )


def requests_page(*, start, end, service_codes=(), statuses=(), offset=0, limit=200) -> list[Complaint]:
    """Newest first; `limit` rows from `offset` (ask one more than a page to learn whether a next
    page exists)."""
    complaints = _public_requests().filter(received_at__gte=start, received_at__lte=end)
    if service_codes:
        complaints = complaints.filter(category__service_code__in=service_codes)
    if statuses and set(statuses) != {"open", "closed"}:
        if "open" in statuses:
            complaints = complaints.filter(status__in=OPEN311_OPEN)
        else:
            complaints = complaints.exclude(status__in=OPEN311_OPEN)
    return list(complaints.order_by("-received_at", "-id")[offset : offset + limit])


def requests_by_ids(tracking_numbers) -> list[Complaint]:
    return list(_public_requests().filter(tracking_number__in=list(tracking_numbers)).order_by("-received_at", "-id"))


def public_request(tracking_number: str) -> Complaint | None:
    found = requests_by_ids([tracking_number])
    return found[0] if found else None


def request_by_token(token: str) -> Complaint | None:
    try:
        token = uuid.UUID(token)
    except ValueError:
        return None
    return Complaint.objects.filter(token=token).only("tracking_number", "token").first()
