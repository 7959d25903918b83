"""Reads of the citizens' side of complaints: the categories to file under, the open complaints
near a pin, the public list and map, one complaint's page and the district boundaries.

Public reads never select contact data: the public querysets defer the filer's fields, and the
map's points are built from `values()` of a few public columns only. Every function issues a
constant number of queries, whatever the number of complaints.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q

from citizens.models import District

from ..deadlines import SEOUL
from ..models import Category, Complaint, ComplaintEvent, ComplaintPhoto, Follower, Satisfaction
from ..states import OPEN_STATES, Status

NEARBY_RADIUS_METRES = 250
NEARBY_LIMIT = 5
# Rows the bounding box may hand to the exact distance check (a street with many reports).
NEARBY_CANDIDATES = 200
MAP_POINTS_CAP = 500
EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE_LATITUDE = 111_320

# The three states a citizen filters by, and the complaint states each covers.
STATUS_GROUPS = {
    "open": frozenset(OPEN_STATES),
    "answered": frozenset({Status.ANSWERED}),
    "closed": frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE}),
}

# The columns a public page may show: never the filer (citizen, contact, name, phone digits).
PUBLIC_FIELDS = (
    "id", "tracking_number", "channel", "category", "complaint_type", "title", "description", "address",
    "latitude", "longitude", "district", "is_public", "status", "unit", "received_at", "due_at", "answered_at",
    "closed_at", "answer", "duplicate_of", "answer_round",
)  # fmt: skip
BOUNDARIES_CACHE_KEY = "complaints:district-boundaries:v1"
BOUNDARIES_CACHE_SECONDS = 24 * 60 * 60


def status_group(status) -> str:
    """"open", "answered" or "closed": how a citizen reads a complaint's state."""
    return next((group for group, states in STATUS_GROUPS.items() if status in states), "open")


# --- Categories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryGroup:
    parent: Category | None
    categories: list


def intake_categories() -> list[Category]:
    """The categories a complaint is filed under: active ones without active sub-categories (a
    parent with sub-categories is a heading), under an active parent. One query."""
    active = list(Category.objects.filter(is_active=True).select_related("parent").order_by("order", "service_code"))
    headings = {category.parent_id for category in active if category.parent_id}
    return [
        category
        for category in active
        if category.pk not in headings and (category.parent is None or category.parent.is_active)
    ]


def grouped_categories(categories=None) -> list[CategoryGroup]:
    """The intake categories under their parents (categories without a parent come first)."""
    categories = intake_categories() if categories is None else categories
    groups: dict = {}
    for category in categories:
        groups.setdefault(category.parent_id, CategoryGroup(category.parent, []))
        groups[category.parent_id].categories.append(category)
    ordered = sorted(groups.values(), key=lambda group: (group.parent is not None, _order(group.parent)))
    return ordered


def _order(parent):
    return (parent.order, parent.service_code) if parent is not None else (0, "")


def _search_text(category) -> str:
    parts = [category.name_ko, category.name_en, category.keywords, category.description_ko, category.description_en]
    if category.parent is not None:
        parts += [category.parent.name_ko, category.parent.name_en]
    return " ".join(parts).casefold()


def category_search(query: str, *, limit: int = 20) -> list[Category]:
    """Intake categories whose names, keywords, description or parent's names contain every word
    of `query`; names matching first. The categories are few (hundreds): searched in Python."""
    words = [word for word in (query or "").casefold().split() if word]
    if not words:
        return []
    found = []
    for category in intake_categories():
        text = _search_text(category)
        if all(word in text for word in words):
            names = f"{category.name_ko} {category.name_en}".casefold()
            found.append((0 if all(word in names for word in words) else 1, category))
    found.sort(key=lambda pair: pair[0])
    return [category for _rank, category in found[:limit]]


