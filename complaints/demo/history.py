"""Six months of complaint history for the analysis pages (issue 8): a few thousand complaints, so
that every chart of the dashboards, the trending terms, the density map's hotspot, the
near-duplicate clusters and an emergency alert show something on a developer's site.

The sixty complaints of the demo (complaints/demo/__init__.py) go through the services one call
at a time; thousands cannot (`make run` is SQLite, and seed_demo should take seconds), so the
history is written with bulk_create, field by field as the services would have left it: tracking
numbers from the year's counter, the deadline of the category's type on the work calendar
(holidays included), the events of every move (received, routed, assigned, started, answered,
closed, rejected, merged, reopened, rated, flagged overdue, 30-day notice), the filer as follower,
`finished_at`, answers, rejection reasons and remedies, ratings, a second answer round for the
reopened ones. What it leaves out on purpose: notifications (the history's messages are long
past; the demo's outbox must not fill with thousands of them, so its filers take no messages)
and audit rows (nobody took these actions).

Its shape: a weekly rhythm (busy Mondays, quiet weekends and holidays), seasonal rises (the smart
shelters in high summer and deep winter, digital classes at the start of term, streetlights in
the long nights), every unit of the demo with enough handled complaints to be ranked but the
Blockchain Team, each unit at its own pace (some answers late, a backlog of old open ones); then
the stories the pages should find: a term rising in the last week, a hotspot (one fault reported
again and again at one crossing), near-duplicates waiting to be merged, and an emergency.

Then the analysis is built as the operators would: rollups, map cells, term counts and trends.

Idempotent: every history complaint has a token derived from its number in the plan; when the
first exists, the history is in place and nothing is written again.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Citizen, District, email_blind_index
from governance.models import OrgAssignment, OrgUnit
from governance.services.org import org_unit_check_placement
from notifications.services import contact_for_phone

from ..calendar import work_calendar
from ..deadlines import SEOUL, due_at
from ..geography import district_code_at
from ..models import (
    Category,
    CategoryQuestion,
    Complaint,
    ComplaintEvent,
    EmergencyKeyword,
    Follower,
    Satisfaction,
    TrackingCounter,
)
from ..open311.contacts import contact_for_email
from ..states import OPEN_STATES, Move, Status
from . import content
from . import history_texts as texts

DAYS = 182
SEED = 8  # the plan is the same on every run (for the same day)
TOKENS = uuid.UUID("6f1c3a52-8d4e-4b7a-9e21-0c5d7a1f3b88")  # the history's tokens are uuid5(TOKENS, number)
# Complaints a day: a weekday, a Saturday, a Sunday or public holiday (Mondays busier, Fridays quieter).
VOLUME = {"weekday": 26, "saturday": 9, "holiday": 7}
WEEKDAY_FACTOR = {0: 1.15, 4: 0.9}
# Leaf category → share of the complaints; the Blockchain Team's one category is too small to rank.
WEIGHTS = {
    "public-wifi": 7, "smart-streetlight": 7, "smart-crosswalk": 5, "smart-shelter": 6, "chatbot": 11,
    "digital-certificate": 2.5, "digital-education": 5, "kiosk-accessibility": 3, "open-data-request": 6,
    "open-data-error": 6, "map-error": 11, "smart-city-idea": 6, "ordinance-law": 3, "general-inquiry": 7,
    "data-law": 13,
}  # fmt: skip
# Category → month → factor: the seasonal rises.
SEASONS = {
    "smart-shelter": {7: 2.5, 8: 2.5, 12: 2.0, 1: 2.0},
    "digital-education": {3: 2.0, 9: 2.0},
    "smart-streetlight": {11: 1.5, 12: 1.5, 1: 1.5, 2: 1.5},
}
# Unit → median calendar days to answer (answers spread around it; the slow tail runs late).
PACE = {
    "iot-team": 2.5, "digital-cooperation-team": 4, "ai-team": 3, "blockchain-team": 5, "big-data-team": 5,
    "spatial-data-team": 4.5, "smart-city-policy-division": 5, "data-policy-division": 6,
}  # fmt: skip
CHANNELS = (("web", 35), ("mobile", 30), ("phone", 20), ("open311", 7), ("sms", 4), ("email", 4))
HOURS = (0, 0, 0, 0, 0, 0, 1, 2, 4, 7, 8, 7, 5, 6, 7, 7, 6, 5, 4, 4, 3, 3, 2, 1)  # weights by hour of the day
# Ratings of an answer on time and of a late one.
STARS_ON_TIME = (6, 7, 15, 30, 42)
STARS_LATE = (25, 22, 23, 18, 12)
# The safety unit on duty for emergency keywords (the demo organisation has none of its own).
SAFETY_OFFICE = (
    "safety-management-office",
    "안전총괄실",
    "Safety Management Office",
    "시민 안전과 재난 대응을 총괄합니다.",
    "Leads the city's public safety and disaster response.",
)
SITUATION_ROOM = (
    "disaster-situation-room",
    "재난안전상황실",
    "Disaster and Safety Situation Room",
    "재난과 긴급 민원을 24시간 접수하고 관련 부서에 전파합니다.",
    "Takes disasters and emergency complaints around the clock and alerts the units concerned.",
)
SITUATION_ROOM_HEAD = ("재난안전상황실장", "Head of the Disaster and Safety Situation Room")
ON_DUTY_EMAIL = "duty.disaster-situation-room@demo.seoul.example"
ON_DUTY_SINCE = date(2025, 1, 1)
EMERGENCY_KEYWORDS = ("싱크홀", "가스 냄새", "붕괴", "침수")
# The stories' places (latitude, longitude): a crossing at Sillim station, a bus stop at Hapjeong
# station, a street at Jonggak station.
HOTSPOT_AT = (37.48425, 126.92815)
NEAR_DUPLICATES_AT = (37.5495, 126.9139)
EMERGENCY_AT = (37.5702, 126.9829)
CALLER_NAMES = ("김민서", "이도윤", "박서연", "최하준", "정지우", "강예린", "윤서준", "임하은")
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Escalation runs every few minutes: what it flags, it flags this long after the moment.
SCHEDULER_DELAY = 5 * MINUTE


PLAN_LIMIT = 6_000  # more complaints than the plan ever holds


def token(number: int) -> uuid.UUID:
    return uuid.uuid5(TOKENS, str(number))


def history_complaints():
    """The history's complaints (by their tokens): what the sixty of the demo are not."""
    return Complaint.objects.filter(token__in=[token(number) for number in range(PLAN_LIMIT)])


