"""The officials' back office of complaints, one module per concept: the queue of complaints and a
complaint's page with its buttons (complaints.py, moves.py), the triage and coordination queues
(queues.py), filing for a 120 caller (caller.py), the categories, the Open311 apps' keys and the
holiday changes the deadlines count on, the emergency keywords with their alerts and the trends'
stop words (emergency.py)."""

from . import (
    categories,  # noqa: F401 -- registers CategoryAdmin (with the extra questions)
    complaints,  # noqa: F401 -- registers ComplaintAdmin (queues, moves, personal data)
    emergency,  # noqa: F401 -- registers EmergencyKeywordAdmin, EmergencyAlertAdmin, TrendStopWordAdmin
    holiday_changes,  # noqa: F401 -- registers HolidayChangeAdmin
    open311_keys,  # noqa: F401 -- registers Open311KeyAdmin
)
