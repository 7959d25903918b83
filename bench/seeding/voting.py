"""M-Voting at scale: polls of every kind, status and question type, and their ballots, written as
ballot_cast writes them: a participation row (who voted, with the date), an anonymous ballot
(choices, the voter's demographic snapshot, salt, receipt digest), the sharded counters and, unless
--no-ledger, the ballot's entry on the participation ledger, already sealed (see .ledger).

Two featured polls carry most ballots, the results pages the benchmark measures:
- an open single-choice policy vote with --ballots ballots (1,000,000 at Seoul's scale), results live;
- a closed ranked-choice citizen vote with --ranked-ballots ballots (Borda and instant runoff).
The other --polls polls share --other-ballots; drafts, screening and upcoming polls have none.

Consistency, what verify_ledger and the results pages rely on: every ballot has exactly one
participation row of a distinct, eligible citizen (audience districts and ages respected), its
snapshot is that citizen's age band (on the day of voting), district and gender, the counters
(TallyCount, RankingCount) add up to a recount of the ballots, and every ballot's ledger entry
commits to its salt and choices. Nothing ties a ballot to its participation row: ballots are
written in shuffled batches with random ids, participation rows carry a date only.
"""

import math
import os
import uuid
from array import array
from bisect import bisect
from collections import Counter
from datetime import timedelta
from itertools import accumulate

from django.contrib.auth.models import Permission
from django.utils import timezone

from audit import ledger
from citizens.models import Citizen, District, email_blind_index, phone_blind_index
from governance.models import OrgUnit
from voting.models import AgeBand, Ballot, Participation, Poll, PollOption, RankingCount, TallyCount
from voting.ranking import format_ranking
from voting.services.ballots import ballot_commitment, voter_key
from voting.services.polls import new_onsite_token, new_room_code
from voting.tallies import shard_count, tally_keys

from .. import sizes as bench_sizes
from . import voting_text
from .bulk import next_id
from .citizens import bench_phone
from .ledger import SealedLedgerWriter, fast_receipt
from .proposals.plan import distribute

Status = Poll.Status
VOTING_OFFICIAL_EMAIL = "voting-office@bench.seoul.example"
VOTING_UNIT_CODE = "bench-citizen-communication"
# Seoul's residents aged 14 and over, roughly: the featured poll's turnout is shown against it.
SEOUL_ELIGIBLE_POPULATION = 8_300_000
# Shares of the other polls by status.
STATUS_SHARES = {
    Status.CLOSED: 70,
    Status.OPEN: 12,
    Status.SCHEDULED: 5,
    Status.PENDING_REVIEW: 4,
    Status.REJECTED: 3,
    Status.DRAFT: 6,
}
QUESTION_SHARES = {Poll.QuestionType.SINGLE: 60, Poll.QuestionType.MULTIPLE: 25, Poll.QuestionType.RANKED: 15}
ACCESS_SHARES = {Poll.Access.PUBLIC: 90, Poll.Access.ROOM: 7, Poll.Access.ONSITE: 3}
HISTORY_DAYS = 3 * 365
# The choices of one batch of ballots are shuffled before they are written (see the module doc).
SHUFFLE_BATCH = 10_000

POLL_FIELDS = [
    "id", "kind", "status", "title", "description", "question_type", "max_choices", "org_unit", "proposer",
    "created_by", "audience_min_age", "audience_max_age", "access", "room_code", "onsite_token", "event_starts_at",
    "event_ends_at", "opens_at", "closes_at", "opened_at", "closed_at", "close_reason", "results_visibility",
    "eligible_population", "reviewed_by", "reviewed_at", "rejection_reason", "hidden_at", "hidden_reason",
    "created_at", "updated_at",
]  # fmt: skip
OPTION_FIELDS = ["id", "poll", "position", "label", "description", "image", "image_alt"]
# Seeded participations and ballots are written in the one transaction that writes everything
# else, the ballots shuffled (see _flush_ballots): nothing left for the mixer
# (voting.services.mixing) to rewrite, so both are written as mixed.
PARTICIPATION_FIELDS = ["id", "poll", "citizen", "voted_on", "voter_key", "mixed"]
BALLOT_FIELDS = ["id", "poll", "choices", "age_band", "district_code", "gender", "salt", "receipt_digest", "mixed"]
TALLY_FIELDS = ["id", "poll", "option_position", "dimension", "value", "shard", "count"]
RANKING_FIELDS = ["id", "poll", "ranking", "shard", "count"]
AGE_BANDS = list(AgeBand.values)