def seed(*, official, crowd, app, now) -> bool:
    """Write the history once (`official`: the intake desk; `crowd`: the demo's citizens who filed
    complaints; `app`: the demo's Open311 app), then build the analysis. True when it wrote."""
    room = _situation_room()
    _emergency_keywords(room)
    if Complaint.objects.filter(token=token(0)).exists():
        return False
    plan = Planner(now=now, official=official, crowd=crowd, app=app).plan()
    emergency = _write(plan)
    _raise_alert(emergency)
    analyse(now=now)
    return True


# --- The unit on duty and its keywords ---------------------------------------------------------------


def _situation_room() -> OrgUnit:
    code, name_ko, name_en, mandate_ko, mandate_en = SAFETY_OFFICE
    org_unit_check_placement(kind=OrgUnit.Kind.BUREAU, parent=None)
    office, _created = OrgUnit.objects.get_or_create(
        code=code, defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": name_ko, "name_en": name_en,
                             "mandate_ko": mandate_ko, "mandate_en": mandate_en, "phone": "02-120", "order": 3},
    )  # fmt: skip
    code, name_ko, name_en, mandate_ko, mandate_en = SITUATION_ROOM
    org_unit_check_placement(kind=OrgUnit.Kind.DIVISION, parent=office)
    room, _created = OrgUnit.objects.get_or_create(
        code=code, defaults={"kind": OrgUnit.Kind.DIVISION, "parent": office, "name_ko": name_ko, "name_en": name_en,
                             "mandate_ko": mandate_ko, "mandate_en": mandate_en, "phone": "02-120", "order": 1},
    )  # fmt: skip
    if not OrgAssignment.objects.filter(unit=room, role=OrgAssignment.Role.HEAD, ended_on__isnull=True).exists():
        title_ko, title_en = SITUATION_ROOM_HEAD
        OrgAssignment.objects.create(unit=room, official=_on_duty_official(title_ko), title_ko=title_ko,
                                     title_en=title_en, role=OrgAssignment.Role.HEAD, started_on=ON_DUTY_SINCE)  # fmt: skip
    return room


