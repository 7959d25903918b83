"""Integrated civil complaints at scale (issue 7): a million complaints (--complaints), about five
months of them (Seoul receives ~7,000 a day), written as the intake and handling services leave
them, through the bulk loader (COPY) in constant memory.

Reference data, created the usual way and idempotent: 25 org units (bureaus and the divisions
that handle complaints, three officials each), the intake desk (120 operators: triage, filing for
callers, every unit) and a coordinator, 44 categories of every legal type (groups and the leaves
complaints go to), with their default units, Open311 service codes and a few extra questions,
and an Open311 app key.

Each complaint is generated in the order of receipt, day by day (weekdays busier than weekends,
office hours busier than nights), and lives its life up to now:
- channel (web, mobile, the 120 phone line, SMS, email, Open311), filer (a seeded citizen, a
  guest's or caller's or sender's contact, or nobody for an anonymous Open311 report) who follows
  it, its tracking number (`YYYY-NNNNNNN`, per year in order of receipt, and TrackingCounter left
  at the last one given), its last four phone digits for the tracking page;
- category (SMS and email complaints wait for triage a few hours without one), legal type,
  deadline (complaints.deadlines with the officials' holiday table, as intake computes it), unit
  (the category's default, or the router's confident suggestion), answers to the questions;
- a location inside Seoul (points drawn inside the district boundaries, so that
  district_code_at agrees) for place-bound categories and some others; about a third public;
- its moves as events (received; routed after triage; assigned, started, transferred (accepted,
  or disputed and coordinated), answered (at once by the intake desk for some calls), rated,
  reopened and answered again, closed; rejected with reason and remedy; merged as a duplicate
  of an earlier complaint of its category, whose followers it joins), the overdue flag and the
  30-day progress notice where escalation would have set them; whatever has not happened by now
  has not happened, so recent complaints are open and old ones mostly answered or closed.

Not written: audit rows and outbox notifications of these past moves (the benchmark measures
the pages, which read neither), photos.
"""

import bisect
import uuid
from collections import Counter, deque
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth.models import Permission
from django.utils import timezone

from citizens.models import Citizen, District, email_blind_index, phone_blind_index
from complaints.calendar import work_calendar
from complaints.deadlines import SEOUL, due_at
from complaints.geography import district_code_at
from complaints.models import (
    TYPE_PERIODS,
    Category,
    CategoryQuestion,
    Complaint,
    ComplaintEvent,
    ComplaintType,
    Follower,
    Open311Key,
    Satisfaction,
    TrackingCounter,
    Transfer,
)
from complaints.models.open311 import hash_key, new_key
from complaints.states import FINISHED_STATES, OPEN_STATES, Move, Status
from governance.models import OrgAssignment, OrgUnit
from notifications.models import Contact

from .. import sizes as bench_sizes
from . import complaints_text as content
from .bulk import next_id
from .citizens import bench_phone

# How far back the complaints go: about five months.
HISTORY_DAYS = 150
# Channels' shares of the volume.
CHANNELS = {"web": 33, "mobile": 27, "phone": 20, "sms": 6, "email": 4, "open311": 10}
# Complaints per hour of the day (Seoul time), relative.
HOURS = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 6, 7, 7, 5.5, 6.5, 7, 6.5, 6, 5, 4, 3.5, 3.2, 2.8, 2.2, 1.5)
# Per weekday (Monday first); public holidays count as Sundays.
WEEKDAYS = (1.15, 1.0, 1.0, 1.0, 1.0, 0.55, 0.45)
OFFICIALS_PER_UNIT = 3
INTAKE_OPERATORS = 4
OFFICIAL_PERMISSIONS = ("view_complaint", "change_complaint")
INTAKE_EMAIL = "complaints-intake-{}@bench.seoul.example"
COORDINATOR_EMAIL = "complaints-coordinator@bench.seoul.example"
OPEN311_APP = "bench-open311-app"
# Guests', callers' and senders' fake phones: 010-0050-0000 + the contact's id (a range no carrier
# issues, apart from the seeded citizens' 010-0100-… and the demo's 010-000x-…).
CONTACT_PHONE_FIRST = 50 * 10_000
CONTACT_PHONE_LAST = 99 * 10_000 + 9_999
# A share of the place-bound complaints' points: drawn once per district, reused.
POINTS_PER_DISTRICT = 400
# The router's confidence threshold (complaints.routing): a suggestion at or above it decides the unit.
ROUTER_THRESHOLD = 0.7
# Recent complaints of a category a duplicate may repeat.
DUPLICATE_CANDIDATES = 40
# States a small dataset could miss by chance (they last hours): the first complaints received
# in the window below, within the last ten days, are left in each of them, twice, at every scale.
FORCED_STATES = ("received", "assigned", "in_progress", "transferred", "disputed", "reopened") * 2
FORCED_WINDOW = (timedelta(days=10), timedelta(hours=4))

