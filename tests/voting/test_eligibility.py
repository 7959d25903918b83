"""Who may vote: the audience grid (districts, ages, room, on-site event, account, poll state).

Each case is checked twice: why_cannot_vote gives the reason the page shows, and ballot_cast
refuses with the same code (or accepts when there is none).
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from citizens.models import Citizen, District
from voting import eligibility as E
from voting.errors import VotingError
from voting.models import Ballot, Poll
from voting.services import ballot_cast, poll_close_early, poll_hide, poll_reject

pytestmark = pytest.mark.django_db

# 21:00 in Seoul on 9 March 2026; Seoul's midnight, when the 10th begins, is 15:00 UTC.
NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
SEOUL_MIDNIGHT = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
JUST_BEFORE = SEOUL_MIDNIGHT - timedelta(seconds=1)


@pytest.fixture
def now():
    """Overrides the shared fixture: polls are made and checked at a fixed time."""
    return NOW


@pytest.fixture
def build(make_poll, make_citizen, official):
    """(poll, citizen) from a case's description."""

    def make(*, poll=None, citizen=None):
        poll_spec, citizen_spec = dict(poll or {}), dict(citizen or {})
        state = poll_spec.pop("state", "open")
        districts = poll_spec.pop("districts", None)
        if districts:
            poll_spec["audience_districts"] = list(District.objects.filter(code__in=districts))
        if poll_spec.get("access") == Poll.Access.ONSITE:
            poll_spec.setdefault("event_starts_at", NOW - timedelta(minutes=30))
            poll_spec.setdefault("event_ends_at", NOW + timedelta(hours=2))
        if state == "scheduled":
            poll_spec.update(opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=3))
        made = make_poll(publish=state not in {"draft", "pending_review", "rejected"}, **poll_spec)
        if state == "hidden":
            made = poll_hide(actor=official, poll=made, reason="광고", now=NOW)
        elif state == "closed":
            made = poll_close_early(actor=official, poll=made, reason="일정 변경", now=NOW)
        elif state in {"pending_review", "rejected"}:
            # A citizen's poll waiting for screening (then refused).
            Poll.objects.filter(pk=made.pk).update(
                kind=Poll.Kind.CITIZEN, proposer=official, status=Poll.Status.PENDING_REVIEW
            )
            if state == "rejected":
                poll_reject(actor=official, poll=made, reason="광고성 투표", now=NOW)
            made.refresh_from_db()
        kind = citizen_spec.pop("kind", "citizen")
        if kind == "none":
            person = None
        elif kind == "anonymous":
            person = AnonymousUser()
        else:
            person = make_citizen(**citizen_spec)
        return made, person

    return make