def intake_category(code) -> Category | None:
    """The active intake category of `code` with its questions prefetched, or None (unknown,
    inactive, or a heading with sub-categories). Two queries."""
    if not code or not isinstance(code, str) or len(code) > 40:
        return None
    category = (
        Category.objects.filter(service_code=code, is_active=True)
        .select_related("parent")
        .prefetch_related("questions")
        .first()
    )
    if category is None or (category.parent_id and not category.parent.is_active):
        return None
    if Category.objects.filter(parent=category, is_active=True).exists():
        return None
    return category


def filter_categories() -> list[Category]:
    """Every active category (headings too) for the public filters. One query."""
    return list(Category.objects.filter(is_active=True).order_by("order", "service_code"))


# --- Near a pin -------------------------------------------------------------------------------


def distance_metres(lat1, lon1, lat2, lon2) -> float:
    """The great-circle distance (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude, longitude, radius_metres) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min lat, max lat, min lon, max lon) of a box holding the circle (a little larger)."""
    lat, lon = float(latitude), float(longitude)
    d_lat = radius_metres / METRES_PER_DEGREE_LATITUDE
    d_lon = radius_metres / (METRES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 0.01))
    margin = 1.01

    def quantised(value):
        return Decimal(f"{value:.6f}")

    return (
        quantised(lat - d_lat * margin), quantised(lat + d_lat * margin),
        quantised(lon - d_lon * margin), quantised(lon + d_lon * margin),
    )  # fmt: skip


@dataclass(frozen=True)
class Nearby:
    complaint: Complaint
    metres: int