COMPLAINT_FIELDS = [
    "id", "tracking_number", "token", "channel", "category", "complaint_type", "title", "description", "address",
    "latitude", "longitude", "district", "is_public", "answers", "citizen", "contact", "contact_name",
    "contact_preference", "language", "tracking_last4", "filed_by", "open311_client", "status", "unit", "assignee",
    "suggested_unit", "suggestion_confidence", "received_at", "due_at", "answered_at", "closed_at", "answer",
    "answered_by", "rejection_reason", "rejection_remedy", "duplicate_of", "answer_round", "overdue_at",
    "progress_notice_at", "updated_at",
]  # fmt: skip
EVENT_FIELDS = ["complaint", "at", "kind", "move", "from_status", "to_status", "actor", "unit", "note", "is_public"]
FOLLOWER_FIELDS = ["complaint", "citizen", "contact", "since"]
TRANSFER_FIELDS = [
    "complaint", "from_unit", "to_unit", "reason", "requested_by", "requested_at", "outcome", "dispute_reason",
    "decided_unit", "decided_by", "decided_at",
]  # fmt: skip
SATISFACTION_FIELDS = ["complaint", "answer_round", "rating", "comment", "rated_at"]
CONTACT_FIELDS = ["id", "phone", "phone_index", "phone_last4", "email", "email_index", "language", "created_at"]

Kind = ComplaintEvent.Kind
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def contact_phone(contact_id: int) -> str:
    number = CONTACT_PHONE_FIRST + contact_id
    if number > CONTACT_PHONE_LAST:
        raise ValueError("Too many seeded contacts for the fake phone range 010-0050-0000 … 010-0099-9999.")
    return f"+8210{number:08d}"


def contact_email(contact_id: int) -> str:
    return f"sender{contact_id}@bench.seoul.example"


# --- Reference data ---------------------------------------------------------------------------


class Reference:
    """Units, officials, categories (as tuples the writer reads fast) and the Open311 app."""

    def __init__(self, text):
        self.units = self._units()
        self.officials = {}  # unit id → [official ids]
        for code, parent, *_names in content.UNITS:
            if parent is not None:
                unit = self.units[code]
                self.officials[unit.pk] = [
                    self._official(f"{code}.{number}@bench.seoul.example", text, unit=unit, head=number == 1).pk
                    for number in range(1, OFFICIALS_PER_UNIT + 1)
                ]
        self.intake = [
            self._official(INTAKE_EMAIL.format(number), text,
                           extra=("triage_complaint", "file_for_caller", "handle_any_unit")).pk
            for number in range(1, INTAKE_OPERATORS + 1)
        ]  # fmt: skip
        self.coordinator = self._official(COORDINATOR_EMAIL, text, extra=("coordinate_transfer",)).pk
        self.categories = self._categories()
        self.open311_app = self._open311_app()

    def _units(self):
        units = {}
        for order, (code, parent, name_ko, name_en) in enumerate(content.UNITS, start=1):
            kind = OrgUnit.Kind.DIVISION if parent else OrgUnit.Kind.BUREAU
            units[code], _ = OrgUnit.objects.get_or_create(
                code=code,
                defaults={"kind": kind, "parent": units.get(parent), "name_ko": name_ko, "name_en": name_en,
                          "order": 100 + order},
            )  # fmt: skip
        return units

    def _official(self, email, text, *, unit=None, head=False, extra=()):
        official = Citizen.objects.filter(email_index=email_blind_index(email)).first()
        if official is None:
            official = Citizen.objects.create_user(email=email, is_staff=True, name=text.name())
            official.user_permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="complaints", codename__in=[*OFFICIAL_PERMISSIONS, *extra]
                )
            )
        if unit is not None:
            role = OrgAssignment.Role.HEAD if head else OrgAssignment.Role.MEMBER
            OrgAssignment.objects.get_or_create(
                unit=unit, official=official, ended_on=None,
                defaults={"role": role, "started_on": timezone.localdate() - timedelta(days=730),
                          "title_ko": "과장" if head else "주무관"},
            )  # fmt: skip
        return official

    def _categories(self):
        """(id, code, type, unit id, needs location, weight, [(question code, kind, required, keys)]) of the leaves."""
        by_code, leaves = {}, []
        for order, (code, parent, name_ko, name_en, kind, unit, located, weight, questions) in enumerate(
            content.CATEGORIES, start=1
        ):
            category, _ = Category.objects.get_or_create(
                service_code=code,
                defaults={
                    "parent": by_code.get(parent), "name_ko": name_ko, "name_en": name_en, "complaint_type": kind,
                    "default_unit": self.units[unit], "needs_location": located, "order": order,
                    "keywords": name_ko.replace("·", ","),
                },
            )  # fmt: skip
            by_code[code] = category
            asked = []
            for number, question_code in enumerate(questions, start=1):
                prompt_ko, prompt_en, question_kind, required, choices = content.QUESTIONS[question_code]
                CategoryQuestion.objects.get_or_create(
                    category=category, code=question_code,
                    defaults={"prompt_ko": prompt_ko, "prompt_en": prompt_en, "kind": question_kind,
                              "required": required, "order": number,
                              "choices": [{"key": key, "name_ko": ko, "name_en": en} for key, ko, en in choices]},
                )  # fmt: skip
                asked.append((question_code, question_kind, required, [key for key, _ko, _en in choices]))
            if parent is not None:
                leaves.append(
                    (category.pk, code, kind, category.default_unit_id, located, weight, asked, category.name_ko)
                )
        return leaves

    def _open311_app(self):
        app = Open311Key.objects.filter(name=OPEN311_APP).first()
        if app is None:
            key = new_key()  # never used: the load scenario makes its own key
            app = Open311Key.objects.create(name=OPEN311_APP, prefix=key[:8], key_hash=hash_key(key))
        return app.pk