def _band(age: int | None) -> str:
    if age is None:
        return ""
    if age < 20:
        return AgeBand.UNDER_20.value
    if age >= 70:
        return AgeBand.SEVENTY_PLUS.value
    return f"{age // 10 * 10}s"


class _Phone:
    """What voter_key() reads of a citizen."""

    __slots__ = ("phone_index",)

    def __init__(self, phone_index):
        self.phone_index = phone_index


def seeded_voter_key(poll_id, citizen_id) -> str:
    """The participation's "one phone, one vote" key, from the seeded citizen's fake phone (its
    blind index computed again rather than held for a million citizens)."""
    return voter_key(poll_id, _Phone(phone_blind_index(bench_phone(citizen_id))))


class Demographics:
    """The seeded citizens' birth dates, districts, residence and genders in compact arrays (a few
    bytes per citizen), read once from the database: what a ballot's snapshot and the audience
    rules need."""

    def __init__(self, block):
        self.block = block
        self.birth = array("i")  # yyyymmdd, 0 when unknown
        self.district_codes = [""]
        self.district = bytearray()  # index into district_codes
        self.genders = [""]
        self.gender = bytearray()
        self.resident = bytearray()  # 1: lives in the district (ballot_cast's snapshot keeps it)
        district_index, gender_index = {"": 0}, {"": 0}
        rows = (
            Citizen.objects.filter(pk__gte=block.first_id, pk__lt=block.first_id + block.count)
            .order_by("pk")
            .values_list("birth_date", "district_id", "gender", "residence_basis")
        )
        for birth, district, gender, basis in rows.iterator(chunk_size=20_000):
            self.resident.append(1 if basis in ("", "lives") else 0)
            self.birth.append(birth.year * 10_000 + birth.month * 100 + birth.day if birth else 0)
            district = district or ""
            if district not in district_index:
                district_index[district] = len(self.district_codes)
                self.district_codes.append(district)
            self.district.append(district_index[district])
            gender = gender or ""
            if gender not in gender_index:
                gender_index[gender] = len(self.genders)
                self.genders.append(gender)
            self.gender.append(gender_index[gender])
        if len(self.birth) != block.count:
            raise ValueError("The citizens' block is not where the seeder expected it.")

    def age_on(self, index, day_number) -> int | None:
        """Age on the day day_number (yyyymmdd): the whole years between the two dates."""
        birth = self.birth[index]
        return (day_number - birth) // 10_000 if birth else None

    def resident_district(self, index) -> str:
        """The district a ballot records and an audience counts: residents' only."""
        return self.district_codes[self.district[index]] if self.resident[index] else ""

    def snapshot(self, index, day_number) -> tuple[str, str, str]:
        return (_band(self.age_on(index, day_number)), self.resident_district(index), self.genders[self.gender[index]])


def _day_number(day) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _stride(rng, modulus):
    """A step coprime with `modulus`: (offset + j·step) mod modulus visits every index once."""
    if modulus <= 2:
        return 1
    while True:
        step = rng.randrange(1, modulus)
        if math.gcd(step, modulus) == 1:
            return step


def _weighted(rng, values, weights):
    return rng.choices(values, weights=weights)[0]