def _on_duty_official(title_ko):
    """The head of the situation room, who takes alerts by email (the demo's email goes to the
    console or a file): the one demo official an alert reaches, so that it can be seen arriving."""
    email = ON_DUTY_EMAIL
    official = Citizen.objects.filter(email_index=email_blind_index(email)).first()
    if official is None:
        official = Citizen.objects.create_user(email=email, name=f"{title_ko} (데모)", is_staff=True,
                                               notify_by=Citizen.NotifyBy.EMAIL)  # fmt: skip
    return official


def _emergency_keywords(room):
    from ..services.emergency import emergency_keywords_changed

    created = [EmergencyKeyword.objects.get_or_create(phrase=phrase, defaults={"unit": room})[1]
               for phrase in EMERGENCY_KEYWORDS]  # fmt: skip
    if any(created):
        emergency_keywords_changed()


# --- The plan ------------------------------------------------------------------------------------------


@dataclass
class Planned:
    """A complaint of the history as the services would have left it, with what goes with it."""

    complaint: Complaint
    events: list = field(default_factory=list)  # ComplaintEvent without their complaint
    ratings: list = field(default_factory=list)  # Satisfaction without their complaint
    original: Planned | None = None  # for a duplicate
    emergency: bool = False


class Planner:
    """Draws the history day by day (the same draw for the same day: a seeded generator), then
    the stories; each complaint lives its Life at once."""

    def __init__(self, *, now, official, crowd, app):
        self.now, self.official, self.app = now, official, app
        self.crowd = list(crowd)
        self.rng = random.Random(SEED)  # noqa: S311 -- demo data, not secrets
        self.calendar = work_calendar()
        self.today = timezone.localdate(now, SEOUL)
        self.categories = {
            category.service_code: category
            for category in Category.objects.filter(service_code__in=WEIGHTS).select_related("default_unit")
            .prefetch_related("questions")
        }  # fmt: skip
        self.heads = {
            assignment.unit_id: assignment.official
            for assignment in OrgAssignment.objects.filter(role=OrgAssignment.Role.HEAD, ended_on__isnull=True)
            .select_related("official")
        }  # fmt: skip
        self.districts = {district.code: district for district in District.objects.order_by("code")}
        codes = sorted(self.districts)
        # Busier and quieter districts, the same on every run.
        self.district_weights = [(code, 0.6 + (index * 37 % 25) / 30) for index, code in enumerate(codes)]
        # Callers and SMS senders (010-0005-60xx, apart from the demo's guests) and email senders.
        self.callers = [contact_for_phone(f"+8210000560{number:02d}", language="ko") for number in range(10)]
        self.senders = [contact_for_email(f"history{number}@demo.seoul.example", language="ko")
                        for number in range(6)]  # fmt: skip
        self.recent = {}  # category code → the latest complaints that may be originals of a duplicate
        self.planned: list[Planned] = []

    # The whole plan.

    def plan(self) -> list[Planned]:
        start = self.today - timedelta(days=DAYS)
        for offset in range(DAYS + 1):
            self._day(start + timedelta(days=offset))
        self._rising_term()
        self._hotspot()
        self._near_duplicates()
        self._emergency()
        return self.planned

    def _day(self, day):
        if self.calendar.is_holiday(day) or day.weekday() == 6:
            volume = VOLUME["holiday"]
        elif day.weekday() == 5:
            volume = VOLUME["saturday"]
        else:
            volume = VOLUME["weekday"] * WEEKDAY_FACTOR.get(day.weekday(), 1)
        weights = [WEIGHTS[code] * SEASONS.get(code, {}).get(day.month, 1) for code in WEIGHTS]
        volume *= sum(weights) / sum(WEIGHTS.values())
        count = max(0, round(self.rng.gauss(volume, math.sqrt(volume) / 2)))
        for _number in range(count):
            received = self._moment(day)
            if received is None:
                continue
            code = self.rng.choices(list(WEIGHTS), weights)[0]
            title, description = self._text(code, day)
            self.add(code, received, title, description)

    def _moment(self, day, hours=HOURS):
        hour = self.rng.choices(range(24), hours)[0]
        moment = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)), tzinfo=SEOUL)
        return moment if moment < self.now - 10 * MINUTE else None

    def _text(self, code, day):
        variants = texts.TEXTS[code]
        if code == "smart-shelter" and day.month in (6, 7, 8, 9) and self.rng.random() < 0.6:
            variants = texts.SUMMER_SHELTER
        elif code == "smart-shelter" and day.month in (11, 12, 1, 2, 3) and self.rng.random() < 0.5:
            variants = texts.WINTER_SHELTER
        return self.rng.choice(variants)

    # One complaint.

    def add(self, code, received, title, description, *, point=None, channel=None, fate=None, original=None) -> Planned:
        category = self.categories[code]
        channel = channel or self.rng.choices([name for name, _w in CHANNELS], [w for _n, w in CHANNELS])[0]
        if point is None and (category.needs_location or self.rng.random() < 0.4):
            point = self._point()
        district = district_code_at(*point) if point else None
        # Without a location the text still names the filer's district, as people write.
        named = district or self.rng.choice(self.district_weights)[0]
        district_name = self.districts[named].name_ko
        place = self.rng.choice(texts.PLACES)
        title = title.format(district=district_name, place=place).strip()
        description = description.format(district=district_name, place=place).strip()
        unit = category.default_unit
        complaint = Complaint(
            token=token(len(self.planned)), channel=channel, category=category,
            complaint_type=category.complaint_type, title=title, description=description,
            latitude=round(point[0], 6) if point else None, longitude=round(point[1], 6) if point else None,
            district_id=district, is_public=self.rng.random() < 0.8, answers=self._answers(category),
            contact_preference="none", language="ko", received_at=received, unit=unit,
            due_at=due_at(received, category.period, self.calendar),
        )  # fmt: skip
        self._filer(complaint)
        planned = Planned(complaint, original=original if fate == "duplicate" else None)
        self.planned.append(planned)
        Life(self, planned).live(fate or self._fate(code))
        return planned

    def _point(self, near=None, spread=0.0):
        if near is not None:
            return (near[0] + self.rng.uniform(-spread, spread), near[1] + self.rng.uniform(-spread, spread) * 1.26)
        code = self.rng.choices([c for c, _w in self.district_weights], [w for _c, w in self.district_weights])[0]
        box = self._box(code)
        for _attempt in range(200):
            lat, lon = self.rng.uniform(box[1], box[3]), self.rng.uniform(box[0], box[2])
            if district_code_at(round(lat, 6), round(lon, 6)) == code:
                return round(lat, 6), round(lon, 6)
        return self._point()

    def _box(self, code):
        boundary = self.districts[code].boundary
        rings = boundary.get("coordinates") or []
        if boundary.get("type") == "Polygon":
            rings = [rings]
        vertices = [vertex for polygon in rings for vertex in polygon[0]]
        lons, lats = [vertex[0] for vertex in vertices], [vertex[1] for vertex in vertices]
        return min(lons), min(lats), max(lons), max(lats)

    def _answers(self, category) -> dict:
        answers = {}
        for question in category.questions.all():
            if question.kind in (CategoryQuestion.Kind.CHOICE, CategoryQuestion.Kind.MULTICHOICE) and question.required:
                answers[question.code] = self.rng.choice(question.choice_keys)
            elif question.required:
                answers[question.code] = "서울시 공공자전거 대여소 정보"
        return answers

    def _filer(self, complaint):
        channel = complaint.channel
        if channel in ("web", "mobile"):
            complaint.citizen = self.rng.choice(self.crowd)
        elif channel == "phone":
            complaint.contact = self.rng.choice(self.callers)
            complaint.contact_name = self.rng.choice(CALLER_NAMES)
            complaint.filed_by = self.official
        elif channel == "sms":
            complaint.contact = self.rng.choice(self.callers)
        elif channel == "email":
            complaint.contact = self.rng.choice(self.senders)
        else:  # an anonymous report from the Open311 app
            complaint.open311_client = self.app
        holder = complaint.citizen or complaint.contact
        complaint.tracking_last4 = getattr(holder, "phone_last4", "") or ""

    def _fate(self, code) -> str:
        roll = self.rng.random()
        if roll < 0.04 and self.recent.get(code):
            return "duplicate"
        if roll < 0.08:
            return "rejected"
        if roll < 0.105:
            return "stuck"  # never answered: the backlog
        return "answered"

    # The stories.

    def _rising_term(self):
        month = self.today.month
        code, term_texts = next((code, variants) for months, code, _term, variants in texts.RISING if month in months)
        # About one a week in the four weeks before, a dozen and more in the last week.
        for weeks_ago in range(1, 5):
            day = self.today - timedelta(days=7 * weeks_ago + self.rng.randrange(7))
            self._story(code, day, term_texts)
        for number in range(16):
            self._story(code, self.today - timedelta(days=number % 6), term_texts)

    def _story(self, code, day, variants, **kwargs):
        received = (
            self._moment(day, hours=HOURS[:20] + (0, 0, 0, 0)) or self.now - (20 + self.rng.randrange(200)) * MINUTE
        )
        title, description = self.rng.choice(variants)
        return self.add(code, received, title, description, **kwargs)

    def _hotspot(self):
        code, variants = texts.HOTSPOT
        for weeks_ago in range(1, 9):
            day = self.today - timedelta(days=7 * weeks_ago + self.rng.randrange(7))
            self._story(code, day, (texts.HOTSPOT_BEFORE,), point=self._point(HOTSPOT_AT, 0.0012), fate="answered")
        # Ten reports this week (the map's week runs from Monday): the first answered, some merged
        # into it, the rest still open.
        monday = datetime.combine(self.today - timedelta(days=self.today.weekday()), time.min, tzinfo=SEOUL)
        start, end = monday + 7 * HOUR, self.now - 20 * MINUTE
        if end <= start:  # early on a Monday: the reports came in the night
            start, end = monday, max(self.now - MINUTE, monday)
        first = None
        for number in range(10):
            received = start + (end - start) * (number + self.rng.random()) / 10
            fate = "answered" if number == 0 else ("duplicate" if number < 4 else "open")
            title, description = self.rng.choice(variants)
            planned = self.add(code, received, title, description, point=self._point(HOTSPOT_AT, 0.0012), fate=fate,
                               channel="mobile", original=first)  # fmt: skip
            first = first or planned

    def _near_duplicates(self):
        code, variants = texts.NEAR_DUPLICATES
        for number, (title, description) in enumerate(variants):
            received = self.now - (3 - number) * 9 * HOUR
            self.add(code, received, title, description, point=self._point(NEAR_DUPLICATES_AT, 0.0003), fate="open",
                     channel=("web", "mobile", "phone")[number])  # fmt: skip

    def _emergency(self):
        code, title, description = texts.EMERGENCY
        planned = self.add(code, self.now - 3 * HOUR, title, description, point=EMERGENCY_AT, fate="open",
                           channel="phone")  # fmt: skip
        planned.emergency = True


