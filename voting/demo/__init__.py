"""Demo data of M-Voting: policy votes and citizens' polls open, upcoming and closed, of every
question type, a private room and an on-site event, a poll awaiting screening and one rejected,
a reported poll, and closed polls reflected in policy; so that `make run` shows a living channel.

Everything goes through the services with the clock set back (`now=`): the demo crowd's ballots
are cast by ballot_cast, so the counters, the participation rows and the ledger agree and
`manage.py verify_ledger` passes. Idempotent: a poll whose title exists is left alone.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import ledger_seal
from citizens.models import Citizen, District, phone_blind_index
from governance.models import OrgUnit

from ..eligibility import why_cannot_vote
from ..models import Poll
from ..services import (
    ballot_cast,
    ballots_mix,
    poll_approve,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
    poll_reject,
    poll_report,
    reflection_record,
)
from . import content

# The demo voters: fictitious citizens in a reserved range (010-0002-xxxx), of every age band,
# district and gender, so that the results' breakdowns show something.
CROWD_SIZE = 300
CROWD_PHONE = "+82100002{:04d}"
GENDERS = ["female", "male", "female", "male", ""]


def seed(*, proposer=None, official=None) -> dict:
    """`proposer`: the demo citizen who proposed two citizen polls (one awaiting screening) and
    voted in two closed polls; `official`: the account that runs the policy votes and screens (the
    demo superuser). Returns what the command prints: the private room's code."""
    now = timezone.now()
    official = official or Citizen.objects.filter(is_superuser=True).order_by("pk").first()
    crowd = _crowd(now)
    unit_codes = [spec["unit"] for spec in content.POLLS if spec.get("unit")]
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=unit_codes)}
    for index, spec in enumerate(content.POLLS):
        if Poll.objects.filter(title=spec["title"]).exists():
            continue
        with transaction.atomic():
            _poll(spec, index=index, crowd=crowd, proposer=proposer, official=official, units=units, now=now)
    # What the scheduler does every minute: the demo's ballots mixed and sealed in the ledger.
    ballots_mix()
    ledger_seal()
    room = Poll.objects.filter(access=Poll.Access.ROOM, title__in=[spec["title"] for spec in content.POLLS])
    return {"room_code": room.values_list("room_code", flat=True).first()}


def _crowd(now):
    phones = [CROWD_PHONE.format(number) for number in range(CROWD_SIZE)]
    indexes = [phone_blind_index(phone) for phone in phones]
    existing = set(Citizen.objects.filter(phone_index__in=indexes).values_list("phone_index", flat=True))
    districts = sorted(District.objects.values_list("code", flat=True))
    today = timezone.localdate(now)
    missing = []
    for number, phone in enumerate(phones):
        if indexes[number] in existing:
            continue
        age = 16 + (number * 37) % 68  # 16 to 83, spread over the crowd
        citizen = Citizen(
            phone_verified_at=now - timedelta(days=300),
            notify_by=Citizen.NotifyBy.SMS,
            birth_date=date(today.year - age, 1 + number % 12, 1 + number % 28),
            district_id=districts[(number * 7) % len(districts)],
            residence_basis=Citizen.ResidenceBasis.LIVES,
            gender=GENDERS[number % len(GENDERS)],
        )
        citizen.set_phone(phone)
        citizen.set_unusable_password()
        missing.append(citizen)
    Citizen.objects.bulk_create(missing, batch_size=500)
    by_index = {citizen.phone_index: citizen for citizen in Citizen.objects.filter(phone_index__in=indexes)}
    return [by_index[index] for index in indexes]


def _times(spec, now):
    if spec["stage"] in ("open", "closed"):
        return now - timedelta(days=spec["opened"]), now + timedelta(days=spec["closes"])
    return now + timedelta(days=spec["opens_in"]), now + timedelta(days=spec["closes"])


