"""Our records as the spec's documents (plain dicts and lists; renderers.py writes them as XML or
JSON). Field names and their order are the spec's; ids are strings (a tracking number such as
2026-0001234); times are W3C date-times in Seoul time with their offset (+09:00).

A service request shows what the public list shows and nothing about who filed it: no name,
phone, email, account or device, whatever the app sent.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CategoryQuestion, Complaint
from ..states import OPEN311_OPEN

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MEDIA_TYPES = ["text/xml", "application/json"]

DATATYPES = {
    CategoryQuestion.Kind.TEXT: "string",
    CategoryQuestion.Kind.NUMBER: "number",
    CategoryQuestion.Kind.CHOICE: "singlevaluelist",
    CategoryQuestion.Kind.MULTICHOICE: "multivaluelist",
}
LIST_DATATYPES = {"singlevaluelist", "multivaluelist"}


def w3c(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _or_none(text):
    return text if text else None


def discovery(*, url: str, changeset: str, contact: str, key_service: str) -> dict:
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": list(MEDIA_TYPES),
            }
        ],
    }


def service(category) -> dict:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": bool(category.has_questions),
        "type": "realtime",
        "keywords": _or_none(", ".join(word.strip() for word in category.keywords.split(",") if word.strip())),
        "group": category.parent.name if category.parent_id else None,
    }


def _datatype_description(datatype) -> str | None:
    if datatype == "number":
        return _("A number, such as 3 or 2.5.")
    if datatype == "multivaluelist":
        return _("Choose one or more of the values.")
    if datatype == "singlevaluelist":
        return _("Choose one of the values.")
    return None


def service_definition(category) -> dict:
    attributes = []
    for position, question in enumerate(category.questions.all(), start=1):
        datatype = DATATYPES.get(question.kind, "string")
        attributes.append(
            {
                "variable": True,
                "code": question.code,
                "datatype": datatype,
                "required": bool(question.required),
                "datatype_description": _datatype_description(datatype),
                # The spec wants distinct positive integers; officials may leave order at 0.
                "order": position,
                "description": question.prompt,
                "values": [
                    {"key": str(choice.get("key")), "name": question.localized_choice(choice)}
                    for choice in (question.choices or [])
                ]
                if datatype in LIST_DATATYPES
                else [],
            }
        )
    return {"service_code": category.service_code, "attributes": attributes}


def photo_path(tracking_number) -> str:
    """The first photo's link: a path on the site, or a signed address on settings.MEDIA_HOST
    (only public complaints are listed, so anyone may see it)."""
    from django.conf import settings
    from django.utils import translation

    from seoul_portal.uploads import file_link

    with translation.override(settings.LANGUAGE_CODE):
        return file_link("complaints:photo", tracking_number, 0)


def status_of(complaint) -> str:
    return "open" if complaint.status in OPEN311_OPEN else "closed"


def status_notes(complaint) -> str | None:
    if complaint.status == Complaint.Status.REJECTED:
        # The reason is the filer's (it may speak of them): the public hears only that it was not taken up.
        return _("Not taken up: the filer was told why and how to object.")
    if complaint.status == Complaint.Status.DUPLICATE and getattr(complaint, "duplicate_of_number", None):
        return _("Duplicate of %(number)s.") % {"number": complaint.duplicate_of_number}
    return None


def service_request(complaint, *, absolute_url) -> dict:
    """One public complaint; `absolute_url(path)` makes a photo's address absolute."""
    category = complaint.category
    photos = getattr(complaint, "first_photos", None) or []
    return {
        "service_request_id": complaint.tracking_number,
        "status": status_of(complaint),
        "status_notes": status_notes(complaint),
        "service_name": category.name,
        "service_code": category.service_code,
        "description": complaint.description,
        "agency_responsible": complaint.unit.name if complaint.unit_id else None,
        "service_notice": _or_none(category.notice),
        "requested_datetime": w3c(complaint.received_at),
        "updated_datetime": w3c(complaint.updated_at),
        "expected_datetime": w3c(complaint.due_at),
        "address": _or_none(complaint.address),
        "address_id": None,
        "zipcode": None,
        "lat": float(complaint.latitude) if complaint.latitude is not None else None,
        "long": float(complaint.longitude) if complaint.longitude is not None else None,
        # The photo through the page that checks who may see it (uploads are never served directly).
        "media_url": absolute_url(photo_path(complaint.tracking_number)) if photos else None,
    }


def created(complaint, *, service_notice) -> dict:
    """The answer to a POST. The request is realtime, so its id is there at once; the token is
    given besides, for apps that keep tokens (tokens/<token> answers with the id)."""
    return {
        "service_request_id": complaint.tracking_number,
        "token": str(complaint.token),
        "service_notice": _or_none(service_notice),
        "account_id": None,
    }


def token(complaint) -> dict:
    return {"service_request_id": complaint.tracking_number, "token": str(complaint.token)}
