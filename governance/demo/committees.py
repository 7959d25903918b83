"""Demo committees: the Smart City Committee with its members and meetings, the Participatory Budget
Committee with two sector subcommittees, a pool of volunteers and a published draw, and the
Democratic Seoul citizen panel. Every person is fictional (names such as 김데모, 이예시 say so).

Idempotent: committees by slug, accounts by email, memberships by committee and person, meetings
by committee and number, the draw by its seed. Writes go through the services, so the audit log
has them too. The volunteer pool needs the districts (loaded by the citizens app's migration).
"""

import hashlib
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from citizens.models import Citizen, District, email_blind_index

from ..models import AgendaItem, Committee, DrawRecord, Meeting, Membership, OrgUnit, Volunteer
from ..services import committees as committee_services
from ..services import meetings as meeting_services

SMART_CITY = "smart-city-committee"
PB = "participatory-budget-committee"
PANEL = "democratic-seoul-citizen-panel"
DEMO_DOMAIN = "demo.seoul.example"
DRAW_SEED = hashlib.sha256(b"seoul-portal demo draw 1").hexdigest()
DRAW_SEATS = 12
VOLUNTEERS = 60

COMMITTEES = [
    {
        "slug": SMART_CITY, "kind": Committee.Kind.SMART_CITY, "secretariat": "smart-city-policy-division",
        "name_ko": "스마트도시위원회", "name_en": "Smart City Committee",
        "legal_basis_ko": "서울특별시 스마트도시 및 정보화 조례",
        "legal_basis_en": "Seoul Metropolitan Government Ordinance on the Smart City and Informatisation",
        "mandate_ko": "스마트도시 기본계획(5년마다)과 정보화 시행계획을 심의하고, 주요 스마트도시 정책을 평가하며 "
                      "시장에게 자문합니다.",
        "mandate_en": "Deliberates on the smart city master plan (every five years) and the informatisation "
                      "plans, evaluates major smart city policies and advises the Mayor.",
        "max_members": 22, "max_ex_officio": 5, "term_years": 2, "max_terms": 2, "min_meetings_per_year": 1,
    },
    {
        "slug": PB, "kind": Committee.Kind.BUDGET, "secretariat": None,
        "name_ko": "시민참여예산위원회", "name_en": "Participatory Budget Committee",
        "legal_basis_ko": "서울특별시 시민참여예산 운영 조례", "legal_basis_en": "Seoul Participatory Budget Ordinance",
        "mandate_ko": "시민이 제안한 사업을 분과별로 심사하고 시민투표에 올릴 사업을 정합니다. 시민위원은 자치구·연령대·성별 "
                      "할당에 따라 추첨으로 뽑습니다.",
        "mandate_en": "Reviews the projects citizens propose, sector by sector, and decides which go to the "
                      "citizens' vote. Citizen members are drawn by lot with quotas by district, age band and sex.",
        "max_members": 30, "max_ex_officio": 0, "term_years": 1, "max_terms": 2, "min_meetings_per_year": 2,
        "accepts_volunteers": True,
    },
    {
        "slug": "pb-welfare-subcommittee", "kind": Committee.Kind.SUBCOMMITTEE, "parent": PB, "secretariat": None,
        "name_ko": "복지·여성 분과위원회", "name_en": "Welfare and Women Subcommittee",
        "mandate_ko": "복지, 여성, 보육 분야 시민참여예산 사업을 심사합니다.",
        "mandate_en": "Reviews participatory budget projects on welfare, women and childcare.",
        "max_members": 15, "max_ex_officio": 0, "term_years": 1, "max_terms": 2, "min_meetings_per_year": 1,
    },
    {
        "slug": "pb-transport-subcommittee", "kind": Committee.Kind.SUBCOMMITTEE, "parent": PB, "secretariat": None,
        "name_ko": "교통·안전 분과위원회", "name_en": "Transport and Safety Subcommittee",
        "mandate_ko": "교통, 안전, 도시환경 분야 시민참여예산 사업을 심사합니다.",
        "mandate_en": "Reviews participatory budget projects on transport, safety and the urban environment.",
        "max_members": 15, "max_ex_officio": 0, "term_years": 1, "max_terms": 2, "min_meetings_per_year": 1,
    },
    {
        "slug": PANEL, "kind": Committee.Kind.CITIZEN_PANEL, "secretariat": None,
        "name_ko": "민주주의 서울 시민패널", "name_en": "Democratic Seoul Citizen Panel",
        "legal_basis_ko": "민주주의 서울 운영 규정", "legal_basis_en": "Democratic Seoul operating rules",
        "mandate_ko": "공감 수가 기준에 못 미친 제안 가운데 우수제안을 골라 공론화에 올립니다.",
        "mandate_en": "Picks outstanding proposals that fell short of the support threshold and puts them to "
                      "public debate.",
        "max_members": 30, "max_ex_officio": 0, "term_years": 1, "max_terms": 2, "min_meetings_per_year": 4,
        "accepts_volunteers": True,
    },
]

