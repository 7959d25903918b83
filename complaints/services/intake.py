"""Every way a complaint comes in ends here: `complaint_file` (web, mobile, 120 phone operators,
Open311 apps: a categorised complaint) and `complaint_file_for_triage` (SMS and email: the text
and the sender only, completed by an operator with `complaint_complete_triage`).

Everything is checked before anything is written (the text, the category and its questions, the
location, the photos); then, in one transaction, the tracking number, the complaint, its photos,
its first event, its filer as a follower, the "received" notification and the alerts of any
emergency keyword it mentions (services/emergency.py). The complaint goes to its category's
default unit. Once it commits, two tasks on the text queue (whose worker holds the Korean
morphological analyser, which web workers never load) count its terms for the trending issues
(services/text_analysis.py) and ask the routing classifier for a better unit (complaints/routing.py:
a confident suggestion moves the complaint there unless an official has touched it since).
"""

import logging
import re
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seoul_portal.images import ImageRejected, prepare_image

from ..calendar import work_calendar
from ..deadlines import due_at
from ..errors import ComplaintError
from ..geography import BadCoordinates, district_code_at, parse_coordinates
from ..models import (
    DESCRIPTION_MAX_LENGTH,
    PHOTOS_MAX,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    ContactPreference,
    Follower,
    TrackingCounter,
)
from ..models.complaints import TITLE_MAX_LENGTH
from ..notifications import notify_filer
from .emergency import complaint_check_emergency

logger = logging.getLogger(__name__)

# A tag, a comment, a doctype or a processing instruction: complaints are plain text.
_HTML = re.compile(r"<\s*[a-zA-Z!/?][^>]*>|&#?[a-zA-Z0-9]+;")


def refuse_html(value: str, field_name: str):
    if value and _HTML.search(value):
        raise ComplaintError(_("Write plain text: HTML tags and entities are not accepted."), field=field_name)


@dataclass
class Location:
    latitude: object = None
    longitude: object = None
    address: str = ""


@dataclass
class Filer:
    """Who files: a signed-in citizen, or a contact (guest, caller, sender, app user), or nobody."""

    citizen: object = None
    contact: object = None
    name: str = ""
    preference: str = ContactPreference.SMS
    language: str = "ko"
    extra: dict = field(default_factory=dict)

    @property
    def phone_last4(self) -> str:
        holder = self.citizen or self.contact
        return getattr(holder, "phone_last4", "") or ""


def next_tracking_number(year: int) -> str:
    """`YYYY-NNNNNNN`, the next of the year: one statement that locks the year's counter row
    until the caller's transaction ends (numbers are never given twice, and a rolled-back filing
    gives its number back)."""
    table = connection.ops.quote_name(TrackingCounter._meta.db_table)
    with connection.cursor() as cursor:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 -- the table name is ours  # nosec B608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{year}-{number:07d}"