def _poll(spec, *, index, crowd, proposer, official, units, now):
    policy = spec["kind"] == Poll.Kind.POLICY
    stage = spec["stage"]
    opens_at, closes_at = _times(spec, now)
    created = min(opens_at, now) - timedelta(days=2)
    if policy:
        author = official
    else:
        author = proposer if spec.get("proposer") == "demo" and proposer is not None else crowd[-1 - index]
    access = spec.get("access", Poll.Access.PUBLIC)
    onsite = access == Poll.Access.ONSITE
    poll = poll_create(
        actor=author,
        kind=spec["kind"],
        title=spec["title"],
        description=spec["description"],
        question_type=spec["question_type"],
        max_choices=spec.get("max_choices", 1),
        options=[{"label": label, "description": description} for label, description in spec["options"]],
        opens_at=opens_at,
        closes_at=closes_at,
        audience_districts=list(District.objects.filter(code__in=spec.get("districts", []))),
        audience_min_age=spec.get("min_age"),
        access=access,
        # The on-site event runs as long as the poll: the QR code works the whole time.
        event_starts_at=opens_at if onsite else None,
        event_ends_at=closes_at if onsite else None,
        results_visibility=spec.get("results_visibility", Poll.ResultsVisibility.LIVE),
        eligible_population=spec.get("eligible_population"),
        org_unit=units.get(spec.get("unit")) if policy else None,
        now=created,
    )
    if stage in ("draft", "pending"):
        return poll
    screened = created + timedelta(days=1)
    if stage == "rejected":
        return poll_reject(actor=official, poll=poll, reason=spec["rejection"], now=screened)
    if policy:
        poll_publish(actor=official, poll=poll, now=screened)
    else:
        poll_approve(actor=official, poll=poll, now=screened)
    if stage == "upcoming":
        return poll
    poll_open(poll=poll, now=opens_at)
    poll = Poll.objects.prefetch_related("options", "audience_districts").get(pk=poll.pk)
    end = closes_at if stage == "closed" else now
    if spec.get("demo_vote") and proposer is not None:
        _cast(poll, [proposer], count=1, weights=spec["weights"], start=opens_at, end=end, seed=f"{spec['key']}:demo")
    voters = crowd[index * 37 % len(crowd) :] + crowd[: index * 37 % len(crowd)]
    _cast(poll, voters, count=spec["ballots"], weights=spec["weights"], start=opens_at, end=end, seed=spec["key"])
    for number, (category, detail) in enumerate(spec.get("reports", [])):
        poll_report(
            citizen=crowd[150 + number], poll=poll, category=category, detail=detail,
            now=min(now, opens_at + timedelta(hours=6 + number)),
        )
    if stage == "closed":
        poll_close(poll=poll, now=closes_at)
        if "reflection" in spec:
            outcome, note, link = spec["reflection"]
            reflection_record(
                actor=official, poll=poll, outcome=outcome, note=note, link=link,
                now=min(now, closes_at + timedelta(days=7)),
            )
    return poll


def _cast(poll, voters, *, count, weights, start, end, seed):
    """Up to `count` of `voters` vote (those the audience admits), spread over start..end."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, the same on every machine
    positions = [option.position for option in poll.options.all()]
    district_codes = {district.code for district in poll.audience_districts.all()}
    access_granted = poll.access != Poll.Access.PUBLIC  # they entered the room code / scanned the QR code
    cast = 0
    for citizen in voters:
        if cast >= count:
            break
        at = start + (end - start) * (cast + 1) / (count + 2)
        if why_cannot_vote(poll, citizen, now=at, access_granted=access_granted, district_codes=district_codes):
            continue
        ballot_cast(
            citizen=citizen, poll=poll, choices=_choices(poll, positions, weights, rng),
            access_granted=access_granted, now=at,
        )
        cast += 1
    return cast


def _choices(poll, positions, weights, rng):
    if poll.question_type == Poll.QuestionType.SINGLE:
        return rng.choices(positions, weights)[:1]
    return _weighted_order(positions, weights, rng, rng.randint(1, poll.max_choices))


def _weighted_order(positions, weights, rng, count):
    """`count` distinct positions, drawn one after the other by weight (a ranking, or picks)."""
    pool = list(zip(positions, weights, strict=True))
    picked = []
    while pool and len(picked) < count:
        chosen = rng.choices(range(len(pool)), [weight for _position, weight in pool])[0]
        picked.append(pool.pop(chosen)[0])
    return picked