def nearby_open_complaints(
    *, category, latitude, longitude, viewer=None, own_ids=(), radius_metres=NEARBY_RADIUS_METRES,
    limit=NEARBY_LIMIT,
) -> list[Nearby]:  # fmt: skip
    """Open complaints of `category` within `radius_metres` of the point, nearest first: public
    ones, and the viewer's own (their account's, or those this session proved it filed). The
    database narrows by a bounding box on latitude and longitude; the exact distance is computed
    here. One query."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_metres)
    visible = Q(is_public=True)
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        visible |= Q(citizen_id=viewer.pk)
    if own_ids:
        visible |= Q(pk__in=list(own_ids))
    candidates = (
        Complaint.objects.filter(
            visible,
            category=category,
            status__in=list(OPEN_STATES),
            latitude__range=(min_lat, max_lat),
            longitude__range=(min_lon, max_lon),
        )
        .select_related("category", "district")
        .only(*PUBLIC_FIELDS, "category__name_ko", "category__name_en", "district__name_ko", "district__name_en")
        .order_by("-received_at", "-id")[:NEARBY_CANDIDATES]
    )
    found = []
    for complaint in candidates:
        metres = distance_metres(latitude, longitude, complaint.latitude, complaint.longitude)
        if metres <= radius_metres:
            found.append(Nearby(complaint, round(metres)))
    found.sort(key=lambda nearby: (nearby.metres, -nearby.complaint.pk))
    return found[:limit]


# --- The public list and map ----------------------------------------------------------------


def public_complaints(
    *, category: Category | None = None, district: District | None = None, status: str = "", text: str = "",
    since: date | None = None, until: date | None = None,
):  # fmt: skip
    """Public, categorised complaints, newest first, with what a list row shows; filtered by
    category (a heading covers its sub-categories), district, state group, Seoul days received
    (`since` and `until` included) and words of the title or description (`text`: a substring,
    case-insensitive; callers bound it by days, so that the partial index of public complaints
    by received_at, complaint_public_recent, narrows it first: only the public complaints of
    those days are matched, and no plan reads the whole table)."""
    complaints = Complaint.objects.filter(is_public=True, category__isnull=False)
    if since is not None:
        complaints = complaints.filter(received_at__gte=_seoul_midnight(since))
    if until is not None:
        complaints = complaints.filter(received_at__lt=_seoul_midnight(until, next_day=True))
    if text:
        complaints = complaints.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if category is not None:
        # By ids, so that the category index serves the newest-first order.
        ids = [category.pk, *Category.objects.filter(parent=category).values_list("pk", flat=True)]
        complaints = complaints.filter(category_id__in=ids)
    if district is not None:
        complaints = complaints.filter(district=district)
    if status:
        complaints = complaints.filter(status__in=list(STATUS_GROUPS[status]))
    return (
        complaints.select_related("category", "district", "unit")
        .only(
            *PUBLIC_FIELDS, "category__name_ko", "category__name_en", "district__name_ko", "district__name_en",
            "unit__name_ko", "unit__name_en",
        )  # fmt: skip
        .order_by("-received_at", "-id")
    )


EARLIEST_DAY = date(1900, 1, 1)  # before any complaint; earlier days would not convert to UTC


def _seoul_midnight(day: date, *, next_day: bool = False) -> datetime:
    day = max(day, EARLIEST_DAY)
    if next_day:
        if day >= date.max:
            return datetime.max.replace(tzinfo=SEOUL)
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=SEOUL)


def map_points(complaints, *, cap: int = MAP_POINTS_CAP) -> list[dict]:
    """The located complaints among `complaints` (a public_complaints queryset), newest first, at
    most `cap`, as plain values. One query."""
    return list(
        complaints.filter(latitude__isnull=False)
        .order_by("-received_at", "-id")
        .values(
            "tracking_number", "title", "status", "latitude", "longitude", "received_at",
            "category__name_ko", "category__name_en", "district__name_ko", "district__name_en",
        )[:cap]
    )  # fmt: skip


def district_boundaries() -> dict:
    """The 25 districts as a GeoJSON FeatureCollection (code and both names as properties), kept
    in the cache for a day: they change only when the data migration loads new boundaries."""
    cached = cache.get(BOUNDARIES_CACHE_KEY)
    if cached is not None:
        return cached
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name_ko": name_ko, "name_en": name_en},
            "geometry": boundary,
        }
        for code, name_ko, name_en, boundary in District.objects.order_by("code").values_list(
            "code", "name_ko", "name_en", "boundary"
        )
        if boundary
    ]
    collection = {"type": "FeatureCollection", "features": features}
    cache.set(BOUNDARIES_CACHE_KEY, collection, BOUNDARIES_CACHE_SECONDS)
    return collection


# --- One complaint --------------------------------------------------------------------------


def complaint_by_number(tracking_number: str) -> Complaint | None:
    """The complaint with its category, unit, district and original (a duplicate's). One query."""
    return (
        Complaint.objects.select_related("category", "unit", "district", "duplicate_of")
        .filter(tracking_number=tracking_number)
        .first()
    )


def public_timeline(complaint) -> list[ComplaintEvent]:
    """The events shown to citizens, oldest first, with their unit. Internal notes, openings of
    the file and other officials' events are never public. One query."""
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, is_public=True)
        .select_related("unit")
        .only("id", "complaint_id", "at", "kind", "move", "from_status", "to_status", "unit__name_ko",
              "unit__name_en")  # fmt: skip
        .order_by("at", "pk")
    )


def complaint_photos(complaint) -> list[ComplaintPhoto]:
    return list(ComplaintPhoto.objects.filter(complaint=complaint).order_by("position"))


def current_rating(complaint) -> Satisfaction | None:
    """The rating of the latest answer, if the filer gave one."""
    return Satisfaction.objects.filter(complaint=complaint, answer_round=complaint.answer_round).first()


def is_following(complaint, *, citizen=None, contact_id=None) -> bool:
    if citizen is not None and getattr(citizen, "is_authenticated", False):
        return Follower.objects.filter(complaint=complaint, citizen_id=citizen.pk).exists()
    if contact_id:
        return Follower.objects.filter(complaint=complaint, contact_id=contact_id).exists()
    return False


def citizen_complaints(citizen, *, limit: int = 20) -> list[Complaint]:
    """A citizen's own complaints, newest first, with their category. One query."""
    return list(
        Complaint.objects.filter(citizen=citizen)
        .select_related("category")
        .only("id", "tracking_number", "title", "status", "received_at", "due_at", "category__name_ko",
              "category__name_en", "is_public")  # fmt: skip
        .order_by("-received_at", "-id")[:limit]
    )