# email prefix, public name, role, kind, affiliation ko/en, expertise ko/en, renewed (second term)
SMART_CITY_MEMBERS = [
    ("sc-chair", "김데모", Membership.Role.CHAIR, Membership.Kind.COMMISSIONED,
     "가상대학교 도시공학과", "Dept. of Urban Engineering, Example University", "스마트도시 계획", "Smart city planning",
     False),
    ("sc-vice", "이예시", Membership.Role.VICE_CHAIR, Membership.Kind.EX_OFFICIO,
     "서울특별시 행정1부시장(가상)", "First Vice Mayor (fictional)", "시정 총괄", "City administration", False),
    ("sc-secretary", "박가상", Membership.Role.SECRETARY, Membership.Kind.EX_OFFICIO,
     "스마트도시정책관(가상)", "Director General for Smart City Policy (fictional)", "스마트도시 정책",
     "Smart city policy", False),
    ("sc-privacy", "최샘플", Membership.Role.MEMBER, Membership.Kind.COMMISSIONED,
     "가상법률연구소", "Example Law Institute", "개인정보 보호", "Data protection", True),
    ("sc-ai", "정모의", Membership.Role.MEMBER, Membership.Kind.COMMISSIONED,
     "예시인공지능연구원", "Example AI Institute", "인공지능", "Artificial intelligence", False),
    ("sc-blockchain", "강시범", Membership.Role.MEMBER, Membership.Kind.COMMISSIONED,
     "데모기술연구소", "Demo Technology Lab", "블록체인", "Blockchain", False),
    ("sc-spatial", "윤본보기", Membership.Role.MEMBER, Membership.Kind.COMMISSIONED,
     "가상공간정보센터", "Example Spatial Data Centre", "공간정보·디지털트윈", "Spatial data and digital twins", False),
    ("sc-data", "장연습", Membership.Role.MEMBER, Membership.Kind.EX_OFFICIO,
     "데이터정책과장(가상)", "Director of the Data Policy Division (fictional)", "공공데이터", "Open data", False),
]

PB_MEMBERS = [
    ("pb-chair", "한데모", Membership.Role.CHAIR, Membership.Kind.COMMISSIONED,
     "가상시민단체", "Example Civic Association", "재정·예산", "Public finance"),
    ("pb-secretary", "오예시", Membership.Role.SECRETARY, Membership.Kind.COMMISSIONED,
     "예시대학교 행정학과", "Dept. of Public Administration, Example University", "참여예산", "Participatory budgeting"),
]

MEETINGS = [
    # days from today, title ko/en, agenda (ko, en), minutes ko/en
    (-300, "정보화 시행계획 심의 회의", "Meeting on the informatisation plan",
     [("스마트도시 정보화 시행계획 심의", "Deliberation on the informatisation plan")],
     "위원 6명이 출석하여 정보화 시행계획을 원안대로 의결하였다. 개인정보 영향평가 결과를 다음 회의에 보고하기로 하였다.",
     "Six members attended and adopted the informatisation plan as proposed. The privacy impact assessment "
     "will be reported at the next meeting."),
    (-60, "스마트도시 정책 평가 회의", "Meeting on the evaluation of smart city policies",
     [("공공 와이파이 확대 사업 평가", "Evaluation of the public Wi-Fi expansion"),
      ("디지털트윈(S-Map) 활용 계획 보고", "Report on the use of the S-Map digital twin")],
     "공공 와이파이 확대 사업 평가 결과를 수정 의결하고, 디지털트윈 활용 계획 보고를 받았다.",
     "The committee adopted the evaluation of the public Wi-Fi expansion with amendments and heard the report "
     "on the use of the digital twin."),
]


