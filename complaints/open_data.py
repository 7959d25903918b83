"""The complaints' open dataset: every complaint's handling, and the words and place of the
public ones only.

Never exported: who filed (citizen, contact, name given, phone digits), the operator, the
official in charge, the answer, internal notes. A private complaint (`is_public` false) gives
its category, district, channel and handling only: its title, text, address and coordinates
are blanked in the query itself, so they never leave the database. A public complaint's title
and text pass through the redaction of phone numbers and email addresses, and its point is
rounded to 3 decimals (about 100 m). Addresses are never exported: the district and the
rounded point say where, without a house number a citizen may have typed.

The tracking number is published for public complaints only: with a private complaint's day,
district and category it would let a neighbour pick out its number and try it on the tracking
page. Every row instead carries `record_id`, a keyed hash of the complaint's primary key (HMAC-
SHA256 with a key derived from SECRET_KEY, 16 hex digits): the same complaint keeps the same id
from one download to the next, so users can join and deduplicate, but the id cannot be turned
back into the complaint, its tracking number or its place in the sequence.
"""

from decimal import Decimal

from django.db.models import Case, CharField, DecimalField, F, Value, When
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from citizens.redaction import redact_contact_data
from opendata.registry import BOOLEAN, DATE, DATETIME, NUMBER, STRING, Dataset, Field, register_dataset

from .models import Complaint
from .states import OPEN_STATES

CHUNK = 2000
COORDINATE_PLACES = 3
# The salt of record_id's key (salted_hmac derives the key from it and SECRET_KEY). Changing it,
# or SECRET_KEY, gives every complaint a new record_id.
RECORD_ID_SALT = "complaints.open_data.record_id"
RECORD_ID_LENGTH = 16

FIELDS = (
    Field("record_id", STRING, _("A stable pseudonymous identifier of the complaint (16 hex digits): the same in every "
                                 "download, to join and deduplicate files; it cannot be turned back into the complaint.")),
    Field("tracking_number", STRING, _("The tracking number (year and sequence) of a public complaint, as on its public "
                                       "page; empty for a private complaint.")),
    Field("channel", STRING, _("How it came in: web, mobile, sms, email, phone (the 120 call centre) or open311 (an app).")),
    Field("category_code", STRING, _("The category's code (its Open311 service code); empty while awaiting triage.")),
    Field("category_name_ko", STRING, _("The category's Korean name.")),
    Field("category_name_en", STRING, _("The category's English name.")),
    Field("complaint_type", STRING,
          _("The legal type, which sets the deadline: inquiry, legal, suggestion, grievance or on_site.")),
    Field("district_code", STRING, _("The district's official 5-digit code (시군구 코드); empty when unknown.")),
    Field("status", STRING, _("The current status: received, assigned, in_progress, transferred, answered, reopened, closed, "
                                "rejected or duplicate.")),
    Field("unit_code", STRING, _("The code of the city unit handling it; empty before it is assigned.")),
    Field("received_on", DATE, _("The day it was received (Seoul time).")),
    Field("due_at", DATETIME, _("The legal deadline for the answer.")),
    Field("finished_on", DATE, _("The day it was answered, rejected or merged into another (Seoul time); empty while open.")),
    Field("on_time", BOOLEAN, _("True if finished by the deadline; false if finished late or still open past it; "
                                "empty while open and not yet due.")),
    Field("is_public", BOOLEAN, _("Whether the filer made it public. Only public complaints have a tracking number, title, "
                                "text and point.")),
    Field("title", STRING, _("The title of a public complaint, phone numbers and email addresses removed.")),
    Field("description", STRING, _("The text of a public complaint, phone numbers and email addresses removed.")),
    Field("latitude", NUMBER, _("The latitude of a public complaint's point, rounded to 3 decimals (about 100 m).")),
    Field("longitude", NUMBER, _("The longitude of a public complaint's point, rounded to 3 decimals (about 100 m).")),
)  # fmt: skip