def ensure_voting_reference_data(text):
    """The unit responsible for the seeded policy votes and its official (idempotent)."""
    unit, _ = OrgUnit.objects.get_or_create(
        code=VOTING_UNIT_CODE,
        defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": "시민소통기획관", "name_en": "Citizen Communication Office"},
    )
    official = Citizen.objects.filter(email_index=email_blind_index(VOTING_OFFICIAL_EMAIL)).first()
    if official is None:
        official = Citizen.objects.create_user(email=VOTING_OFFICIAL_EMAIL, is_staff=True, name=text.name())
        official.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="voting", codename__in=["screen_poll", "moderate_poll"])
        )
    return unit, official


class PollPlan:
    """One poll to write: what it is, when, who may vote, and how many ballots it gets."""

    __slots__ = (
        "id", "kind", "status", "question_type", "max_choices", "title", "description", "options", "access",
        "results_visibility", "districts", "min_age", "max_age", "opens_at", "closes_at", "closed_at",
        "close_reason", "hidden", "ballots", "proposer", "eligible_population", "featured",
    )  # fmt: skip

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))


class VotingWriter:
    def __init__(self, loader, *, citizens, sizes, rng, text, now, ledger=True, progress=None):
        self.loader, self.citizens, self.sizes = loader, citizens, sizes
        self.rng, self.text, self.now, self.progress = rng, text, now, progress
        self.today = timezone.localdate(now)
        self.shards = shard_count()
        self.polls = loader.table(Poll, POLL_FIELDS)
        self.options = loader.table(PollOption, OPTION_FIELDS)
        audience = Poll.audience_districts.through
        self.audience = loader.table(audience, ["id", "poll", "district"])
        self.participations = loader.table(Participation, PARTICIPATION_FIELDS)
        self.ballots = loader.table(Ballot, BALLOT_FIELDS)
        self.tallies = loader.table(TallyCount, TALLY_FIELDS)
        self.rankings = loader.table(RankingCount, RANKING_FIELDS)
        self.ledger = SealedLedgerWriter(loader) if ledger else None
        self.next_poll_id = next_id(Poll)
        self.next_option_id = next_id(PollOption)
        self.next_audience_id = next_id(audience)
        self.next_tally_id = next_id(TallyCount)
        self.next_ranking_id = next_id(RankingCount)
        self.district_codes = sorted(District.objects.values_list("code", flat=True))
        self.district_names = dict(District.objects.values_list("code", "name_ko"))
        self.written_ballots = Counter()

    # --- Planning ---------------------------------------------------------------------------

    def plan(self) -> list[PollPlan]:
        rng, now, sizes = self.rng, self.now, self.sizes
        plans = []
        status_list, status_weights = list(STATUS_SHARES), list(STATUS_SHARES.values())
        for _ in range(sizes["polls"]):
            plans.append(self._other_poll(_weighted(rng, status_list, status_weights)))
        votable = [plan for plan in plans if plan.status in (Status.OPEN, Status.CLOSED)]
        if votable:
            cap = self.citizens.count
            weights = [rng.paretovariate(1.16) for _ in votable]
            counts = distribute(
                min(sizes["other_ballots"], cap * len(votable)), [0] * len(votable), [cap] * len(votable), weights
            )
            for plan, count in zip(votable, counts, strict=True):
                plan.ballots = count
        title, description, labels = voting_text.FEATURED_RANKED
        plans.append(
            PollPlan(
                kind=Poll.Kind.CITIZEN,
                status=Status.CLOSED,
                question_type=Poll.QuestionType.RANKED,
                max_choices=len(labels),
                title=title,
                description=description,
                options=labels,
                access=Poll.Access.PUBLIC,
                results_visibility=Poll.ResultsVisibility.AFTER_CLOSE,
                districts=(),
                opens_at=now - timedelta(days=40),
                closes_at=now - timedelta(days=10),
                closed_at=now - timedelta(days=10),
                close_reason="",
                hidden=False,
                ballots=sizes["ranked_ballots"],
                proposer=rng.randrange(self.citizens.count),
                featured="ranked",
            )
        )
        title, description, labels = voting_text.FEATURED_SINGLE
        plans.append(
            PollPlan(
                kind=Poll.Kind.POLICY,
                status=Status.OPEN,
                question_type=Poll.QuestionType.SINGLE,
                max_choices=1,
                title=title,
                description=description,
                options=labels,
                access=Poll.Access.PUBLIC,
                results_visibility=Poll.ResultsVisibility.LIVE,
                districts=(),
                opens_at=now - timedelta(days=20),
                closes_at=now + timedelta(days=40),
                close_reason="",
                hidden=False,
                ballots=sizes["ballots"],
                eligible_population=max(SEOUL_ELIGIBLE_POPULATION, sizes["ballots"]),
                featured="single",
            )
        )
        for plan in plans:
            plan.id = self.next_poll_id
            self.next_poll_id += 1
            plan.ballots = min(plan.ballots or 0, self.citizens.count)
        return plans

    def _other_poll(self, status) -> PollPlan:
        rng, now, day = self.rng, self.now, timedelta(days=1)
        if status == Status.DRAFT:
            kind = Poll.Kind.POLICY
        elif status in (Status.PENDING_REVIEW, Status.REJECTED):
            kind = Poll.Kind.CITIZEN
        else:
            kind = Poll.Kind.POLICY if rng.random() < 0.4 else Poll.Kind.CITIZEN
        question_type = _weighted(rng, list(QUESTION_SHARES), list(QUESTION_SHARES.values()))
        template, labels = rng.choice(voting_text.QUESTIONS)
        districts = ()
        if rng.random() < 0.2 and self.district_codes:
            districts = tuple(sorted(rng.sample(self.district_codes, rng.choice((1, 1, 2, 3)))))
        district_name = self.district_names.get(districts[0]) if districts else rng.choice(self.text.districts)
        title = template.format(district=district_name)
        min_age = max_age = None
        if rng.random() < 0.1:
            min_age, max_age = rng.choice(((19, 39), (14, 24), (60, None), (None, 29), (40, 64)))
        max_choices = 1
        if question_type != Poll.QuestionType.SINGLE:
            max_choices = rng.randint(2, len(labels))
        if status == Status.CLOSED:
            opens_at = now - rng.uniform(10, HISTORY_DAYS) * day
            closes_at = opens_at + rng.uniform(7, 30) * day
            if closes_at >= now:
                closes_at = now - rng.uniform(0.1, 1) * day
        elif status == Status.OPEN:
            opens_at = now - rng.uniform(0.5, 20) * day
            closes_at = now + rng.uniform(1, 30) * day
        else:
            opens_at = now + rng.uniform(1, 30) * day
            closes_at = opens_at + rng.uniform(7, 30) * day
        closed_at = close_reason = None
        if status == Status.CLOSED:
            closed_at, close_reason = closes_at, ""
            if rng.random() < 0.02:
                closed_at = opens_at + (closes_at - opens_at) * rng.uniform(0.3, 0.9)
                close_reason = rng.choice(voting_text.CLOSE_REASONS)
        return PollPlan(
            kind=kind,
            status=status,
            question_type=question_type,
            max_choices=max_choices,
            title=title,
            description=voting_text.description(title),
            options=labels,
            access=_weighted(rng, list(ACCESS_SHARES), list(ACCESS_SHARES.values())),
            results_visibility=Poll.ResultsVisibility.AFTER_CLOSE
            if rng.random() < 0.2
            else Poll.ResultsVisibility.LIVE,
            districts=districts,
            min_age=min_age,
            max_age=max_age,
            opens_at=opens_at,
            closes_at=closes_at,
            closed_at=closed_at,
            close_reason=close_reason or "",
            hidden=status in (Status.OPEN, Status.CLOSED) and kind == Poll.Kind.CITIZEN and rng.random() < 0.01,
            ballots=0,
            proposer=rng.randrange(self.citizens.count) if kind == Poll.Kind.CITIZEN else None,
        )

    # --- Writing ----------------------------------------------------------------------------

    def write(self) -> dict:
        unit, official = ensure_voting_reference_data(self.text)
        plans = self.plan()
        for plan in plans:
            self._poll_row(plan, unit=unit, official=official)
        self.loader.flush()
        demographics = Demographics(self.citizens) if any(plan.ballots for plan in plans) else None
        total = sum(plan.ballots for plan in plans)
        done = 0
        sample_receipt = None
        for plan in plans:
            if not plan.ballots:
                continue
            receipt = self._ballots(plan, demographics, done=done, total=total)
            if plan.featured == "single":
                sample_receipt = receipt
            done += plan.ballots
        if self.ledger:
            self.ledger.seal()
        featured = {plan.featured: plan for plan in plans if plan.featured}
        return {
            "first_poll_id": plans[0].id,
            "last_poll_id": plans[-1].id,
            "featured_poll_id": featured["single"].id,
            "featured_ballots": self.written_ballots[featured["single"].id],
            "ranked_poll_id": featured["ranked"].id,
            "ranked_ballots": self.written_ballots[featured["ranked"].id],
            "ballots": sum(self.written_ballots.values()),
            # One receipt of the featured poll, for the receipt check's benchmark (fake data).
            "sample_receipt": sample_receipt,
            "ledger_entries": self.ledger.entry_count if self.ledger else 0,
        }

    def _poll_row(self, plan, *, unit, official):
        rng, now = self.rng, self.now
        citizen = self.citizens.id_at
        status = plan.status
        if plan.kind == Poll.Kind.CITIZEN:
            created_at = plan.opens_at - timedelta(days=rng.uniform(3, 14))
        else:
            created_at = plan.opens_at - timedelta(days=rng.uniform(1, 30))
        created_at = min(created_at, now - timedelta(minutes=5))
        reviewed_at = None
        if plan.kind == Poll.Kind.CITIZEN and status != Status.PENDING_REVIEW:
            reviewed_at = created_at + (min(plan.opens_at, now) - created_at) * rng.uniform(0.2, 0.8)
        opened_at = plan.opens_at if status in (Status.OPEN, Status.CLOSED) else None
        room_code = new_room_code() if plan.access == Poll.Access.ROOM else None
        onsite_token = event_starts = event_ends = None
        if plan.access == Poll.Access.ONSITE:
            onsite_token = new_onsite_token()
            event_starts = plan.opens_at + timedelta(hours=rng.uniform(0, 48))
            event_ends = event_starts + timedelta(hours=rng.choice((2, 3, 4)))
        hidden_at = None
        if plan.hidden:
            hidden_at = plan.opens_at + (min(plan.closes_at, now) - plan.opens_at) * rng.uniform(0.2, 0.8)
        last_change = max(moment for moment in (created_at, reviewed_at, opened_at, plan.closed_at, hidden_at) if moment)
        self.polls.add(
            (
                plan.id,
                plan.kind,
                status,
                plan.title,
                plan.description,
                plan.question_type,
                plan.max_choices,
                unit.pk if plan.kind == Poll.Kind.POLICY else None,
                citizen(plan.proposer) if plan.proposer is not None else None,
                official.pk if plan.kind == Poll.Kind.POLICY else citizen(plan.proposer),
                plan.min_age,
                plan.max_age,
                plan.access,
                room_code,
                onsite_token,
                event_starts,
                event_ends,
                plan.opens_at,
                plan.closes_at,
                opened_at,
                plan.closed_at if status == Status.CLOSED else None,
                plan.close_reason,
                plan.results_visibility,
                plan.eligible_population,
                official.pk if reviewed_at else None,
                reviewed_at,
                rng.choice(voting_text.REJECTION_REASONS) if status == Status.REJECTED else "",
                hidden_at,
                rng.choice(voting_text.HIDE_REASONS) if hidden_at else "",
                created_at,
                last_change,
            )
        )
        for position, label in enumerate(plan.options, start=1):
            self.options.add((self.next_option_id, plan.id, position, label, "", "", ""))
            self.next_option_id += 1
        for code in plan.districts or ():
            self.audience.add((self.next_audience_id, plan.id, code))
            self.next_audience_id += 1

    def _eligible(self, plan, demographics, index, day_number):
        if plan.districts and demographics.resident_district(index) not in plan.districts:
            return False
        if plan.min_age is not None or plan.max_age is not None:
            age = demographics.age_on(index, day_number)
            if age is None:
                return False
            if (plan.min_age is not None and age < plan.min_age) or (plan.max_age is not None and age > plan.max_age):
                return False
        return True

    def _choice_maker(self, plan):
        """A function age band → choices, with weights that differ a little by age band (so that
        the breakdowns show something)."""
        rng = self.rng
        positions = list(range(1, len(plan.options) + 1))
        base = [rng.uniform(0.5, 3.0) for _ in positions]
        by_band = {}
        for band in ["", *AGE_BANDS]:
            weights = [weight * rng.uniform(0.6, 1.6) for weight in base]
            by_band[band] = (weights, list(accumulate(weights)))
        random, question_type, max_choices = rng.random, plan.question_type, plan.max_choices

        if question_type == Poll.QuestionType.SINGLE:

            def choose(band):
                _weights, cumulative = by_band[band]
                return (positions[bisect(cumulative, random() * cumulative[-1])],)

        else:
            # Longer lists are likelier; order by weighted random keys (Efraimidis–Spirakis).
            lengths = list(range(1, max_choices + 1))
            length_weights = list(accumulate(length * length for length in lengths))
            ranked = question_type == Poll.QuestionType.RANKED

            def choose(band):
                weights, _cumulative = by_band[band]
                length = lengths[bisect(length_weights, random() * length_weights[-1])]
                keyed = sorted(positions, key=lambda position: random() ** (1 / weights[position - 1]), reverse=True)
                picked = keyed[:length]
                return tuple(picked) if ranked else tuple(sorted(picked))

        return choose

    def _ballots(self, plan, demographics, *, done, total):
        """Participations, ballots, ledger entries, then the poll's counters; returns a receipt."""
        rng = self.rng
        count = self.citizens.count
        offset, step = rng.randrange(count), _stride(rng, count)
        start = timezone.localdate(plan.opens_at)
        end = timezone.localdate(min(plan.closed_at or plan.closes_at, self.now))
        days = max(0, (end - start).days)
        dates = [start + timedelta(days=number) for number in range(days + 1)]
        day_numbers = [_day_number(day) for day in dates]
        choose = self._choice_maker(plan)
        ranked = plan.question_type == Poll.QuestionType.RANKED
        # (counted choices, age band, district, gender, shard) → ballots; for ranked choice the
        # counters see the first preference only, and the rankings are counted apart: both stay
        # small (options × bands × districts × genders × shards) at any number of ballots.
        groups, rankings = Counter(), Counter()
        buffered = []
        scope = f"voting.poll:{plan.id}"  # Poll.ledger_scope
        citizen_id = self.citizens.id_at
        participations, shards, randrange = self.participations, self.shards, rng.randrange
        written = 0
        sample = None
        for j in range(count):
            if written == plan.ballots:
                break
            index = (offset + j * step) % count
            which = randrange(len(dates))
            if (plan.districts or plan.min_age is not None or plan.max_age is not None) and not self._eligible(
                plan, demographics, index, day_numbers[which]
            ):
                continue
            snapshot = demographics.snapshot(index, day_numbers[which])
            choices = choose(snapshot[0])
            voter = citizen_id(index)
            participations.add((uuid.uuid4(), plan.id, voter, dates[which], seeded_voter_key(plan.id, voter), True))
            shard = randrange(shards)
            groups[(choices[:1] if ranked else choices, *snapshot, shard)] += 1
            if ranked:
                rankings[(choices, shard)] += 1
            buffered.append((choices, snapshot))
            if len(buffered) >= SHUFFLE_BATCH:
                sample = self._flush_ballots(plan, scope, buffered) or sample
                buffered = []
            written += 1
            if self.progress:
                self.progress.tick("ballots", done + written, total, self.loader.written)
        sample = self._flush_ballots(plan, scope, buffered) or sample
        self.written_ballots[plan.id] = written
        self._counters(plan, groups, rankings)
        return sample

    def _flush_ballots(self, plan, scope, buffered):
        """Shuffled: the ballots' order says nothing about the order of the participations."""
        self.rng.shuffle(buffered)
        sample = None
        ballots, entries = self.ballots, self.ledger
        for choices, (band, district, gender) in buffered:
            salt = os.urandom(16).hex()
            receipt = fast_receipt()
            digest = ledger.receipt_digest(receipt)
            picks = list(choices)
            ballots.add((uuid.uuid4(), plan.id, picks, band, district, gender, salt, digest, True))
            if entries:
                entries.append_digest(
                    scope=scope,
                    kind="ballot",
                    commitment=ballot_commitment(salt=salt, poll_id=plan.id, choices=picks),
                    digest=digest,
                )
            sample = receipt
        return sample

    def _counters(self, plan, groups, rankings):
        """The counters, as tally_add would have left them after these ballots."""
        tallies = Counter()
        for (choices, band, district, gender, shard), ballots in groups.items():
            for key in tally_keys(
                question_type=plan.question_type,
                choices=list(choices),
                age_band=band,
                district_code=district,
                gender=gender,
            ):
                tallies[(*key, shard)] += ballots
        for (position, dimension, value, shard), total in sorted(tallies.items()):
            self.tallies.add((self.next_tally_id, plan.id, position, dimension, value, shard, total))
            self.next_tally_id += 1
        counted = Counter()
        for (choices, shard), ballots in rankings.items():
            counted[(format_ranking(choices), shard)] += ballots
        for (ranking, shard), total in sorted(counted.items()):
            self.rankings.add((self.next_ranking_id, plan.id, ranking, shard, total))
            self.next_ranking_id += 1


