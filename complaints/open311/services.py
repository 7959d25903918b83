"""Filing a complaint for an Open311 app: its user's contact and the complaint in one transaction
(a refused complaint leaves no contact behind), through intake's complaint_file like every channel.

What the spec lets an app send and what becomes of it:
- lat/long, address_string → the location (inside Seoul, or refused); address_id → refused when it
  is all there is (Seoul has no address repository behind this API), ignored beside a location;
- attribute[code] / attribute[code][] → the answers to the category's questions;
- phone (a Korean mobile) → told by SMS; else email → told by email; else nobody is told;
- first_name/last_name → the name the officials see; device_id, account_id → not kept;
- media_url → not kept and never fetched (we do not download what an app points at); a `media`
  file part (the multipart extension SeeClickFix-style clients send) → a photo, checked and
  re-encoded like every upload;
- `private=true` (our extension) keeps the complaint off the public list and GET requests.
"""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import Category, Channel, Complaint, Open311Key
from ..services.intake import Filer, Location, complaint_file
from .contacts import contact_for


@dataclass
class Submission:
    category: Category
    description: str
    latitude: str = ""
    longitude: str = ""
    address: str = ""
    answers: dict = field(default_factory=dict)
    phone: str = ""
    email: str = ""
    name: str = ""
    language: str = "ko"
    media: list = field(default_factory=list)
    is_public: bool = True


def open311_request_file(*, key: Open311Key, submission: Submission, now=None) -> Complaint:
    with transaction.atomic():
        contact, preference = contact_for(phone=submission.phone, email=submission.email,
                                          language=submission.language)  # fmt: skip
        return complaint_file(
            channel=Channel.OPEN311,
            category=submission.category,
            description=submission.description,
            filer=Filer(contact=contact, name=submission.name, preference=preference, language=submission.language),
            location=Location(latitude=submission.latitude or None, longitude=submission.longitude or None,
                              address=submission.address),  # fmt: skip
            is_public=submission.is_public,
            answers=submission.answers,
            photos=submission.media,
            open311_client=key,
            now=now,
        )