def _account(prefix, name, **fields):
    email = f"{prefix}@{DEMO_DOMAIN}"
    existing = Citizen.objects.filter(email_index=email_blind_index(email)).first()
    if existing is not None:
        return existing
    return Citizen.objects.create_user(email=email, name=name, **fields)


def _at_seoul(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def _committees():
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[c["secretariat"] for c in COMMITTEES
                                                                          if c["secretariat"]])}
    made = {}
    for spec in COMMITTEES:
        spec = dict(spec)
        slug = spec.pop("slug")
        parent = spec.pop("parent", None)
        secretariat = spec.pop("secretariat")
        spec["parent"] = made.get(parent)
        spec["secretariat"] = units.get(secretariat)
        committee = Committee.objects.filter(slug=slug).first()
        if committee is None:
            committee = Committee.objects.create(slug=slug, **spec)
        made[slug] = committee
    return made


def _appoint(committee, person, public_name, role, kind, affiliation, expertise, term_start):
    if Membership.objects.filter(committee=committee, person=person).exists():
        return
    committee_services.membership_appoint(
        actor=None, committee=committee, person=person, public_name=public_name, kind=kind, role=role,
        term_start=term_start, affiliation_ko=affiliation[0], affiliation_en=affiliation[1],
        expertise_ko=expertise[0], expertise_en=expertise[1],
    )


def _smart_city_members(committee, today):
    term_start = today - timedelta(days=400)
    for prefix, name, role, kind, aff_ko, aff_en, exp_ko, exp_en, renewed in SMART_CITY_MEMBERS:
        person = _account(prefix, name)
        if renewed and not Membership.objects.filter(committee=committee, person=person).exists():
            # A member on a second, consecutive term: the first one ended the day before this one began.
            first_start = committee_services.add_years(term_start, -committee.term_years)
            first = committee_services.membership_appoint(
                actor=None, committee=committee, person=person, public_name=name, kind=kind, role=role,
                term_start=first_start, affiliation_ko=aff_ko, affiliation_en=aff_en, expertise_ko=exp_ko,
                expertise_en=exp_en,
            )
            committee_services.membership_renew(actor=None, membership=first, term_start=first.term_end + timedelta(1))
            continue
        _appoint(committee, person, name, role, kind, (aff_ko, aff_en), (exp_ko, exp_en), term_start)