class Life:
    """What happened to one complaint, from receipt to where it stands now: its fields and events."""

    def __init__(self, planner: Planner, planned: Planned):
        self.planner, self.planned, self.complaint = planner, planned, planned.complaint
        self.rng, self.now, self.calendar = planner.rng, planner.now, planner.calendar
        self.head = planner.heads.get(self.complaint.unit_id) or planner.official
        self.status = Status.RECEIVED

    def live(self, fate):
        complaint = self.complaint
        self.event(ComplaintEvent.Kind.RECEIVED, complaint.received_at, actor=complaint.filed_by,
                   to_status=Status.RECEIVED)  # fmt: skip
        at = complaint.received_at
        if complaint.channel in ("sms", "email"):
            # Waited in the triage queue until an operator gave it its category.
            at = self.office(at + self.rng.uniform(0.2, 3) * HOUR)
            if at >= self.now:
                return self.finish_open()
            self.event(ComplaintEvent.Kind.ROUTED, at, actor=self.planner.official, note=complaint.category.name_ko,
                       public=False)  # fmt: skip
        if fate == "duplicate":
            return self.duplicate(at)
        if fate == "rejected":
            return self.rejected(at)
        assigned = self.office(at + self.rng.uniform(0.5, 6) * HOUR)
        if assigned >= self.now:
            return self.finish_open()
        self.move(Move.ASSIGN, assigned, assignee=self.head)
        started = self.office(assigned + self.rng.uniform(2, 30) * HOUR)
        if started >= self.now:
            return self.finish_open()
        self.move(Move.START, started)
        if fate in ("stuck", "open"):
            return self.finish_open()
        pace = PACE.get(complaint.unit.code, 4)
        if complaint.complaint_type == "on_site":
            pace = min(pace, 2.5)
        answered = self.office(complaint.received_at + DAY * self.rng.lognormvariate(math.log(pace), 0.6))
        answered = max(answered, started + 10 * MINUTE)
        if answered >= self.now:
            return self.finish_open()
        self.answer(answered, content.ANSWERS[self._answer_kind()])
        self.after_answer()

    # Moments.

    def office(self, moment):
        """The moment, or the next moment an office is open (working hours of a working day)."""
        local = moment.astimezone(SEOUL)
        day = local.date()
        if self.calendar.is_working_day(day) and 9 <= local.hour < 18:
            return moment
        if not (self.calendar.is_working_day(day) and local.hour < 9):
            day = next(self.calendar.working_days_from(day + timedelta(days=1)))
        return datetime.combine(day, time(9), tzinfo=SEOUL) + self.rng.uniform(0, 3) * HOUR

    # Records.

    def event(self, kind, at, *, actor=None, move="", from_status="", to_status="", note="", public=True):
        self.planned.events.append(ComplaintEvent(
            at=at, kind=kind, move=move, from_status=from_status, to_status=to_status, actor=actor,
            unit=self.complaint.unit, note=note, is_public=public,
        ))  # fmt: skip

    def move(self, move, at, *, actor=None, note="", **changes):
        before, self.status = self.status, _target(move)
        if self.status in OPEN_STATES:
            self.complaint.finished_at = None
        elif before in OPEN_STATES:
            self.complaint.finished_at = at
        for name, value in changes.items():
            setattr(self.complaint, name, value)
        self.event(ComplaintEvent.Kind.MOVE, at, actor=actor or self.head, move=move, from_status=before,
                   to_status=self.status, note=note)  # fmt: skip
        self.complaint.status = self.status

    def answer(self, at, text):
        self.escalate(until=at)
        self.move(Move.ANSWER, at, answer=text, answered_at=at, answered_by=self.head)

    def escalate(self, *, until):
        """What the scheduler did while the complaint was open until `until` (or now): flag it
        overdue past its deadline, send the 30-day progress notice."""
        complaint = self.complaint
        flagged = complaint.due_at + SCHEDULER_DELAY
        if flagged < until and complaint.overdue_at is None:
            complaint.overdue_at = flagged
            self.event(ComplaintEvent.Kind.OVERDUE, flagged, public=False,
                       note=timezone.localtime(complaint.due_at, SEOUL).strftime("%Y-%m-%d %H:%M"))  # fmt: skip
        opened = self._opened()
        notice = opened + timedelta(days=30) + SCHEDULER_DELAY
        if notice < until and complaint.progress_notice_at is None:
            complaint.progress_notice_at = notice
            days = (timezone.localdate(notice, SEOUL) - timezone.localdate(opened, SEOUL)).days
            self.event(ComplaintEvent.Kind.PROGRESS_NOTICE, notice, note=str(days))

    def _opened(self):
        reopens = [event.at for event in self.planned.events if event.move == Move.REOPEN]
        return reopens[-1] if reopens else self.complaint.received_at

    def finish_open(self):
        self.escalate(until=self.now)

    def _answer_kind(self) -> int:
        kind = self.complaint.complaint_type
        if kind in ("inquiry", "legal"):
            return 1
        if kind == "suggestion":
            return 2
        return 3 if self.complaint.category.service_code.startswith("open-data") else 0

    # Fates.

    def duplicate(self, at):
        code = self.complaint.category.service_code
        original = self.planned.original or self.rng.choice(self.planner.recent[code])
        self.planned.original = None
        marked = self.office(at + self.rng.uniform(1, 20) * HOUR)
        marked = max(marked, original.complaint.received_at + MINUTE)
        if marked >= self.now:
            return self.finish_open()
        self.escalate(until=marked)
        self.planned.original = original
        self.move(Move.MARK_DUPLICATE, marked, note="")  # the original's number is filled in when written

    def rejected(self, at):
        if self.rng.random() < 0.5:
            assigned = self.office(at + self.rng.uniform(0.5, 6) * HOUR)
            if assigned >= self.now:
                return self.finish_open()
            self.move(Move.ASSIGN, assigned, assignee=self.head)
            at = assigned
        rejected = self.office(at + self.rng.uniform(3, 60) * HOUR)
        if rejected >= self.now:
            return self.finish_open()
        reason, remedy = content.REJECTION
        self.escalate(until=rejected)
        self.move(Move.REJECT, rejected, note=reason, rejection_reason=reason, rejection_remedy=remedy)

    def after_answer(self):
        complaint = self.complaint
        self.planner.recent.setdefault(complaint.category.service_code, []).append(self.planned)
        del self.planner.recent[complaint.category.service_code][:-5]
        rated = self.rate(round_number=1)
        if rated is not None and rated[0] <= 2 and self.rng.random() < 0.5:
            reopened = rated[1] + self.rng.uniform(0.5, 10) * HOUR
            if reopened < self.now:
                return self.second_round(reopened)
        self.maybe_close()

    def rate(self, *, round_number):
        complaint = self.complaint
        if complaint.citizen_id is None or self.rng.random() > 0.5:
            return None
        rated_at = complaint.answered_at + self.rng.uniform(0.1, 3) * DAY
        if rated_at >= self.now:
            return None
        late = complaint.finished_at > complaint.due_at
        stars = self.rng.choices(range(1, 6), STARS_LATE if late else STARS_ON_TIME)[0]
        if round_number > 1:
            stars = max(stars, 3)
        comment = texts.SECOND_RATING_COMMENT if round_number > 1 and stars >= 4 else ""
        self.planned.ratings.append(Satisfaction(answer_round=round_number, rating=stars, comment=comment,
                                                 rated_at=rated_at))  # fmt: skip
        self.event(ComplaintEvent.Kind.RATED, rated_at, actor=complaint.citizen, note=str(stars), public=False)
        return stars, rated_at

    def second_round(self, reopened):
        complaint = self.complaint
        self.move(Move.REOPEN, reopened, actor=complaint.citizen, note=content.REOPEN_REASON,
                  answer_round=2, due_at=due_at(reopened, complaint.category.period, self.calendar),
                  overdue_at=None, progress_notice_at=None)  # fmt: skip
        started = self.office(reopened + self.rng.uniform(2, 24) * HOUR)
        if started >= self.now:
            return self.finish_open()
        self.move(Move.START, started)
        answered = self.office(reopened + DAY * self.rng.lognormvariate(math.log(3), 0.5))
        answered = max(answered, started + 10 * MINUTE)
        if answered >= self.now:
            return self.finish_open()
        self.answer(answered, content.SECOND_ANSWER)
        self.rate(round_number=2)
        self.maybe_close()

    def maybe_close(self):
        complaint = self.complaint
        if self.rng.random() < 0.4:
            return
        closed = self.office(complaint.answered_at + self.rng.uniform(3, 10) * DAY)
        if self.planned.ratings:
            closed = max(closed, self.planned.ratings[-1].rated_at + HOUR)
        if closed < self.now:
            self.move(Move.CLOSE, closed, closed_at=closed)