ANONYMISATION = _(
    "No name, phone number, email address, account or contact of the filer, no official's name and no answer text. "
    "Private complaints have no tracking number, title, text, address or coordinates: only their category, district "
    "and handling. Every complaint is identified by a pseudonymous record_id instead, a keyed hash that stays the "
    "same between downloads. "
    "Public complaints have their title and text with phone numbers and email addresses replaced by [phone] and "
    "[email], and their point rounded to 3 decimals (about 100 m); addresses are never published."
)


def _public_only(column, output_field):
    return Case(When(is_public=True, then=column), default=Value(None), output_field=output_field)


def _complaint_values():
    coordinate = DecimalField(max_digits=9, decimal_places=COORDINATE_PLACES)
    return (
        Complaint.objects.order_by("pk")
        .annotate(
            public_tracking_number=Case(
                When(is_public=True, then=F("tracking_number")), default=Value(""), output_field=CharField()
            ),
            public_title=Case(When(is_public=True, then=F("title")), default=Value(""), output_field=CharField()),
            public_description=Case(
                When(is_public=True, then=F("description")), default=Value(""), output_field=CharField()
            ),
            public_latitude=_public_only(Round("latitude", COORDINATE_PLACES), coordinate),
            public_longitude=_public_only(Round("longitude", COORDINATE_PLACES), coordinate),
        )
        .values_list(
            "pk", "public_tracking_number", "channel", "category__service_code", "category__name_ko",
            "category__name_en", "complaint_type", "district_id", "status", "unit__code", "received_at", "due_at",
            "finished_at",
            "is_public", "public_title", "public_description", "public_latitude", "public_longitude",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )


def _on_time(status, due_at, finished_at, now):
    if finished_at is not None:
        return None if due_at is None else finished_at <= due_at
    if status in OPEN_STATES and due_at is not None and due_at < now:
        return False
    return None


def _day(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def record_ids():
    """A function giving each complaint's record_id from its pk: HMAC-SHA256 keyed from SECRET_KEY,
    equal to `salted_hmac(RECORD_ID_SALT, str(pk), algorithm="sha256").hexdigest()[:16]`. The
    keyed hash is set up once and copied per row: deriving the key ten million times would double
    the work."""
    keyed = salted_hmac(RECORD_ID_SALT, "", algorithm="sha256")

    def record_id(pk) -> str:
        digest = keyed.copy()
        digest.update(str(pk).encode())
        return digest.hexdigest()[:RECORD_ID_LENGTH]

    return record_id


def complaint_rows():
    now = timezone.now()
    record_id = record_ids()
    for (
        pk, number, channel, category_code, name_ko, name_en, complaint_type, district, status, unit, received_at,
        due_at, finished_at, is_public, title, description, latitude, longitude,
    ) in _complaint_values():  # fmt: skip
        yield (
            record_id(pk), number if is_public else "", channel, category_code or "", name_ko or "", name_en or "",
            complaint_type, district or "", status, unit or "", _day(received_at), due_at, _day(finished_at),
            _on_time(status, due_at, finished_at, now), is_public,
            redact_contact_data(title) if is_public else "", redact_contact_data(description) if is_public else "",
            _rounded(latitude) if is_public else None, _rounded(longitude) if is_public else None,
        )  # fmt: skip


def _rounded(value):
    # The database rounds already; quantize again so SQLite's floats come out as 3 decimals too.
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-COORDINATE_PLACES))


def register_open_data():
    register_dataset(
        Dataset(
            slug="complaints",
            channel="complaints",
            channel_title=_("Civil complaints"),
            title=_("Civil complaints and their handling"),
            description=_(
                "Every complaint received through any channel (web, mobile, SMS, email, the 120 call centre, Open311 "
                "apps): its category, district, handling unit, deadline and whether it was answered on time. The "
                "title, text and approximate point are given for complaints their filers made public."
            ),
            fields=FIELDS,
            rows=complaint_rows,
            anonymisation=ANONYMISATION,
            order=10,
        )
    )