def district_points(rng, per_district) -> dict:
    """code → points (Decimal latitude, Decimal longitude) inside that district, as district_code_at sees them."""
    quantum = Decimal("0.000001")
    points = {}
    for code, boundary in District.objects.values_list("code", "boundary"):
        rings = boundary.get("coordinates") or []
        if boundary.get("type") == "Polygon":
            rings = [rings]
        vertices = [point for polygon in rings for point in polygon[0]]
        if not vertices:
            continue
        lons, lats = [vertex[0] for vertex in vertices], [vertex[1] for vertex in vertices]
        found, tries = [], 0
        while len(found) < per_district and tries < per_district * 50:
            tries += 1
            lat = Decimal(rng.uniform(min(lats), max(lats))).quantize(quantum)
            lon = Decimal(rng.uniform(min(lons), max(lons))).quantize(quantum)
            if district_code_at(lat, lon) == code:
                found.append((lat, lon))
        if found:
            points[code] = found
    return points


def spread_over_days(rng, total, start, end, calendar) -> list[tuple]:
    """(day, count, first moment, last moment) for each Seoul day from start to end: `total`
    complaints split by weekday and holiday weights (the last day only up to `end`)."""
    days = []
    day = timezone.localtime(start, SEOUL).date()
    last = timezone.localtime(end, SEOUL).date()
    while day <= last:
        opens = max(start, datetime.combine(day, time(0), tzinfo=SEOUL))
        closes = min(end, datetime.combine(day + DAY, time(0), tzinfo=SEOUL))
        if closes > opens:
            weight = WEEKDAYS[6] if calendar.is_holiday(day) else WEEKDAYS[day.weekday()]
            days.append([day, weight * (closes - opens) / DAY, opens, closes])
        day += DAY
    weights = sum(entry[1] for entry in days) or 1
    exact = [total * entry[1] / weights for entry in days]
    counts = [int(value) for value in exact]
    # Largest remainders first, ties at random: the counts add up to `total`.
    order = sorted(range(len(days)), key=lambda index: (counts[index] - exact[index], rng.random()))
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return [(entry[0], count, entry[2], entry[3]) for entry, count in zip(days, counts, strict=True)]


class _Original:
    """A recent complaint a later one may duplicate: its id, number and who follows it."""

    __slots__ = ("id", "tracking_number", "followers")

    def __init__(self, complaint_id, tracking_number, followers):
        self.id = complaint_id
        self.tracking_number = tracking_number
        self.followers = followers


class _Life:
    """What happened to one complaint up to now: its events and the fields they leave."""

    __slots__ = (
        "events", "status", "unit", "assignee", "answered_at", "answer", "answered_by", "closed_at",
        "rejection", "duplicate", "answer_round", "due", "overdue_at", "progress_notice_at", "transfer",
        "rating", "last", "finished_at", "kind",
    )  # fmt: skip

    def __init__(self, unit, due, kind):
        self.kind = kind
        self.events = []
        self.status = Status.RECEIVED
        self.unit = unit
        self.assignee = None
        self.answered_at = self.answer = self.answered_by = self.closed_at = None
        self.rejection = None
        self.duplicate = None  # (the original, who merged it, when)
        self.finished_at = None  # when it last left the open states
        self.answer_round = 1
        self.due = due
        self.overdue_at = self.progress_notice_at = None
        self.transfer = None
        self.rating = None
        self.last = None