def _target(move):
    from ..states import target_of

    return target_of(move)


# --- Writing -------------------------------------------------------------------------------------------


def _write(plan: list[Planned]) -> Planned | None:
    """Bulk-insert the plan (tracking numbers from each year's counter, in order of receipt);
    returns the emergency complaint's plan."""
    ordered = sorted(plan, key=lambda planned: planned.complaint.received_at)
    _number(ordered)
    # Originals first: a duplicate's row names its original's.
    singles = [planned for planned in ordered if planned.original is None]
    duplicates = [planned for planned in ordered if planned.original is not None]
    Complaint.objects.bulk_create([planned.complaint for planned in singles], batch_size=500)
    for planned in duplicates:
        planned.complaint.duplicate_of = planned.original.complaint
        for event in planned.events:
            if event.move == Move.MARK_DUPLICATE:
                event.note = planned.original.complaint.tracking_number
    Complaint.objects.bulk_create([planned.complaint for planned in duplicates], batch_size=500)
    events, ratings, followers = [], [], {}
    for planned in ordered:
        complaint = planned.complaint
        for event in planned.events:
            event.complaint = complaint
            events.append(event)
        for rating in planned.ratings:
            rating.complaint = complaint
            ratings.append(rating)
        if complaint.citizen_id or complaint.contact_id:
            followers[(complaint.pk, complaint.citizen_id, complaint.contact_id)] = Follower(
                complaint=complaint, citizen_id=complaint.citizen_id,
                contact_id=None if complaint.citizen_id else complaint.contact_id, since=complaint.received_at,
            )  # fmt: skip
    for planned in duplicates:
        # Merging moves the duplicate's filer over to the original (they hear its answer).
        complaint, original = planned.complaint, planned.original.complaint
        if complaint.citizen_id or complaint.contact_id:
            key = (original.pk, complaint.citizen_id, None if complaint.citizen_id else complaint.contact_id)
            followers.setdefault(key, Follower(complaint=original, citizen_id=key[1], contact_id=key[2],
                                               since=planned.events[-1].at))  # fmt: skip
    ComplaintEvent.objects.bulk_create(events, batch_size=1_000)
    Satisfaction.objects.bulk_create(ratings, batch_size=1_000)
    Follower.objects.bulk_create(list(followers.values()), batch_size=1_000)
    return next((planned for planned in plan if planned.emergency), None)