# (id, poll, citizen, check: at / access_granted / has_voted, expected reason code or None)
GRID = [
    # Everyone
    ("public-anyone", {}, {}, {}, None),
    ("public-no-district-no-birth-date", {}, {"district": None, "birth_date": None}, {}, None),
    # Districts
    ("district-inside", {"districts": ["11680", "11110"]}, {"district": "11110"}, {}, None),
    ("district-outside", {"districts": ["11680"]}, {"district": "11440"}, {}, E.DISTRICT),
    ("district-unknown", {"districts": ["11680"]}, {"district": None}, {}, E.NO_DISTRICT),
    # Age range 20-39, birthdays at Seoul's midnight
    ("age-turns-20-at-seoul-midnight", {"audience_min_age": 20, "audience_max_age": 39},
     {"birth_date": date(2006, 3, 10)}, {"at": SEOUL_MIDNIGHT}, None),
    ("age-19-one-second-before", {"audience_min_age": 20, "audience_max_age": 39},
     {"birth_date": date(2006, 3, 10)}, {"at": JUST_BEFORE}, E.AGE),
    ("age-39-until-midnight", {"audience_min_age": 20, "audience_max_age": 39},
     {"birth_date": date(1986, 3, 10)}, {"at": JUST_BEFORE}, None),
    ("age-40-from-midnight", {"audience_min_age": 20, "audience_max_age": 39},
     {"birth_date": date(1986, 3, 10)}, {"at": SEOUL_MIDNIGHT}, E.AGE),
    ("age-min-only", {"audience_min_age": 65}, {"birth_date": date(1961, 3, 10)}, {"at": SEOUL_MIDNIGHT}, None),
    ("age-min-only-too-young", {"audience_min_age": 65}, {"birth_date": date(1961, 3, 10)}, {"at": JUST_BEFORE}, E.AGE),
    ("age-max-only", {"audience_max_age": 18}, {"birth_date": date(2007, 3, 10)}, {"at": JUST_BEFORE}, None),
    ("age-max-only-too-old", {"audience_max_age": 18}, {"birth_date": date(2007, 3, 10)}, {"at": SEOUL_MIDNIGHT},
     E.AGE),
    ("age-unknown", {"audience_min_age": 20}, {"birth_date": None}, {}, E.NO_BIRTH_DATE),
    ("district-and-age", {"districts": ["11680"], "audience_min_age": 20},
     {"district": "11680", "birth_date": date(1990, 1, 1)}, {}, None),
    # Private room
    ("room-without-code", {"access": "room"}, {}, {}, E.ROOM_CODE),
    ("room-with-code", {"access": "room"}, {}, {"access_granted": True}, None),
    # On-site event (the event runs from 30 minutes before NOW to 2 hours after)
    ("onsite-without-qr", {"access": "onsite"}, {}, {}, E.ONSITE_ONLY),
    ("onsite-during-event", {"access": "onsite"}, {}, {"access_granted": True}, None),
    ("onsite-before-event", {"access": "onsite"}, {}, {"access_granted": True, "at": NOW - timedelta(minutes=31)},
     E.EVENT_WINDOW),
    ("onsite-at-event-end", {"access": "onsite"}, {}, {"access_granted": True, "at": NOW + timedelta(hours=2)},
     E.EVENT_WINDOW),
    # Accounts
    ("unverified", {}, {"verified": False}, {}, E.UNVERIFIED),
    ("deactivated", {}, {"is_active": False}, {}, E.UNVERIFIED),
    ("not-signed-in", {}, {"kind": "none"}, {}, E.SIGN_IN),
    ("anonymous", {}, {"kind": "anonymous"}, {}, E.SIGN_IN),
    # Poll states
    ("hidden", {"state": "hidden"}, {}, {}, E.HIDDEN),
    ("scheduled", {"state": "scheduled"}, {}, {}, E.NOT_OPEN_YET),
    ("closed", {"state": "closed"}, {}, {}, E.CLOSED),
    ("past-closing-time", {}, {}, {"at": NOW + timedelta(days=7)}, E.CLOSED),
    ("before-opening-time", {}, {}, {"at": NOW - timedelta(hours=2)}, E.NOT_OPEN_YET),
    ("draft", {"state": "draft"}, {}, {}, E.NOT_PUBLISHED),
    ("awaiting-screening", {"state": "pending_review"}, {}, {}, E.NOT_PUBLISHED),
    ("rejected", {"state": "rejected"}, {}, {}, E.NOT_PUBLISHED),
    ("already-voted", {}, {}, {"has_voted": True}, E.ALREADY_VOTED),
    # The first reason wins: the order a citizen can act on
    ("hidden-before-closed", {"state": "hidden"}, {}, {"at": NOW + timedelta(days=8)}, E.HIDDEN),
    ("closed-before-account", {"state": "closed"}, {"verified": False}, {}, E.CLOSED),
    ("account-before-room", {"access": "room"}, {"verified": False}, {}, E.UNVERIFIED),
    ("room-before-district", {"access": "room", "districts": ["11680"]}, {"district": "11440"}, {}, E.ROOM_CODE),
    ("district-before-age", {"districts": ["11680"], "audience_min_age": 60},
     {"district": "11440", "birth_date": date(2000, 1, 1)}, {}, E.DISTRICT),
    ("age-before-already-voted", {"audience_min_age": 60}, {"birth_date": date(2000, 1, 1)}, {"has_voted": True},
     E.AGE),
]