def _meetings(committee, today):
    secretary = Membership.objects.filter(committee=committee, role=Membership.Role.SECRETARY,
                                          status=Membership.Status.ACTIVE).select_related("person").first()
    for number, (days, title_ko, title_en, agenda, minutes_ko, minutes_en) in enumerate(MEETINGS, start=1):
        if Meeting.objects.filter(committee=committee, number=number).exists():
            continue
        meeting = meeting_services.meeting_schedule(
            actor=None, committee=committee, starts_at=_at_seoul(today + timedelta(days=days), 14),
            ends_at=_at_seoul(today + timedelta(days=days), 16), title_ko=title_ko, title_en=title_en,
            place_ko="서울시청 본관 8층 다목적회의실", place_en="Seoul City Hall, main building, 8th floor",
        )
        items = [meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko=ko, title_en=en)
                 for ko, en in agenda]
        meeting = meeting_services.meeting_mark_held(actor=None, meeting=meeting)
        serving = list(meeting.attendance.order_by("membership__pk").values_list("membership_id", flat=True))
        present = serving[: max(meeting.quorum, len(serving) - 2)]
        meeting_services.meeting_record_attendance(actor=None, meeting=meeting, present=present)
        for index, item in enumerate(items):
            votes = (len(present) - 1 - index, index, 1)
            meeting_services.agenda_item_record_votes(actor=None, meeting=meeting, item=item, votes_for=votes[0],
                                                      votes_against=votes[1], votes_abstain=votes[2])
            if secretary is not None:
                _close(secretary.person, item, votes, outcome="approved" if index == 0 else "revise")
        meeting_services.meeting_write_minutes(actor=None, meeting=meeting, minutes_ko=minutes_ko,
                                               minutes_en=minutes_en)
        meeting_services.meeting_approve_minutes(actor=None, meeting=meeting)
    upcoming = len(MEETINGS) + 1
    if not Meeting.objects.filter(committee=committee, number=upcoming).exists():
        day = today + timedelta(days=30)
        meeting = meeting_services.meeting_schedule(
            actor=None, committee=committee, starts_at=_at_seoul(day, 14), ends_at=_at_seoul(day, 16),
            title_ko="기본계획 수립 방향 회의", title_en="Meeting on the directions of the next master plan",
            place_ko="서울시청 본관 8층 다목적회의실", place_en="Seoul City Hall, main building, 8th floor", online=True,
        )
        meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="제4차 스마트도시 기본계획 수립 방향",
                                            title_en="Directions for the fourth smart city master plan")


def _close(secretary, item, votes, *, outcome):
    """The committee's resolution, through the review workspace's service (it owns closing items)."""
    from ..services.agenda import agenda_item_close

    item.refresh_from_db()
    if item.status != AgendaItem.Status.OPEN:
        return
    agenda_item_close(
        actor=secretary, item=item, outcome=outcome,
        resolution_ko="원안대로 의결함." if outcome == "approved" else "일부 수정하여 의결함.",
        resolution_en="Adopted as proposed." if outcome == "approved" else "Adopted with amendments.",
        votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2],
    )


def _pool_and_draw(committee, today):
    districts = list(District.objects.order_by("code"))
    if not districts:
        return None
    bands = [20, 40, 60]  # ages in the three bands of the draw
    for number in range(1, VOLUNTEERS + 1):
        age = bands[number % 3] + number % 7
        citizen = _account(
            f"volunteer{number:02d}", f"자원 시민 {number:02d}",
            birth_date=committee_services.add_years(today, -age) - timedelta(days=number),
            district=districts[number % len(districts)], residence_basis=Citizen.ResidenceBasis.LIVES,
            gender=("female", "male")[(number // 3) % 2],
        )
        if not Volunteer.objects.filter(committee=committee, person=citizen).exists():
            committee_services.volunteer_register(actor=citizen, committee=committee, vulnerable=number % 7 == 0)
    record = DrawRecord.objects.filter(committee=committee, seed=DRAW_SEED).first()
    if record is None:
        record = committee_services.committee_draw(
            actor=None, committee=committee, seats=DRAW_SEATS, seed=DRAW_SEED,
            max_per_district=min(6, DRAW_SEATS), min_vulnerable=2,
        )
    return record


def _pb_members(committee, record, today):
    term_start = today - timedelta(days=30)
    for prefix, name, role, kind, aff_ko, aff_en, exp_ko, exp_en in PB_MEMBERS:
        _appoint(committee, _account(prefix, name), name, role, kind, (aff_ko, aff_en), (exp_ko, exp_en), term_start)
    if record is None:
        return
    volunteers = Volunteer.objects.filter(pk__in=record.selected[:4]).select_related("person")
    by_pk = {volunteer.pk: volunteer for volunteer in volunteers}
    for index, pk in enumerate(record.selected[:4], start=1):
        _appoint(committee, by_pk[pk].person, f"시민위원 {index}", Membership.Role.MEMBER, Membership.Kind.DRAWN,
                 ("", ""), ("", ""), term_start)


def seed():
    today = timezone.localdate()
    committees = _committees()
    _smart_city_members(committees[SMART_CITY], today)
    _meetings(committees[SMART_CITY], today)
    record = _pool_and_draw(committees[PB], today)
    _pb_members(committees[PB], record, today)
