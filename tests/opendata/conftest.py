"""A small world of every channel whose records carry known personal data, for the open data
tests to look for in the exports: a citizen with a name, phone and email who files a private
complaint with that phone and email typed in its text, a guest who files a public one, proposals,
polls, budget projects and committee meetings of that citizen."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from citizens.models import Citizen, District
from complaints.services.intake import Filer, Location, complaint_file
from governance.models import AgendaItem, Attendance, Committee, Meeting, Membership
from notifications.services import contact_for_phone
from tests.complaints.conftest import (  # noqa: F401 -- fixtures, found by name
    CITY_HALL,
    GANGNAM_STATION,
    pothole,
    roads,
)

NAME = "홍길동"
PHONE_E164 = "+821098765432"
EMAIL = "gildong.hong@example.kr"
GUEST_PHONE_E164 = "+821055501234"
GUEST_NAME = "김철수"
HOME_ADDRESS = "세종대로 110 101동 1001호"
PRIVATE_TITLE = "우리집 앞 도로 파손 비공개"
PRIVATE_TEXT = f"저는 {NAME}입니다. 연락은 010-9876-5432 또는 {EMAIL} 로 주세요. 집 앞 도로가 꺼졌습니다."
PUBLIC_TITLE = "강남역 11번 출구 보도 파손"
PUBLIC_TEXT = "강남역 11번 출구 보도블록이 깨졌습니다. 제 번호는 010-5550-1234 입니다."

# Every way the personal data could appear in a file.
PII_STRINGS = (
    NAME, GUEST_NAME, EMAIL, PHONE_E164, "010-9876-5432", "01098765432", "9876-5432", GUEST_PHONE_E164,
    "010-5550-1234", "01055501234", "5550-1234", HOME_ADDRESS, "1001호",
)  # fmt: skip
# A Korean mobile or landline number (with or without separators, or +82) and an email address.
PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+82[-\s]?|0)(?:1[016789]|2|[3-6][1-5])[-\s]?\d{3,4}[-\s]?\d{4}(?!\d)")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


# The address the test client sends from (REMOTE_ADDR), and others the limit tests send from.
TEST_CLIENT_IP = "127.0.0.1"
OTHER_CLIENT_IPS = ("198.51.100.7", "203.0.113.1", "203.0.113.2")


@pytest.fixture(autouse=True)
def _fresh_download_limits(settings, tmp_path_factory):
    """Each test starts with no download counted against the test client's address (the cache
    outlives a test, and the Redis one outlives the run) and with an empty export directory (so
    files are streamed from the records unless a test writes one)."""
    import time

    from django.core.cache import cache

    from opendata import limits

    now = time.time()
    windows = (now - limits.WINDOW_SECONDS, now, now + limits.WINDOW_SECONDS)
    keys = [
        key
        for ip in (TEST_CLIENT_IP, *OTHER_CLIENT_IPS)
        for key in [limits.download_key(ip, moment) for moment in windows] + [limits.stream_key(ip)]
    ]
    cache.delete_many(keys)
    settings.OPEN_DATA_EXPORT_DIR = str(tmp_path_factory.mktemp("opendata-export"))
    yield
    cache.delete_many(keys)


@dataclass
class World:
    citizen: Citizen
    private_complaint: object
    public_complaint: object
    proposal: object
    draft: object
    closed_poll: object
    hidden_results_poll: object
    room_poll: object
    project: object
    draft_project: object
    meeting: object
    public_item: object
    private_item: object


def make_citizen_with_pii():
    citizen = Citizen.objects.create_user(phone=PHONE_E164, email=EMAIL, name=NAME)
    citizen.district = District.objects.get(code="11140")
    citizen.phone_verified_at = timezone.now()
    citizen.birth_date = date(1980, 5, 5)
    citizen.save()
    return citizen


@pytest.fixture
def world(db, pothole, roads):  # noqa: F811 -- the fixtures imported above
    citizen = make_citizen_with_pii()
    guest = contact_for_phone(GUEST_PHONE_E164, language="ko")
    private_complaint = complaint_file(
        channel="web", category=pothole, title=PRIVATE_TITLE, description=PRIVATE_TEXT,
        filer=Filer(citizen=citizen, name=NAME), is_public=False,
        location=Location(latitude=CITY_HALL[0], longitude=CITY_HALL[1], address=HOME_ADDRESS),
    )  # fmt: skip
    public_complaint = complaint_file(
        channel="mobile", category=pothole, title=PUBLIC_TITLE, description=PUBLIC_TEXT,
        filer=Filer(contact=guest, name=GUEST_NAME), is_public=True,
        location=Location(latitude=GANGNAM_STATION[0], longitude=GANGNAM_STATION[1], address="강남대로 396"),
    )  # fmt: skip
    return World(
        citizen=citizen,
        private_complaint=private_complaint,
        public_complaint=public_complaint,
        **_proposals(citizen),
        **_polls(citizen, roads),
        **_budget(citizen, roads),
        **_governance(citizen),
    )


def _proposals(citizen):
    from proposals.models import Category, Proposal

    category = Category.objects.create(slug="transport", name_ko="교통", name_en="Transport")
    now = timezone.now()
    proposal = Proposal.objects.create(
        author=citizen, title="심야 버스 노선 확대", body=f"심야 버스를 늘려 주세요. 문의: 010-9876-5432, {EMAIL}",
        category=category, district_id="11680", status=Proposal.Status.OPEN, published_at=now,
        window_opens_at=now, window_closes_at=now + timedelta(days=30), support_count=3,
    )  # fmt: skip
    draft = Proposal.objects.create(author=citizen, title="비밀 초안 제안", body="초안", category=category)
    return {"proposal": proposal, "draft": draft}


def _poll(citizen, unit, **fields):
    from voting.models import Poll, PollOption

    now = timezone.now()
    defaults = {
        "kind": Poll.Kind.CITIZEN, "proposer": citizen, "status": Poll.Status.CLOSED, "opens_at": now - timedelta(days=10),
        "closes_at": now - timedelta(days=1), "opened_at": now - timedelta(days=10), "closed_at": now - timedelta(days=1),
    }  # fmt: skip
    poll = Poll.objects.create(**{**defaults, **fields})
    for position, label in enumerate(["찬성", "반대"], start=1):
        PollOption.objects.create(poll=poll, position=position, label=label)
    return poll


def tally(poll, counts: dict[int, int], *, shards=2):
    """Counters as ballots leave them: position 0 is the ballots; each count split over shards,
    with a district breakdown the export must leave out."""
    from voting.models import TallyCount

    for position, count in counts.items():
        first = count // shards
        for shard, part in enumerate([first, count - first]):
            TallyCount.objects.create(poll=poll, option_position=position, dimension="", value="", shard=shard,
                                      count=part)  # fmt: skip
        TallyCount.objects.create(poll=poll, option_position=position, dimension="district", value="11140", shard=0,
                                  count=count)  # fmt: skip


def _polls(citizen, unit):
    from voting.models import Poll

    now = timezone.now()
    closed_poll = _poll(citizen, unit, title="공원 반려견 출입 허용", description=f"제안자 연락처 {EMAIL}")
    tally(closed_poll, {0: 7, 1: 4, 2: 3})
    hidden_results_poll = _poll(
        citizen, unit, title="중간 결과 비공개 투표", status=Poll.Status.OPEN, closed_at=None,
        closes_at=now + timedelta(days=3), results_visibility=Poll.ResultsVisibility.AFTER_CLOSE,
    )  # fmt: skip
    tally(hidden_results_poll, {0: 5, 1: 5})
    room_poll = _poll(citizen, unit, title="우리 반 비밀방 투표", access=Poll.Access.ROOM, room_code="ABCD2345")
    tally(room_poll, {0: 2, 1: 2})
    return {"closed_poll": closed_poll, "hidden_results_poll": hidden_results_poll, "room_poll": room_poll}


def _budget(citizen, unit):
    from budgeting.models import Cycle, Pot, PotResult, Project, ProjectResult

    now = timezone.now()
    cycle = Cycle.objects.create(year=2025, title_ko="2025년 시민참여예산", org_unit=unit, results_published_at=now)
    pot = Pot.objects.create(cycle=cycle, district_id="11680", name_ko="강남구", total=300_000_000,
                             project_cap=100_000_000)  # fmt: skip
    project = Project.objects.create(
        cycle=cycle, pot=pot, proposer=citizen, title="어린이 놀이터 그늘막", summary=f"문의 {EMAIL}",
        location="강남구 역삼동 공원", district_id="11680", estimated_cost=50_000_000, status=Project.Status.FEASIBLE,
        submitted_at=now - timedelta(days=90), checked_at=now - timedelta(days=60), committee_score=Decimal("81.50"),
        votes=12, department=unit, checked_by=citizen,
    )  # fmt: skip
    draft_project = Project.objects.create(cycle=cycle, pot=pot, proposer=citizen, title="비밀 초안 사업",
                                           estimated_cost=1_000_000)  # fmt: skip
    result = PotResult.objects.create(cycle=cycle, pot=pot, rule=Cycle.Rule.GREEDY, voters=20, total_cost=50_000_000)
    ProjectResult.objects.create(pot_result=result, project=project, rank=1, votes=12, cost=50_000_000,
                                 final_score=Decimal("12"), funded=True)  # fmt: skip
    return {"project": project, "draft_project": draft_project}


def _governance(citizen):
    committee = Committee.objects.create(slug="smart-city", kind=Committee.Kind.SMART_CITY, name_ko="스마트도시위원회",
                                         name_en="Smart City Committee", max_members=22)  # fmt: skip
    membership = Membership.objects.create(
        committee=committee, person=citizen, public_name=NAME, kind=Membership.Kind.COMMISSIONED,
        term_start=date(2025, 1, 1), term_end=date(2026, 12, 31),
    )  # fmt: skip
    meeting = Meeting.objects.create(
        committee=committee, number=1, title_ko="제1차 정기회의", starts_at=timezone.now() - timedelta(days=20),
        place_ko="서울시청 회의실", status=Meeting.Status.HELD, minutes_ko=f"{NAME} 위원 발언", minutes_status="approved",
        minutes_approved_at=timezone.now() - timedelta(days=10),
    )  # fmt: skip
    Attendance.objects.create(meeting=meeting, membership=membership)
    public_item = AgendaItem.objects.create(committee=committee, meeting=meeting, title_ko="스마트도시계획 심의",
                                            subject_kind="budgeting.project", subject_id="1")  # fmt: skip
    private_item = AgendaItem.objects.create(committee=committee, meeting=meeting, title_ko="비공개 인사 안건",
                                             is_public=False)  # fmt: skip
    return {"meeting": meeting, "public_item": public_item, "private_item": private_item}


@pytest.fixture(autouse=True)
def _language_isolated(language_isolated):
    """Each open data test starts in Korean (the site's language) and leaves the language as it was."""
    yield