@pytest.mark.parametrize(("poll", "citizen", "check", "expected"), [case[1:] for case in GRID], ids=[c[0] for c in GRID])
def test_who_may_vote(build, poll, citizen, check, expected):
    made, person = build(poll=poll, citizen=citizen)
    at = check.get("at", NOW)
    access_granted = check.get("access_granted", False)

    reason = E.why_cannot_vote(
        made, person, now=at, access_granted=access_granted, has_voted=check.get("has_voted", False)
    )
    assert (reason.code if reason else None) == expected
    if reason:
        assert str(reason.message)
    # The district codes a page may pass in give the same answer as the query.
    codes = set(made.audience_districts.values_list("code", flat=True))
    assert E.why_cannot_vote(
        made, person, now=at, access_granted=access_granted, has_voted=check.get("has_voted", False),
        district_codes=codes,
    ) == reason

    if check.get("has_voted"):
        return  # the service learns that from the participation row (tests/voting/test_ballots.py)
    if expected is None:
        ballot_cast(citizen=person, poll=made, choices=["1"], access_granted=access_granted, now=at)
        assert Ballot.objects.filter(poll=made).count() == 1
    else:
        with pytest.raises(VotingError) as caught:
            ballot_cast(citizen=person, poll=made, choices=["1"], access_granted=access_granted, now=at)
        assert caught.value.code == expected
        assert not Ballot.objects.filter(poll=made).exists()


@pytest.mark.parametrize(
    ("code", "poll", "citizen", "text"),
    [
        (E.DISTRICT, {"districts": ["11680"]}, {"district": "11440"},
         "This poll is only for residents of the districts it targets."),
        (E.NO_DISTRICT, {"districts": ["11680"]}, {"district": None},
         "This poll is for residents of some districts: add your district to your profile."),
        (E.NO_BIRTH_DATE, {"audience_min_age": 20}, {"birth_date": None},
         "This poll is for an age range: add your birth date to your profile."),
        (E.ROOM_CODE, {"access": "room"}, {}, "This is a private room: enter its room code to vote."),
        (E.ONSITE_ONLY, {"access": "onsite"}, {}, "This poll is for an on-site event: scan the QR code shown there."),
        (E.SIGN_IN, {}, {"kind": "none"}, "Sign in with your phone to vote."),
    ],
)
def test_the_reason_says_what_to_do(build, code, poll, citizen, text):
    made, person = build(poll=poll, citizen=citizen)
    reason = E.why_cannot_vote(made, person, now=NOW)
    with translation.override("en"):
        assert (reason.code, str(reason.message)) == (code, text)


def test_an_event_window_is_half_open(build):
    made, _ = build(poll={"access": "onsite"})
    assert not E.event_is_running(made, made.event_starts_at - timedelta(microseconds=1))
    assert E.event_is_running(made, made.event_starts_at)
    assert E.event_is_running(made, made.event_ends_at - timedelta(microseconds=1))
    assert not E.event_is_running(made, made.event_ends_at)


def test_the_window_reason_ignores_who_asks(build):
    made, _ = build(poll={"state": "scheduled"})
    assert E.poll_window_reason(made, NOW).code == E.NOT_OPEN_YET
    assert E.poll_window_reason(made, made.opens_at).code == E.NOT_OPEN_YET  # still scheduled: not opened yet


def test_a_district_poll_asks_residents_not_people_who_work_there(make_poll, make_citizen):
    poll = make_poll(audience_districts=[District.objects.get(code="11680")])
    worker = make_citizen(district="11680")
    Citizen.objects.filter(pk=worker.pk).update(residence_basis=Citizen.ResidenceBasis.WORKS)
    worker.refresh_from_db()
    assert E.why_cannot_vote(poll, worker, now=NOW).code == E.DISTRICT
    assert E.why_cannot_vote(poll, make_citizen(district="11680"), now=NOW) is None