# --- The channel's entry in the seeding registry -----------------------------------------------

SEOUL_SIZES = bench_sizes.SEOUL["voting"]


class VotingSeeder:
    name = "voting"
    help = "M-Voting: polls, participations, ballots, counters (and the ballots' ledger entries)"
    models = (Poll, PollOption, Poll.audience_districts.through, Participation, Ballot, TallyCount, RankingCount)

    def add_arguments(self, parser):
        parser.add_argument(
            "--ballots",
            type=int,
            help=f"Ballots in the featured open poll, the results page measured (default {SEOUL_SIZES['ballots']:,}).",
        )
        parser.add_argument(
            "--ranked-ballots",
            type=int,
            help=f"Ballots in the featured ranked-choice poll (default {SEOUL_SIZES['ranked_ballots']:,}).",
        )
        parser.add_argument("--polls", type=int, help=f"Other polls (default {SEOUL_SIZES['polls']:,}).")
        parser.add_argument(
            "--other-ballots",
            type=int,
            help=f"Ballots shared by the other open and closed polls (default {SEOUL_SIZES['other_ballots']:,}).",
        )

    def sizes(self, options, scale=1.0) -> dict:
        chosen = bench_sizes.scaled(self.name, scale)
        for name in SEOUL_SIZES:
            if options.get(name) is not None:
                chosen[name] = options[name]
        chosen["ledger"] = not options.get("no_ledger", False)
        return chosen

    def citizens_needed(self, sizes) -> int:
        # Every ballot of a poll comes from a distinct citizen.
        return max(200, sizes["ballots"], sizes["ranked_ballots"])

    def has_data(self) -> bool:
        return Poll.objects.exists()

    def seed(self, *, loader, citizens, sizes, rng, text, now, progress=None) -> dict:
        writer = VotingWriter(
            loader,
            citizens=citizens,
            sizes=sizes,
            rng=rng,
            text=text,
            now=now,
            ledger=sizes.get("ledger", True),
            progress=progress,
        )
        return writer.write()
