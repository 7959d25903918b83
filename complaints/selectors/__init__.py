"""Reads of complaints used by the pages (each module named after the screens it serves)."""

from .public import (
    MAP_POINTS_CAP,
    NEARBY_LIMIT,
    NEARBY_RADIUS_METRES,
    STATUS_GROUPS,
    category_search,
    citizen_complaints,
    complaint_by_number,
    complaint_photos,
    current_rating,
    district_boundaries,
    filter_categories,
    grouped_categories,
    intake_categories,
    intake_category,
    is_following,
    map_points,
    nearby_open_complaints,
    public_complaints,
    public_timeline,
    status_group,
)

__all__ = [
    "MAP_POINTS_CAP", "NEARBY_LIMIT", "NEARBY_RADIUS_METRES", "STATUS_GROUPS", "category_search",
    "citizen_complaints", "complaint_by_number", "complaint_photos", "current_rating", "district_boundaries",
    "filter_categories", "grouped_categories", "intake_categories", "intake_category", "is_following", "map_points",
    "nearby_open_complaints", "public_complaints", "public_timeline", "status_group",
]  # fmt: skip