class ComplaintsWriter:
    def __init__(self, loader, *, citizens, sizes, rng, text, now, progress=None):
        self.loader, self.citizens, self.sizes = loader, citizens, sizes
        self.rng, self.now, self.progress = rng, now, progress
        self.reference = Reference(text)
        self.text = content.ComplaintText(rng, dict(District.objects.values_list("code", "name_ko")))
        self.names = text
        self.calendar = work_calendar()
        self._due_by_day = {}
        self.contacts = loader.table(Contact, CONTACT_FIELDS)
        self.complaints = loader.table(Complaint, COMPLAINT_FIELDS)
        self.events = loader.table(ComplaintEvent, EVENT_FIELDS)
        self.followers = loader.table(Follower, FOLLOWER_FIELDS)
        self.transfers = loader.table(Transfer, TRANSFER_FIELDS)
        self.ratings = loader.table(Satisfaction, SATISFACTION_FIELDS)
        self.next_complaint_id = next_id(Complaint)
        self.next_contact_id = next_id(Contact)
        self.phone_contacts, self.email_contacts = [], []  # (id, last four digits) of the contacts written
        self.counters = dict(TrackingCounter.objects.values_list("year", "last"))
        self.points = district_points(rng, POINTS_PER_DISTRICT)
        self.district_codes = sorted(self.points)
        self.district_weights = list(accumulate(rng.uniform(0.6, 1.6) for _ in self.district_codes))
        leaves = self.reference.categories
        self.category_weights = list(accumulate(leaf[5] for leaf in leaves))
        self.channel_names = list(CHANNELS)
        self.channel_weights = list(accumulate(CHANNELS.values()))
        self.hour_weights = list(accumulate(HOURS))
        self.unit_ids = sorted(self.reference.officials)
        self.originals = {leaf[0]: deque(maxlen=DUPLICATE_CANDIDATES) for leaf in leaves}
        self.by_status, self.by_channel, self.by_unit = Counter(), Counter(), Counter()
        self.by_category, self.by_category_public = Counter(), Counter()
        self.public = 0
        # The tracking page's complaint: the newest answered one of a citizen (a full timeline).
        self.sample = None
        self.forced = list(FORCED_STATES)
        self.first_id = self.next_complaint_id

    # --- Helpers ----------------------------------------------------------------------------

    def _pick(self, cumulative):
        return bisect.bisect(cumulative, self.rng.random() * cumulative[-1])

    def _official(self, unit_id):
        return self.rng.choice(self.reference.officials[unit_id])

    def _due(self, received, kind):
        period = TYPE_PERIODS[ComplaintType(kind)]
        if period.working_hours is not None:
            return due_at(received, period, self.calendar)
        key = (timezone.localtime(received, SEOUL).date(), period.days)
        due = self._due_by_day.get(key)
        if due is None:
            due = self._due_by_day[key] = due_at(received, period, self.calendar)
        return due

    def _times(self, count, opens, closes):
        """`count` sorted moments between opens and closes, by the hour weights."""
        rng = self.rng
        day_start = datetime.combine(timezone.localtime(opens, SEOUL).date(), time(0), tzinfo=SEOUL)
        first_hour = int((opens - day_start) / HOUR)
        last_hour = min(23, int((closes - day_start - timedelta(microseconds=1)) / HOUR))
        weights = self.hour_weights
        low = weights[first_hour - 1] if first_hour else 0.0
        high = weights[last_hour]
        moments = []
        for _ in range(count):
            hour = bisect.bisect(weights, low + rng.random() * (high - low))
            moment = day_start + timedelta(hours=min(hour, last_hour), seconds=rng.uniform(0, 3600))
            moments.append(min(max(moment, opens), closes - timedelta(seconds=1)))
        moments.sort()
        return moments

    def _contact(self, *, email=False, language="ko", at=None):
        """A contact: an earlier one again (people write more than once) or a new one; (id, last four)."""
        rng = self.rng
        pool = self.email_contacts if email else self.phone_contacts
        if pool and rng.random() < 0.3:
            return rng.choice(pool)
        contact_id = self.next_contact_id
        self.next_contact_id += 1
        created = at or self.now
        if email:
            address = contact_email(contact_id)
            self.contacts.add((contact_id, "", None, "", address, email_blind_index(address), language, created))
            entry = (contact_id, "")
        else:
            phone = contact_phone(contact_id)
            self.contacts.add((contact_id, phone, phone_blind_index(phone), phone[-4:], "", None, language, created))
            entry = (contact_id, phone[-4:])
        pool.append(entry)
        return entry

    def _citizen(self):
        """A seeded citizen, some filing far more than others."""
        index = int(self.citizens.count * self.rng.random() ** 1.6)
        return self.citizens.id_at(min(index, self.citizens.count - 1))

    # --- Writing ----------------------------------------------------------------------------

    def write(self) -> dict:
        total = self.sizes["complaints"]
        start = self.now - timedelta(days=HISTORY_DAYS)
        done = 0
        for _day, count, opens, closes in spread_over_days(self.rng, total, start, self.now, self.calendar):
            for received in self._times(count, opens, closes):
                self._complaint(received)
                done += 1
                if self.progress:
                    self.progress.tick("complaints", done, total, self.loader.written)
        self.loader.flush()
        for year, last in self.counters.items():
            TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})
        return self._report(done)

    def _report(self, written) -> dict:
        queue_unit = max(self.by_unit, key=self.by_unit.get) if self.by_unit else self.unit_ids[0]
        leaves = {leaf[0]: leaf for leaf in self.reference.categories}
        busiest = max(self.by_category_public, key=self.by_category_public.get) if self.by_category_public else None
        codes = {leaf[1]: leaf[0] for leaf in self.reference.categories}
        return {
            "complaints": written,
            "first_complaint_id": self.first_id,
            "last_complaint_id": self.next_complaint_id - 1,
            "public": self.public,
            "statuses": {str(status): count for status, count in sorted(self.by_status.items())},
            "channels": dict(sorted(self.by_channel.items())),
            "queue_unit_id": queue_unit,
            "queue_unit_complaints": self.by_unit.get(queue_unit, 0),
            "queue_official_id": self.reference.officials[queue_unit][-1],
            "track_number": self.sample[0] if self.sample else "",
            "track_last4": self.sample[1] if self.sample else "",
            "service_code": leaves[busiest][1] if busiest else "",
            "service_code_public": self.by_category_public.get(busiest, 0),
            # The load's categories: one without a location, one that needs a point in Seoul.
            "intake_category": "general-inquiry",
            "intake_category_id": codes["general-inquiry"],
            "intake_located_category": "streetlight",
            "intake_located_category_id": codes["streetlight"],
            "open311_app_id": self.reference.open311_app,
            "contacts": self.contacts.written,
        }

    def _complaint(self, received):
        rng, now = self.rng, self.now
        complaint_id = self.next_complaint_id
        self.next_complaint_id += 1
        year = timezone.localtime(received, SEOUL).year
        number = self.counters.get(year, 0) + 1
        self.counters[year] = number
        tracking = f"{year}-{number:07d}"
        channel = self.channel_names[self._pick(self.channel_weights)]
        language = "en" if rng.random() < 0.03 else "ko"

        # Who files it.
        citizen = contact = filed_by = open311_client = None
        last4, contact_name, preference = "", "", "sms"
        if channel in ("web", "mobile") and rng.random() < 0.9:
            citizen = self._citizen()
            last4 = bench_phone(citizen)[-4:]
            preference = rng.choices(("sms", "email", "none"), weights=(85, 5, 10))[0]
        elif channel == "email" or (channel == "open311" and rng.random() < 0.25):
            contact, last4 = self._contact(email=True, language=language, at=received)
            preference = "email"
        elif channel == "open311" and rng.random() < 0.45:
            preference = "none"  # an anonymous report
        else:
            contact, last4 = self._contact(language=language, at=received)
            if channel in ("phone", "web", "mobile"):
                contact_name = self.names.name()
        if channel == "phone":
            filed_by = rng.choice(self.reference.intake)
        if channel == "open311":
            open311_client = self.reference.open311_app

        # What it is about; SMS and email wait for triage without a category.
        leaf = self.reference.categories[self._pick(self.category_weights)]
        category_id, category_code, kind, default_unit, located, _weight, questions, category_name = leaf
        triaged_at = None
        if channel in ("sms", "email"):
            triaged_at = received + timedelta(minutes=rng.uniform(20, 12 * 60))
            if triaged_at > now:
                category_id = None
        categorised = category_id is not None

        latitude = longitude = district = None
        address = ""
        if categorised and (located or rng.random() < 0.2):
            district = self.district_codes[self._pick(self.district_weights)]
            latitude, longitude = rng.choice(self.points[district])
            if rng.random() < 0.7:
                address = self.text.address(district)
        title, description = self.text.complaint(category_code, district)
        if not categorised:
            title = ""
        is_public = categorised and rng.random() < (0.45 if located else 0.2)
        answers = {}
        if categorised:
            for code, question_kind, required, keys in questions:
                if required or rng.random() < 0.5:
                    answers[code] = _answer(rng, code, question_kind, keys)

        # Routing: mostly the default unit; now and then the router's suggestion.
        unit = suggested = confidence = None
        due = None
        if categorised:
            unit = default_unit
            if rng.random() < 0.08:
                suggested = rng.choice(self.unit_ids)
                confidence = round(rng.uniform(0.3, 0.97), 4)
                if confidence >= ROUTER_THRESHOLD:
                    unit = suggested
            due = self._due(received, kind)

        life = _Life(unit, due, kind)
        life.last = received
        life.events.append((received, Kind.RECEIVED, "", "", Status.RECEIVED, filed_by, unit, "", True))
        if categorised:
            if triaged_at is not None:
                life.events.append(
                    (triaged_at, Kind.ROUTED, "", "", "", rng.choice(self.reference.intake), unit, category_name, False)
                )
                life.last = triaged_at
            start = triaged_at or received
            forced = self._forced_state(start, citizen)
            if forced:
                self._force(life, forced, received, start, citizen)
            else:
                self._live(life, received, start, kind, channel, citizen, category_id)

        # The follower rows: the filer; some public complaints draw more followers.
        followers = set()
        if citizen is not None:
            followers.add(("c", citizen))
        elif contact is not None:
            followers.add(("k", contact))
        if is_public and rng.random() < 0.05 and self.citizens.count > 4:
            for _ in range(rng.randint(1, 3)):
                followers.add(("c", self._citizen()))
        for who, person in followers:
            since = received if (who == "c" and person == citizen) or who == "k" else received + DAY * rng.random()
            since = min(since, now)
            self.followers.add((complaint_id, person if who == "c" else None, person if who == "k" else None, since))
        if life.duplicate is not None:
            # complaint_mark_duplicate: the duplicate's followers join the original's.
            original, actor, merged = life.duplicate
            joined = followers - original.followers
            for who, person in joined:
                self.followers.add((original.id, person if who == "c" else None, person if who == "k" else None,
                                    merged))  # fmt: skip
            original.followers |= joined
            if joined:
                self.events.add((original.id, merged, Kind.FOLLOWER_MOVED, "", "", "", actor, None, tracking, False))
        elif categorised and life.status not in (Status.REJECTED, Status.DUPLICATE):
            self.originals[category_id].append(_Original(complaint_id, tracking, followers))

        for at, event_kind, move, before, after, actor, event_unit, note, public in life.events:
            self.events.add((complaint_id, at, event_kind, move, before, after, actor, event_unit, note, public))
        if life.transfer:
            self.transfers.add((complaint_id, *life.transfer))
        if life.rating:
            self.ratings.add((complaint_id, *life.rating))

        rejection_reason, rejection_remedy = life.rejection or ("", "")
        self.complaints.add(
            (
                complaint_id, tracking, uuid.uuid4(), channel, category_id, kind if categorised else "",
                title, description, address, latitude, longitude, district, is_public, answers, citizen, contact,
                contact_name, preference, language, last4, filed_by, open311_client, life.status, life.unit,
                life.assignee, suggested, confidence, received, life.due, life.answered_at, life.closed_at,
                life.answer or "", life.answered_by, rejection_reason, rejection_remedy,
                life.duplicate[0].id if life.duplicate else None, life.answer_round, life.overdue_at,
                life.progress_notice_at, life.last,
            )
        )  # fmt: skip
        self.by_status[life.status] += 1
        self.by_channel[channel] += 1
        if life.unit is not None:
            self.by_unit[life.unit] += 1
        if categorised:
            self.by_category[category_id] += 1
            if is_public:
                self.by_category_public[category_id] += 1
        self.public += is_public
        if citizen is not None and last4 and life.status == Status.ANSWERED:
            self.sample = (tracking, last4)

    # --- A complaint's life -----------------------------------------------------------------

    def _move(self, life, at, move, to_status, *, actor, unit=None, note="", public=True):
        """Record a move if it happened by now; False once the story reaches the present."""
        if at > self.now:
            return False
        life.events.append((at, Kind.MOVE, move, life.status, to_status, actor, unit or life.unit, note, public))
        life.status = to_status
        life.last = at
        if to_status in FINISHED_STATES and to_status != Status.CLOSED:
            life.finished_at = at
        elif to_status in OPEN_STATES:
            life.finished_at = None
        return True

    def _event(self, life, at, kind, *, actor=None, note="", public=False):
        if at <= self.now:
            life.events.append((at, kind, "", "", "", actor, life.unit, note, public))
            life.last = max(life.last, at)

    def _forced_state(self, start, citizen):
        if not self.forced or not (self.now - FORCED_WINDOW[0] <= start <= self.now - FORCED_WINDOW[1]):
            return None
        state = self.forced[0]
        if state == "reopened" and citizen is None:
            return None  # only the filer, signed in, asks for an additional answer
        return self.forced.pop(0)

    def _force(self, life, state, received, start, citizen):
        """A short story (a step every half hour from `start`) that ends in `state` now."""
        step = timedelta(minutes=30)
        t = start + step
        unit, actor = life.unit, self._official(life.unit)
        if state in ("transferred", "disputed"):
            to_unit = next(other for other in self.unit_ids if other != unit)
            reason = self.rng.choice(content.TRANSFER_REASONS)
            self._move(life, t, Move.TRANSFER, Status.TRANSFERRED, actor=actor, unit=to_unit, note=reason)
            life.unit = to_unit
            pending = (unit, to_unit, reason, actor, t, "pending", "", None, None, None)
            if state == "disputed":
                dispute = self.rng.choice(content.DISPUTE_REASONS)
                self._event(life, t + step, Kind.TRANSFER_DISPUTED, actor=self._official(to_unit), note=dispute)
                pending = (*pending[:5], "disputed", dispute, None, None, None)
            life.transfer = pending
        elif state != "received":
            self._move(life, t, Move.ASSIGN, Status.ASSIGNED, actor=actor)
            life.assignee = actor
            if state in ("in_progress", "reopened"):
                self._move(life, t + step, Move.START, Status.IN_PROGRESS, actor=actor)
            if state == "reopened":
                self._answer(life, t + 2 * step, actor=actor)
                life.rating = (1, 1, content.RATING_COMMENTS[-1], t + 3 * step)
                self._event(life, t + 3 * step, Kind.RATED, actor=citizen, note="1")
                self._move(life, t + 4 * step, Move.REOPEN, Status.REOPENED, actor=citizen, note="추가 답변을 요청합니다.")
                life.answer_round = 2
                life.due = self._due(t + 4 * step, life.kind)
        self._flags(life, received)

    def _live(self, life, received, start, kind, channel, citizen, category_id):
        rng = self.rng
        intake = self.reference.intake
        outcome = rng.random()
        at_once = 0.25 if channel == "phone" else 0.02
        if outcome < at_once:
            # Answered at once by the intake desk (a call answered on the line).
            answered = start + timedelta(minutes=rng.uniform(3, 40))
            if self._answer(life, answered, actor=rng.choice(intake)):
                self._after_answer(life, kind, citizen)
            self._flags(life, received)
            return
        t = start + HOUR * rng.uniform(0.3, 20)
        if outcome < at_once + 0.03:
            # Rejected, with the reason and the remedy the law requires (after assignment, or at once).
            if rng.random() < 0.5:
                actor = self._official(life.unit)
                if not self._move(life, t, Move.ASSIGN, Status.ASSIGNED, actor=actor):
                    return self._flags(life, received)
                life.assignee = actor
                t += HOUR * rng.uniform(1, 48)
            reason, remedy = self.text.rejection()
            if self._move(life, t, Move.REJECT, Status.REJECTED, actor=self._official(life.unit), note=reason):
                life.rejection = (reason, remedy)
            return self._flags(life, received)
        candidates = self.originals.get(category_id)
        if outcome < at_once + 0.06 and candidates:
            original, actor = rng.choice(candidates), self._official(life.unit)
            if self._move(life, t, Move.MARK_DUPLICATE, Status.DUPLICATE, actor=actor, note=original.tracking_number):
                life.duplicate = (original, actor, t)
            return self._flags(life, received)

        if rng.random() < 0.07:
            # Transferred to another unit; accepted, or disputed and decided by the coordinator.
            to_unit = rng.choice([unit for unit in self.unit_ids if unit != life.unit])
            from_unit, actor = life.unit, self._official(life.unit)
            reason = rng.choice(content.TRANSFER_REASONS)
            if not self._move(life, t, Move.TRANSFER, Status.TRANSFERRED, actor=actor, unit=to_unit, note=reason):
                return self._flags(life, received)
            life.unit, life.assignee = to_unit, None
            requested = t
            t += HOUR * rng.uniform(2, 30)
            if rng.random() < 0.2:
                dispute = rng.choice(content.DISPUTE_REASONS)
                if t > self.now:
                    life.transfer = (from_unit, to_unit, reason, actor, requested, "pending", "", None, None, None)
                    return self._flags(life, received)
                self._event(life, t, Kind.TRANSFER_DISPUTED, actor=self._official(to_unit), note=dispute)
                t += DAY * rng.uniform(0.5, 3)
                decided = rng.choice((from_unit, to_unit))
                coordinator = self.reference.coordinator
                if t > self.now:
                    life.transfer = (from_unit, to_unit, reason, actor, requested, "disputed", dispute, None, None,
                                     None)  # fmt: skip
                    return self._flags(life, received)
                self._event(life, t, Kind.COORDINATED, actor=coordinator)
                life.unit = decided
                self._move(life, t, Move.ACCEPT_TRANSFER, Status.ASSIGNED, actor=coordinator, unit=decided)
                life.transfer = (from_unit, to_unit, reason, actor, requested, "coordinated", dispute, decided,
                                 coordinator, t)  # fmt: skip
            else:
                accepter = self._official(to_unit)
                if not self._move(life, t, Move.ACCEPT_TRANSFER, Status.ASSIGNED, actor=accepter):
                    life.transfer = (from_unit, to_unit, reason, actor, requested, "pending", "", None, None, None)
                    return self._flags(life, received)
                life.transfer = (from_unit, to_unit, reason, actor, requested, "accepted", "", to_unit, accepter, t)
        else:
            actor = self._official(life.unit)
            if not self._move(life, t, Move.ASSIGN, Status.ASSIGNED, actor=actor):
                return self._flags(life, received)
            life.assignee = actor
        t += HOUR * rng.uniform(0.5, 30)
        actor = life.assignee or self._official(life.unit)
        if not self._move(life, t, Move.START, Status.IN_PROGRESS, actor=actor):
            return self._flags(life, received)
        life.assignee = actor
        answered = self._answer_time(received, life.due, t)
        if self._answer(life, answered, actor=actor):
            self._after_answer(life, kind, citizen)
        self._flags(life, received)

    def _answer_time(self, received, due, after):
        """Most answers come before the deadline, some after it (the overdue ones)."""
        share = self.rng.lognormvariate(-0.6, 0.45)  # of the time allowed; ~8 % over 1
        return max(after + timedelta(minutes=30), received + (due - received) * share)

    def _answer(self, life, at, *, actor):
        if not self._move(life, at, Move.ANSWER, Status.ANSWERED, actor=actor):
            return False
        life.answered_at, life.answered_by, life.answer = at, actor, self.text.answer(timezone.localtime(at, SEOUL))
        return True

    def _after_answer(self, life, kind, citizen):
        """Rated (by a citizen filer), perhaps reopened and answered again; closed."""
        rng = self.rng
        t = life.answered_at
        if citizen is not None and rng.random() < 0.3:
            rated = t + DAY * rng.uniform(0.1, 5)
            if rated <= self.now:
                rating = rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 17, 30, 35))[0]
                life.rating = (life.answer_round, rating, rng.choice(content.RATING_COMMENTS), rated)
                self._event(life, rated, Kind.RATED, actor=citizen, note=str(rating))
                t = rated
                if rating <= 2 and rng.random() < 0.5:
                    reopened = t + DAY * rng.uniform(0.1, 2)
                    if not self._move(life, reopened, Move.REOPEN, Status.REOPENED, actor=citizen,
                                      note="추가 답변을 요청합니다."):  # fmt: skip
                        return
                    # complaint_reopen: a second round with a new deadline from the request.
                    life.answer_round += 1
                    life.due = self._due(reopened, kind)
                    life.overdue_at = life.progress_notice_at = None
                    started = reopened + HOUR * rng.uniform(1, 30)
                    actor = life.assignee or self._official(life.unit)
                    if not self._move(life, started, Move.START, Status.IN_PROGRESS, actor=actor):
                        return
                    if not self._answer(life, self._answer_time(reopened, life.due, started), actor=actor):
                        return
                    t = life.answered_at
        if rng.random() < 0.55:
            closed = t + DAY * rng.uniform(3, 14)
            if self._move(life, closed, Move.CLOSE, Status.CLOSED, actor=self._official(life.unit)):
                life.closed_at = closed

    def _flags(self, life, received):
        """What escalation (complaints_escalate) would have recorded: the overdue flag of the
        current answer round, and the progress notice of a complaint still open 30 days after
        receipt. Events in the order they happened."""
        if life.due is not None:
            open_until = life.finished_at or self.now
            flagged = life.due + timedelta(minutes=self.rng.uniform(1, 60))
            if flagged <= min(open_until, self.now):
                life.overdue_at = flagged
                self._event(life, flagged, Kind.OVERDUE)
            notice = received + timedelta(days=30, minutes=self.rng.uniform(1, 60))
            if life.answer_round == 1 and notice <= min(open_until, self.now):
                life.progress_notice_at = notice
                self._event(life, notice, Kind.PROGRESS_NOTICE, public=True)
        life.events.sort(key=lambda event: event[0])


