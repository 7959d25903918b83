"""Who may vote in a poll, and if not, why: one reason the page shows and the service enforces.

Checked in this order, so that a citizen is told the first thing to do about it: the poll is
votable at all (published, open, not hidden), the citizen is signed in and verified, holds the
room code or came through the event's QR code, lives in a targeted district, is of a targeted
age, and has not voted yet.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Poll


@dataclass(frozen=True)
class Ineligible:
    code: str
    message: str


NOT_OPEN_YET = "not_open_yet"
CLOSED = "closed"
NOT_PUBLISHED = "not_published"
HIDDEN = "hidden"
SIGN_IN = "sign_in"
UNVERIFIED = "unverified"
ROOM_CODE = "room_code"
ONSITE_ONLY = "onsite_only"
EVENT_WINDOW = "event_window"
DISTRICT = "district"
NO_DISTRICT = "no_district"
AGE = "age"
NO_BIRTH_DATE = "no_birth_date"
ALREADY_VOTED = "already_voted"


def poll_window_reason(poll: Poll, now) -> Ineligible | None:
    """Whether ballots are accepted at `now` at all, whoever asks."""
    if poll.hidden_at is not None:
        return Ineligible(HIDDEN, _("This poll has been hidden by the city."))
    if poll.status in {Poll.Status.DRAFT, Poll.Status.PENDING_REVIEW, Poll.Status.REJECTED}:
        return Ineligible(NOT_PUBLISHED, _("This poll has not been published."))
    if poll.status == Poll.Status.CLOSED or now >= poll.closes_at:
        return Ineligible(CLOSED, _("Voting has closed."))
    if poll.status == Poll.Status.SCHEDULED or now < poll.opens_at:
        return Ineligible(NOT_OPEN_YET, _("Voting has not opened yet."))
    return None


def event_is_running(poll: Poll, now) -> bool:
    return bool(poll.event_starts_at and poll.event_ends_at and poll.event_starts_at <= now < poll.event_ends_at)


def why_cannot_vote(
    poll: Poll, citizen, *, now=None, access_granted=False, has_voted=False, district_codes=None
) -> Ineligible | None:
    """None when `citizen` may vote in `poll` now; otherwise the first reason they may not.

    access_granted: the visitor entered the room code or came through the QR code (the view
    keeps that in the session). district_codes: the poll's targeted district codes, when the
    caller already has them (saves a query); has_voted: whether a participation row exists.
    """
    now = now or timezone.now()
    reason = poll_window_reason(poll, now)
    if reason:
        return reason
    if citizen is None or not citizen.is_authenticated:
        return Ineligible(SIGN_IN, _("Sign in with your phone to vote."))
    if citizen.phone_verified_at is None or not citizen.is_active:
        return Ineligible(UNVERIFIED, _("Only citizens with a verified phone number can vote."))
    if poll.access == Poll.Access.ROOM and not access_granted:
        return Ineligible(ROOM_CODE, _("This is a private room: enter its room code to vote."))
    if poll.access == Poll.Access.ONSITE:
        if not access_granted:
            return Ineligible(ONSITE_ONLY, _("This poll is for an on-site event: scan the QR code shown there."))
        if not event_is_running(poll, now):
            return Ineligible(EVENT_WINDOW, _("The event's voting time is over or has not started."))
    if district_codes is None:
        district_codes = {district.code for district in poll.audience_districts.all()}
    if district_codes:
        if not citizen.district_id:
            return Ineligible(NO_DISTRICT, _("This poll is for residents of some districts: add your district to your profile."))
        # Targeted polls ask the residents of a district, not the people who work or study there.
        if citizen.district_id not in district_codes or citizen.residence_basis not in ("", "lives"):
            return Ineligible(DISTRICT, _("This poll is only for residents of the districts it targets."))
    if poll.audience_min_age is not None or poll.audience_max_age is not None:
        age = citizen.age_on(timezone.localdate(now))
        if age is None:
            return Ineligible(NO_BIRTH_DATE, _("This poll is for an age range: add your birth date to your profile."))
        if (poll.audience_min_age is not None and age < poll.audience_min_age) or (
            poll.audience_max_age is not None and age > poll.audience_max_age
        ):
            return Ineligible(AGE, _("This poll is only for the age range it targets."))
    if has_voted:
        return Ineligible(ALREADY_VOTED, _("You have already voted in this poll. A vote cannot be changed."))
    return None
