"""Demo data of integrated civil complaints: categories of every legal type with their default
units (the demo organisation's: governance/demo/org.py), Open311 service codes and extra
questions, an Open311 app, and about sixty complaints across the districts and the channels (web,
mobile, the 120 phone line, SMS, email, Open311), in every state.

Every complaint is filed and moved through the real services with the clock set back (`now=`):
intake (with its tracking number, deadline, first event, follower and "received" notice), triage,
assignment, transfer, dispute and coordination, answers, ratings, reopening, rejection, merging a
duplicate, closing; then escalation runs as the scheduler would, flagging what is overdue and
sending the 30-day progress notices. Unit heads of the demo organisation handle their units'
complaints; the demo superuser is the 120 intake desk and the coordinator.

Idempotent: a complaint whose description exists is left alone (each names its district, so each
is one of a kind); categories are kept by service code.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Citizen, District, phone_blind_index
from governance.models import OrgAssignment, OrgUnit
from notifications.services import contact_for_phone

from ..geography import district_code_at
from ..models import Category, CategoryQuestion, Complaint, Open311Key
from ..open311.contacts import contact_for_email
from ..open311.keys import open311_key_create
from ..open311.services import Submission, open311_request_file
from ..services.escalation import complaints_escalate
from ..services.handling import (
    complaint_accept_transfer,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_coordinate,
    complaint_dispute_transfer,
    complaint_mark_duplicate,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_start,
    complaint_transfer,
)
from ..services.intake import Filer, Location, complaint_complete_triage, complaint_file, complaint_file_for_triage
from . import content, history

OPEN311_APP = "서울 스마트 민원 앱 (데모)"
# The demo's filers: fictitious citizens (010-0004-xxxx), guests and callers (010-0005-xxxx), senders
# of emails (@demo.seoul.example); ranges no carrier issues, apart from the other demos'.
CROWD_SIZE = 20
CROWD_PHONE = "+82100004{:04d}"
GUEST_PHONE = "+82100005{:04d}"
CALLER_NAMES = ("김민서", "이도윤", "박서연", "최하준", "정지우", "강예린")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def seed(*, official, citizen=None) -> dict:
    """`official`: the demo superuser (the 120 intake desk, the coordinator); `citizen`: the demo
    citizen who filed a few of the complaints (to track, rate and follow). Returns what the command
    prints: how many complaints, and one to track."""
    now = timezone.now()
    plan = _plan(_categories())
    app = _open311_app(official)
    demo = Complaint.objects.filter(description__in=[item["description"] for item in plan])
    done = set(demo.values_list("description", flat=True))
    waiting = [item for item in plan if item["description"] not in done]
    if waiting:
        _complaints(waiting, official=official, citizen=citizen, crowd=_crowd(now), app=app, now=now)
        # What the scheduler does every few minutes: overdue flags, 30-day progress notices.
        complaints_escalate(now=now)
    # Months of history behind them, and the analysis built on it (complaints/demo/history.py).
    history.seed(official=official, crowd=_crowd(now), app=app, now=now)
    sample = demo.filter(citizen=citizen).order_by("-received_at").first() if citizen is not None else None
    return {
        "complaints": demo.count(),
        "track_number": sample.tracking_number if sample else "",
        "track_last4": sample.tracking_last4 if sample else "",
    }


# --- Reference data ---------------------------------------------------------------------------------


def _categories() -> dict:
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    by_code = {}
    for order, (code, parent, name_ko, name_en, kind, unit, located, questions) in enumerate(content.CATEGORIES, 1):
        category, _created = Category.objects.update_or_create(
            service_code=code,
            defaults={"parent": by_code.get(parent), "name_ko": name_ko, "name_en": name_en, "complaint_type": kind,
                      "default_unit": units[unit], "needs_location": located, "order": order, "is_active": True,
                      "keywords": name_ko.replace("·", ",")},
        )  # fmt: skip
        for number, (question, prompt_ko, prompt_en, question_kind, required, choices) in enumerate(questions, 1):
            CategoryQuestion.objects.update_or_create(
                category=category, code=question,
                defaults={"prompt_ko": prompt_ko, "prompt_en": prompt_en, "kind": question_kind,
                          "required": required, "order": number,
                          "choices": [{"key": key, "name_ko": ko, "name_en": en} for key, ko, en in choices]},
            )  # fmt: skip
        by_code[code] = category
    return by_code


def _open311_app(official) -> Open311Key:
    app = Open311Key.objects.filter(name=OPEN311_APP).first()
    if app is None:
        # The key itself is not kept anywhere: the demo files its Open311 complaints through the service.
        app, _key = open311_key_create(actor=official, name=OPEN311_APP, contact_email="apps@demo.seoul.example")
    return app


def _crowd(now) -> list:
    phones = [CROWD_PHONE.format(number) for number in range(CROWD_SIZE)]
    indexes = [phone_blind_index(phone) for phone in phones]
    existing = set(Citizen.objects.filter(phone_index__in=indexes).values_list("phone_index", flat=True))
    districts = sorted(District.objects.values_list("code", flat=True))
    missing = []
    for number, phone in enumerate(phones):
        if indexes[number] in existing:
            continue
        citizen = Citizen(
            phone_verified_at=now - timedelta(days=400), notify_by=Citizen.NotifyBy.SMS,
            birth_date=date(1950 + number * 3, 1 + number % 12, 1 + number % 28),
            district_id=districts[(number * 7) % len(districts)], residence_basis=Citizen.ResidenceBasis.LIVES,
        )  # fmt: skip
        citizen.set_phone(phone)
        citizen.set_unusable_password()
        missing.append(citizen)
    Citizen.objects.bulk_create(missing)
    by_index = {person.phone_index: person for person in Citizen.objects.filter(phone_index__in=indexes)}
    return [by_index[index] for index in indexes]


def _district_points() -> list:
    """(code, Korean name, latitude, longitude): a point inside each district, the same on every run."""
    rng = random.Random(7)  # noqa: S311 -- demo places, not secrets
    points = []
    for district in District.objects.order_by("code"):
        rings = district.boundary.get("coordinates") or []
        if district.boundary.get("type") == "Polygon":
            rings = [rings]
        vertices = [vertex for polygon in rings for vertex in polygon[0]]
        if not vertices:
            continue
        lons, lats = [vertex[0] for vertex in vertices], [vertex[1] for vertex in vertices]
        for _attempt in range(500):
            lat, lon = round(rng.uniform(min(lats), max(lats)), 6), round(rng.uniform(min(lons), max(lons)), 6)
            if district_code_at(lat, lon) == district.code:
                points.append((district.code, district.name_ko, lat, lon))
                break
    return points


def _leaves(categories) -> list:
    parents = {category.parent_id for category in categories.values() if category.parent_id}
    return [category for category in categories.values() if category.pk not in parents]


def _plan(categories) -> list[dict]:
    """The complaints to file, oldest first: story, days ago, channel, category, place, title."""
    leaves = _leaves(categories)
    points = _district_points()
    plan = []
    for story, count, days in content.STORIES:
        for number in range(count):
            plan.append({"story": story, "days": days[number]})
    plan.sort(key=lambda item: -item["days"])
    for index, item in enumerate(plan):
        category = leaves[index % len(leaves)]
        code, district_name, latitude, longitude = points[(index * 7) % len(points)]
        title, description = content.TEXTS[category.service_code]
        item.update(
            index=index, category=category, channel=_channel(item["story"], index), district=code,
            point=(latitude, longitude) if category.needs_location or index % 3 == 0 else None,
            title=f"{title} ({district_name})", description=f"{district_name} 주민입니다. {description}",
            public=index % 5 != 4,
        )  # fmt: skip
    return plan


def _channel(story, index) -> str:
    if story == "triage":
        return ("sms", "email")[index % 2]
    if story == "answered_at_once":
        return "phone"
    if story in ("closed_rated", "reopened", "reanswered"):
        return ("web", "mobile")[index % 2]
    return content.CHANNELS[index % len(content.CHANNELS)]


# --- Filing and handling ----------------------------------------------------------------------------


def _complaints(plan, *, official, citizen, crowd, app, now):
    heads = {
        assignment.unit_id: assignment.official
        for assignment in OrgAssignment.objects.filter(role=OrgAssignment.Role.HEAD, ended_on__isnull=True)
        .select_related("official")
    }  # fmt: skip
    originals = {}
    for item in plan:
        received = now - DAY * item["days"] - HOUR * (item["index"] % 5)
        received = min(received, now - timedelta(minutes=20))
        with transaction.atomic():
            complaint = _file(item, received=received, official=official, citizen=citizen, crowd=crowd, app=app)
            story = Story(complaint, item=item, received=received, now=now, official=official, heads=heads,
                          originals=originals)  # fmt: skip
            story.tell()
        if story.complaint.status not in ("duplicate", "rejected") and story.complaint.category_id:
            originals.setdefault(story.complaint.category_id, story.complaint)


def _answers(category) -> dict:
    answers = {}
    for question in category.questions.all():
        if question.kind in (CategoryQuestion.Kind.CHOICE, CategoryQuestion.Kind.MULTICHOICE):
            answers[question.code] = question.choice_keys[0]
        elif question.required or question.code == "pole":
            answers[question.code] = {"dataset": "서울시 공공자전거 대여소 정보", "pole": "1034-207"}.get(question.code, "")
    return answers


def _file(item, *, received, official, citizen, crowd, app):
    index, category, channel = item["index"], item["category"], item["channel"]
    point = item["point"]
    location = Location(latitude=point[0], longitude=point[1]) if point else None
    if channel in ("sms", "email"):
        if channel == "sms":
            sender = contact_for_phone(GUEST_PHONE.format(100 + index), language="ko")
        else:
            sender = contact_for_email(f"sender{index}@demo.seoul.example", language="ko")
        preference = "sms" if channel == "sms" else "email"
        return complaint_file_for_triage(
            channel=channel, description=item["description"], title=item["title"],
            filer=Filer(contact=sender, preference=preference), now=received,
        )  # fmt: skip
    if channel == "open311":
        submission = Submission(
            category=category, description=item["description"],
            latitude=str(point[0]) if point else "", longitude=str(point[1]) if point else "",
            answers=_answers(category), phone=GUEST_PHONE.format(200 + index) if index % 2 else "",
            name="" if index % 2 == 0 else "앱 사용자", is_public=True,
        )  # fmt: skip
        return open311_request_file(key=app, submission=submission, now=received)
    filed_by = None
    if channel == "phone":
        caller = contact_for_phone(GUEST_PHONE.format(300 + index), language="ko")
        filer = Filer(contact=caller, name=CALLER_NAMES[index % len(CALLER_NAMES)])
        filed_by = official
    elif item["story"] in ("closed_rated", "reopened", "reanswered") or index % 4 != 3:
        person = citizen if citizen is not None and index % 6 == 0 else crowd[index % len(crowd)]
        filer = Filer(citizen=person, preference="sms")
    else:
        guest = contact_for_phone(GUEST_PHONE.format(400 + index), language="ko")
        filer = Filer(contact=guest, preference="sms")
    return complaint_file(
        channel=channel, category=category, title=item["title"], description=item["description"], filer=filer,
        location=location, is_public=item["public"], answers=_answers(category), filed_by=filed_by, now=received,
    )  # fmt: skip


class Story:
    """A complaint's moves, each a service call a few hours or days after the one before."""

    def __init__(self, complaint, *, item, received, now, official, heads, originals):
        self.complaint, self.item, self.now = complaint, item, now
        self.official, self.heads, self.originals = official, heads, originals
        self.at = received

    def later(self, delta):
        """The next moment: `delta` after the last, never in the future."""
        self.at = min(self.at + delta, self.now - timedelta(minutes=5))
        return self.at

    def head(self, unit_id=None):
        return self.heads.get(unit_id or self.complaint.unit_id) or self.official

    def tell(self):
        story = self.item["story"]
        if story == "triage":
            return
        if self.complaint.category_id is None:
            self.complaint = complaint_complete_triage(
                actor=self.official, complaint=self.complaint, category=self.item["category"],
                title=self.item["title"], is_public=self.item["public"],
                location=Location(*self.item["point"]) if self.item["point"] else None, now=self.later(HOUR),
            )  # fmt: skip
        step = getattr(self, f"_{story}")
        step()

    # The stories.

    def _received(self):
        pass

    def _assigned(self):
        self.complaint = complaint_assign(actor=self.head(), complaint=self.complaint, assignee=self.head(),
                                          now=self.later(2 * HOUR))  # fmt: skip

    def _in_progress(self):
        self._assigned()
        self.complaint = complaint_start(actor=self.head(), complaint=self.complaint, now=self.later(DAY / 2))

    def _in_progress_overdue(self):
        self._in_progress()

    def _answered(self):
        self._in_progress()
        days = 1 + self.item["index"] % 3
        answer = content.ANSWERS[self.item["index"] % len(content.ANSWERS)]
        self.complaint = complaint_answer(actor=self.head(), complaint=self.complaint, answer=answer,
                                          now=self.later(DAY * days))  # fmt: skip

    def _answered_late(self):
        self._in_progress()
        # The deadline passes first: escalation flags it (and tells the unit head) before the answer.
        complaints_escalate(now=self.later(self.complaint.due_at - self.at + HOUR))
        self.complaint = complaint_answer(actor=self.head(), complaint=self.complaint, answer=content.ANSWERS[0],
                                          now=self.later(DAY))  # fmt: skip

    def _answered_at_once(self):
        # The intake desk answers on the call.
        self.complaint = complaint_answer(actor=self.official, complaint=self.complaint,
                                          answer=content.ANSWERS[1], now=self.later(timedelta(minutes=12)))  # fmt: skip

    def _closed(self):
        self._answered()
        self.complaint = complaint_close(actor=self.head(), complaint=self.complaint, now=self.later(3 * DAY))

    def _closed_rated(self):
        self._answered()
        complaint_rate(actor=self.complaint.citizen, complaint=self.complaint, rating=5,
                       comment="빠르게 처리해 주셔서 감사합니다.", now=self.later(DAY / 3))  # fmt: skip
        self.complaint = complaint_close(actor=self.head(), complaint=self.complaint, now=self.later(3 * DAY))

    def _transfer(self):
        to_unit = self._other_unit()
        self.complaint = complaint_assign(actor=self.head(), complaint=self.complaint, assignee=self.head(),
                                          now=self.later(2 * HOUR))  # fmt: skip
        self.complaint = complaint_transfer(actor=self.head(), complaint=self.complaint, to_unit=to_unit,
                                            reason=content.TRANSFER_REASON, now=self.later(4 * HOUR))  # fmt: skip
        return to_unit

    def _other_unit(self):
        current = self.complaint.unit
        siblings = OrgUnit.objects.filter(parent_id=current.parent_id, is_active=True).exclude(pk=current.pk)
        with_head = [unit for unit in siblings.order_by("code") if unit.pk in self.heads]
        return with_head[0] if with_head else OrgUnit.objects.get(code="smart-city-policy-division")

    def _transferred(self):
        self._transfer()

    def _disputed(self):
        to_unit = self._transfer()
        complaint_dispute_transfer(actor=self.head(to_unit.pk), complaint=self.complaint,
                                   reason=content.DISPUTE_REASON, now=self.later(DAY / 2))  # fmt: skip

    def _coordinated(self):
        self._disputed()
        decided = self.complaint.transfers.first().from_unit
        self.complaint = complaint_coordinate(actor=self.official, complaint=self.complaint, unit=decided,
                                              note="원래 부서가 처리합니다.", now=self.later(DAY))  # fmt: skip
        self.complaint = complaint_start(actor=self.head(), complaint=self.complaint, now=self.later(DAY / 2))

    def _closed_after_transfer(self):
        self._transfer()
        self.complaint = complaint_accept_transfer(actor=self.head(), complaint=self.complaint,
                                                   now=self.later(DAY / 2))  # fmt: skip
        self.complaint = complaint_start(actor=self.head(), complaint=self.complaint, now=self.later(DAY / 2))
        self.complaint = complaint_answer(actor=self.head(), complaint=self.complaint, answer=content.ANSWERS[0],
                                          now=self.later(2 * DAY))  # fmt: skip
        self.complaint = complaint_close(actor=self.head(), complaint=self.complaint, now=self.later(3 * DAY))

    def _rejected(self):
        if self.item["index"] % 2:
            self._assigned()
        reason, remedy = content.REJECTION
        self.complaint = complaint_reject(actor=self.head(), complaint=self.complaint, reason=reason, remedy=remedy,
                                          now=self.later(DAY))  # fmt: skip

    def _duplicate(self):
        original = self.originals.get(self.complaint.category_id)
        if original is None:
            return self._assigned()  # no earlier report of its kind: handled on its own
        self.complaint = complaint_mark_duplicate(actor=self.head(), complaint=self.complaint, original=original,
                                                  now=self.later(3 * HOUR))  # fmt: skip

    def _reopened(self):
        self._answered()
        complaint_rate(actor=self.complaint.citizen, complaint=self.complaint, rating=2,
                       comment="아직 해결되지 않았습니다.", now=self.later(DAY / 2))  # fmt: skip
        self.complaint = complaint_reopen(actor=self.complaint.citizen, complaint=self.complaint,
                                          reason=content.REOPEN_REASON, now=self.later(HOUR))  # fmt: skip

    def _reanswered(self):
        self._reopened()
        self.complaint = complaint_start(actor=self.head(), complaint=self.complaint, now=self.later(DAY / 2))
        self.complaint = complaint_answer(actor=self.head(), complaint=self.complaint, answer=content.SECOND_ANSWER,
                                          now=self.later(2 * DAY))  # fmt: skip