def _answer(rng, code, kind, keys):
    if kind == "choice":
        return rng.choice(keys)
    if kind == "multichoice":
        return sorted(rng.sample(keys, rng.randint(1, len(keys))))
    if kind == "number":
        return str(rng.randint(5, 80))
    return {"plate": f"{rng.randint(10, 99)}가{rng.randint(1000, 9999)}", "route": str(rng.choice((721, 143, 6716, 470))),
            "pole": f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}"}.get(code, "")  # fmt: skip


# --- The channel's entry in the seeding registry -----------------------------------------------

SEOUL_SIZES = bench_sizes.SEOUL["complaints"]


class ComplaintsSeeder:
    name = "complaints"
    help = "Integrated civil complaints: complaints of every state and channel, events, followers, transfers"
    models = (Contact, Complaint, ComplaintEvent, Follower, Transfer, Satisfaction)

    def add_arguments(self, parser):
        parser.add_argument(
            "--complaints", type=int, help=f"Complaints (default {SEOUL_SIZES['complaints']:,}, ~5 months of Seoul's)."
        )

    def sizes(self, options, scale=1.0) -> dict:
        chosen = bench_sizes.scaled(self.name, scale)
        if options.get("complaints") is not None:
            chosen["complaints"] = options["complaints"]
        return chosen

    def citizens_needed(self, sizes) -> int:
        # Signed-in citizens file about half of the complaints, two or three each.
        return max(200, sizes["complaints"] // 4)

    def has_data(self) -> bool:
        return Complaint.objects.exists()

    def seed(self, *, loader, citizens, sizes, rng, text, now, progress=None) -> dict:
        writer = ComplaintsWriter(loader, citizens=citizens, sizes=sizes, rng=rng, text=text, now=now,
                                  progress=progress)  # fmt: skip
        return writer.write()
