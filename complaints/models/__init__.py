from .analytics import (
    COUNT_FIELDS,
    DURATION_BOUNDS,
    CellRollup,
    DailyRollup,
    EmergencyAlert,
    EmergencyKeyword,
    MonthlyRollup,
    RollupState,
    TermCount,
    Trend,
    TrendStopWord,
)
from .calendar import HolidayChange
from .categories import TYPE_PERIODS, Category, CategoryQuestion, ComplaintType
from .complaints import (
    DESCRIPTION_MAX_LENGTH,
    PHOTOS_MAX,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    ContactPreference,
    Follower,
    Satisfaction,
    TrackingCounter,
    Transfer,
)
from .open311 import Open311Key
from .routing import RouterModel

__all__ = [
    "COUNT_FIELDS", "DURATION_BOUNDS", "CellRollup", "DailyRollup", "EmergencyAlert", "EmergencyKeyword",
    "MonthlyRollup", "RollupState", "TermCount", "Trend", "TrendStopWord",
    "DESCRIPTION_MAX_LENGTH", "PHOTOS_MAX", "TYPE_PERIODS", "Category", "CategoryQuestion", "Channel", "Complaint",
    "ComplaintEvent", "ComplaintPhoto", "ComplaintType", "ContactPreference", "Follower", "HolidayChange",
    "Open311Key", "RouterModel", "Satisfaction", "TrackingCounter", "Transfer",
]  # fmt: skip