def clean_text(*, title: str, description: str):
    title, description = (title or "").strip(), (description or "").strip()
    if not description:
        raise ComplaintError(_("Describe the problem."), field="description")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ComplaintError(
            _("The description may be at most %(max)d characters (it has %(count)d).")
            % {"max": DESCRIPTION_MAX_LENGTH, "count": len(description)},
            field="description",
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ComplaintError(
            _("The title may be at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH}, field="title"
        )
    refuse_html(title, "title")
    refuse_html(description, "description")
    return title, description


def clean_location(location: Location | None, *, required: bool):
    """(latitude, longitude, district code, address) of a location inside Seoul, or ComplaintError."""
    location = location or Location()
    address = (location.address or "").strip()
    if len(address) > 200:
        raise ComplaintError(_("The address may be at most 200 characters."), field="address")
    refuse_html(address, "address")
    given = [value for value in (location.latitude, location.longitude) if value not in (None, "")]
    if not given:
        if required and not address:
            raise ComplaintError(_("This category needs a location: pin it on the map or give the address."),
                                 field="location")  # fmt: skip
        return None, None, None, address
    if len(given) == 1:
        raise ComplaintError(_("A location needs both a latitude and a longitude."), field="location")
    try:
        latitude, longitude = parse_coordinates(location.latitude, location.longitude)
    except BadCoordinates:
        raise ComplaintError(_("The location's coordinates are not valid numbers."), field="location") from None
    district = district_code_at(latitude, longitude)
    if district is None:
        raise ComplaintError(
            _("This location is outside Seoul. The Seoul Metropolitan Government can only take complaints about places in Seoul."),
            field="location",
        )  # fmt: skip
    return latitude, longitude, district, address


def clean_answers(category: Category, answers: dict | None) -> dict:
    """The answers to the category's extra questions, checked: required ones given, numbers
    numbers, choices among the choices. Unknown codes are ignored."""
    answers = answers or {}
    cleaned = {}
    for question in category.questions.all():
        raw = answers.get(question.code)
        values = raw if isinstance(raw, (list, tuple)) else ([] if raw in (None, "") else [raw])
        values = [str(value).strip() for value in values if str(value).strip()]
        if not values:
            if question.required:
                raise ComplaintError(_("Answer: %(question)s") % {"question": question.prompt},
                                     field=f"answer_{question.code}")  # fmt: skip
            continue
        for value in values:
            refuse_html(value, f"answer_{question.code}")
            if len(value) > 500:
                raise ComplaintError(_("An answer may be at most 500 characters."), field=f"answer_{question.code}")
        if question.kind == question.Kind.NUMBER:
            try:
                number = float(values[0])
            except ValueError:
                raise ComplaintError(_("“%(question)s” takes a number.") % {"question": question.prompt},
                                     field=f"answer_{question.code}") from None  # fmt: skip
            cleaned[question.code] = values[0] if number == number else ""
        elif question.kind in (question.Kind.CHOICE, question.Kind.MULTICHOICE):
            keys = question.choice_keys
            if any(value not in keys for value in values) or (
                question.kind == question.Kind.CHOICE and len(values) > 1
            ):
                raise ComplaintError(_("Pick one of the offered answers to “%(question)s”.") % {"question": question.prompt},
                                     field=f"answer_{question.code}")  # fmt: skip
            cleaned[question.code] = values if question.kind == question.Kind.MULTICHOICE else values[0]
        else:
            cleaned[question.code] = values[0]
    return cleaned


def prepare_photos(uploads) -> list:
    uploads = [upload for upload in (uploads or []) if upload]
    if len(uploads) > PHOTOS_MAX:
        raise ComplaintError(_("Attach at most %(max)d photos.") % {"max": PHOTOS_MAX}, field="photos")
    prepared = []
    for upload in uploads:
        try:
            prepared.append(prepare_image(upload))
        except ImageRejected as rejected:
            raise ComplaintError(rejected.message, field="photos") from None
    return prepared


def active_category(category) -> Category:
    if category is None or not isinstance(category, Category):
        raise ComplaintError(_("Choose a category."), field="category")
    if not category.is_active:
        raise ComplaintError(_("This category no longer takes complaints."), field="category")
    return category


def complaint_file(
    *,
    channel: str,
    category: Category,
    description: str,
    filer: Filer,
    title: str = "",
    location: Location | None = None,
    is_public: bool = False,
    answers: dict | None = None,
    photos=(),
    filed_by=None,
    open311_client=None,
    now=None,
) -> Complaint:
    """File a categorised complaint; returns it (received, routed, with its deadline)."""
    if channel not in Channel.values or channel in (Channel.SMS, Channel.EMAIL):
        raise ValueError(f"complaint_file takes web, mobile, phone or open311, not {channel!r}")
    now = now or timezone.now()
    category = active_category(category)
    title, description = clean_text(title=title, description=description)
    latitude, longitude, district, address = clean_location(location, required=category.needs_location)
    cleaned_answers = clean_answers(category, answers)
    prepared = prepare_photos(photos)
    if filer.preference not in ContactPreference.values:
        raise ComplaintError(_("Choose how we should tell you about progress."), field="contact_preference")
    refuse_html(filer.name, "name")
    with transaction.atomic():
        complaint = Complaint(
            tracking_number=next_tracking_number(timezone.localtime(now).year),
            channel=channel,
            category=category,
            complaint_type=category.complaint_type,
            title=title or description[:60],
            description=description,
            address=address,
            latitude=latitude,
            longitude=longitude,
            district_id=district,
            is_public=bool(is_public),
            answers=cleaned_answers,
            citizen=filer.citizen,
            contact=filer.contact,
            contact_name=(filer.name or "").strip()[:60],
            contact_preference=filer.preference,
            language=filer.language or "ko",
            tracking_last4=filer.phone_last4,
            filed_by=filed_by,
            open311_client=open311_client,
            received_at=now,
            due_at=due_at(now, category.period, work_calendar()),
            unit=category.default_unit,
        )
        complaint.save(force_insert=True)
        for position, image in enumerate(prepared):
            ComplaintPhoto.objects.create(complaint=complaint, position=position, image=image)
        _record_receipt(complaint, actor=filed_by, now=now)
        _follow_as_filer(complaint, now=now)
        notify_filer(complaint, "complaint_received")
        complaint_check_emergency(complaint, now=now)
        count_terms_on_commit(complaint.pk)
        suggest_unit_on_commit(complaint)
    return complaint


def complaint_file_for_triage(*, channel: str, description: str, filer: Filer, title: str = "", now=None) -> Complaint:
    """An SMS or an email: the text and its sender, no category and no location yet. It waits in
    the triage queue; the sender is told the tracking number at once."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValueError(f"complaint_file_for_triage takes sms or email, not {channel!r}")
    now = now or timezone.now()
    title = (title or "").strip()[:TITLE_MAX_LENGTH]
    description = (description or "").strip()
    if not description:
        raise ComplaintError(_("The message is empty."), field="description")
    # A long email is kept whole up to the limit; what is beyond is cut with a mark, not refused
    # (the sender cannot correct a form), and markup is left as text for the operator to read.
    if len(description) > DESCRIPTION_MAX_LENGTH:
        description = description[: DESCRIPTION_MAX_LENGTH - 1] + "…"
    with transaction.atomic():
        complaint = Complaint(
            tracking_number=next_tracking_number(timezone.localtime(now).year),
            channel=channel,
            title=title,
            description=description,
            contact=filer.contact,
            citizen=filer.citizen,
            contact_preference=filer.preference,
            language=filer.language or "ko",
            tracking_last4=filer.phone_last4,
            received_at=now,
        )
        complaint.save(force_insert=True)
        _record_receipt(complaint, actor=None, now=now)
        _follow_as_filer(complaint, now=now)
        notify_filer(complaint, "complaint_received")
        complaint_check_emergency(complaint, now=now)
        # Counted now, under no category (the overall trends); triage does not count it again.
        count_terms_on_commit(complaint.pk)
    return complaint


def complaint_complete_triage(
    *, actor, complaint: Complaint, category: Category, title: str = "", location: Location | None = None,
    is_public: bool = False, now=None,
) -> Complaint:  # fmt: skip
    """An operator gives a triaged complaint its category (and so its type, deadline and unit),
    a title and a location. The deadline runs from receipt, not from triage."""
    category = active_category(category)
    # Only what the operator writes is checked: the message stays as the sender wrote it (an
    # email quoting "<name@example.com>" is not HTML someone typed into a form).
    title = (title or "").strip()
    if len(title) > TITLE_MAX_LENGTH:
        raise ComplaintError(_("The title may be at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH}, field="title")
    refuse_html(title, "title")
    latitude, longitude, district, address = clean_location(location, required=False)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.category_id is not None:
            raise ComplaintError(_("This complaint has already been categorised."), code="conflict")
        if complaint.status != Complaint.Status.RECEIVED:
            from ..states import IllegalMove

            raise IllegalMove("triage", complaint.status)
        complaint.category = category
        complaint.complaint_type = category.complaint_type
        complaint.title = title or complaint.title or complaint.description[:60]
        complaint.latitude, complaint.longitude, complaint.district_id = latitude, longitude, district
        complaint.address = address or complaint.address
        complaint.is_public = bool(is_public)
        complaint.due_at = due_at(complaint.received_at, category.period, work_calendar())
        # The default unit now; the classifier's suggestion once this commits (as at intake).
        complaint.unit = category.default_unit
        complaint.suggested_unit, complaint.suggestion_confidence = None, None
        complaint.save()
        ComplaintEvent.objects.create(
            complaint=complaint, at=now or timezone.now(), kind=ComplaintEvent.Kind.ROUTED, actor=actor,
            unit=complaint.unit, note=category.name_ko, is_public=False,
        )  # fmt: skip
        from audit.services import audit_record

        audit_record(
            actor=actor, action="complaint.triage", target=complaint, summary={"category": category.service_code}
        )
        suggest_unit_on_commit(complaint)
    return complaint


def count_terms_on_commit(complaint_id: int):
    """The trends' term count, on the text queue once the filing commits. A failure to publish
    is logged, never raised (the filing stands): the next trends computation counts it."""
    transaction.on_commit(partial(_publish_count_terms, complaint_id), robust=True)


def _publish_count_terms(complaint_id: int):
    from notifications.dispatch import PUBLISH_RETRY_POLICY, publish_breaker

    from ..tasks import count_terms

    if publish_breaker.is_open():  # the broker failed moments ago: do not hold the request
        return
    try:
        count_terms.apply_async(args=[complaint_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # noqa: BLE001 -- any broker error: trends_compute catches the complaint up
        publish_breaker.trip()
        logger.warning("Terms of complaint %s not enqueued; the next trends computation counts them", complaint_id)


def suggest_unit_on_commit(complaint: Complaint):
    """The routing classifier's suggestion, on the text queue once the filing (or the triage)
    commits. A failure to publish is logged, never raised: the complaint stays with its default
    unit, where an official can transfer it."""
    transaction.on_commit(partial(_publish_suggest_unit, complaint.pk, complaint.unit_id), robust=True)


def _publish_suggest_unit(complaint_id: int, routed_unit_id: int | None):
    from notifications.dispatch import PUBLISH_RETRY_POLICY, publish_breaker

    from ..tasks import suggest_unit

    if publish_breaker.is_open():  # the broker failed moments ago: do not hold the request
        return
    try:
        suggest_unit.apply_async(args=[complaint_id, routed_unit_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # noqa: BLE001 -- any broker error: the default unit stands
        publish_breaker.trip()
        logger.warning("Routing suggestion of complaint %s not enqueued; it stays with its default unit", complaint_id)


def _record_receipt(complaint, *, actor, now):
    ComplaintEvent.objects.create(
        complaint=complaint, at=now, kind=ComplaintEvent.Kind.RECEIVED, to_status=complaint.status, actor=actor,
        unit=complaint.unit,
    )  # fmt: skip


def _follow_as_filer(complaint, *, now):
    if complaint.citizen_id or complaint.contact_id:
        Follower.objects.create(complaint=complaint, citizen_id=complaint.citizen_id,
                                contact_id=None if complaint.citizen_id else complaint.contact_id, since=now)  # fmt: skip