def _number(ordered: list[Planned]):
    """Tracking numbers as intake gives them: the next of the year's counter, in order of receipt."""
    by_year = {}
    for planned in ordered:
        by_year.setdefault(timezone.localtime(planned.complaint.received_at, SEOUL).year, []).append(planned)
    for year, planned_of_year in by_year.items():
        counter, _created = TrackingCounter.objects.select_for_update().get_or_create(year=year)
        for offset, planned in enumerate(planned_of_year, 1):
            planned.complaint.tracking_number = f"{year}-{counter.last + offset:07d}"
        counter.last += len(planned_of_year)
        counter.save(update_fields=["last"])


def _raise_alert(planned: Planned | None):
    """The emergency complaint alerts the unit on duty, as intake does as it files one."""
    if planned is None:
        return
    from ..services.emergency import complaint_check_emergency

    complaint_check_emergency(planned.complaint, now=planned.complaint.received_at + MINUTE / 2)


# --- The analysis --------------------------------------------------------------------------------------


def analyse(*, now):
    """Build what the analysis pages read, as the operators and the scheduler would."""
    from ..services.cells import cells_rebuild
    from ..services.rollups import rollups_rebuild
    from ..services.text_analysis import CATCH_UP_DAYS, terms_recount, trends_compute

    with transaction.atomic():
        rollups_rebuild(now=now)
        cells_rebuild()
        # The trends read the last five weeks: those are counted (the text worker would have counted
        # every complaint as it came; months of texts through the analyser would slow seed_demo).
        terms_recount(since=now - timedelta(days=CATCH_UP_DAYS), now=now)
        trends_compute(now=now)
