"""What the fault tests act on, written through the services as an official's or a citizen's
earlier steps would have written it: citizens ready to take part, a published proposal, an open
poll, a participatory-budgeting cycle in its vote, an answered complaint."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.services import consent_record
from governance.models import Committee, OrgAssignment, OrgUnit

_phones = itertools.count(1)
DISTRICTS = ("11680", "11110")  # Gangnam-gu, Jongno-gu: the cycle below has a pot for each


def participant(*, district="11680", **fields) -> Citizen:
    """A citizen who verified their phone, gave every consent and completed the profile."""
    fields.setdefault("notify_by", Citizen.NotifyBy.SMS)
    citizen = Citizen.objects.create_user(phone=f"+82109{next(_phones):07d}", **fields)
    citizen.district = District.objects.get(code=district)
    citizen.residence_basis = Citizen.ResidenceBasis.LIVES
    citizen.birth_date = date(1988, 4, 1)
    citizen.gender = "female"
    citizen.profile_completed_at = timezone.now()
    citizen.phone_verified_at = timezone.now()
    citizen.save()
    consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
    return Citizen.objects.get(pk=citizen.pk)


def participants(count) -> list[Citizen]:
    return [participant(district=DISTRICTS[number % 2]) for number in range(count)]


def official_of(unit) -> Citizen:
    person = participant(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return Citizen.objects.get(pk=person.pk)


def org_unit(code, name_ko, name_en) -> OrgUnit:
    unit, _created = OrgUnit.objects.get_or_create(
        code=code, defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": name_ko, "name_en": name_en}
    )
    return unit


# --- Democratic Seoul ---------------------------------------------------------------------------


def proposal_category():
    from proposals.models import Category

    unit = org_unit("transport-chaos", "교통실", "Transportation Office")
    return Category.objects.create(slug="transport", name_ko="교통", name_en="Transport", default_unit=unit)


def published_proposal(author, category):
    from proposals.services import proposal_create_draft, proposal_publish

    draft = proposal_create_draft(
        author=author, title="심야 버스 노선 확대", body="심야 버스를 늘려 주세요.\n강남 방면이 특히 부족합니다.",
        category=category, district=District.objects.get(code="11680"),
    )  # fmt: skip
    return proposal_publish(author=author, proposal=draft)


# --- M-Voting -----------------------------------------------------------------------------------


def open_poll():
    from voting.services import poll_create, poll_publish

    unit = org_unit("smart-city-chaos", "스마트도시정책관", "Smart City")
    official = official_of(unit)
    now = timezone.now()
    poll = poll_create(
        actor=official, kind="policy", title="시내버스 심야 노선 확대",
        options=[{"label": "찬성"}, {"label": "반대"}, {"label": "모르겠음"}],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7), org_unit=unit, now=now - timedelta(hours=1),
    )  # fmt: skip
    return poll_publish(actor=official, poll=poll, now=now)


# --- Participatory budgeting --------------------------------------------------------------------


def vote_cycle():
    """A cycle in its vote: a city-wide pot and one per district of DISTRICTS, a feasible project
    or three in each."""
    from budgeting.models import Cycle, Pot, Project, Sector
    from tests.budgeting.conftest import shift_to_phase

    unit = org_unit("pb-office-chaos", "시민참여예산과", "Participatory Budgeting Division")
    committee = Committee.objects.create(slug="pb-committee", kind=Committee.Kind.BUDGET, name_ko="시민참여예산위원회",
                                         name_en="Participatory Budget Committee", max_members=300)  # fmt: skip
    welfare = Committee.objects.create(slug="pb-welfare", kind=Committee.Kind.SUBCOMMITTEE, parent=committee,
                                       name_ko="복지분과", name_en="Welfare subcommittee", max_members=40)  # fmt: skip
    year = timezone.localdate().year
    cycle = Cycle.objects.create(year=year, title_ko=f"{year}년 시민참여예산", title_en=f"{year} Participatory Budget",
                                 org_unit=unit, committee=committee)  # fmt: skip
    sector = Sector.objects.create(cycle=cycle, slug="welfare", name_ko="복지", name_en="Welfare", subcommittee=welfare)
    pots = [Pot.objects.create(cycle=cycle, name_ko="시 전체", name_en="City-wide", total=1_000_000_000,
                               project_cap=300_000_000)]  # fmt: skip
    for code, name_ko, name_en in [("11680", "강남구", "Gangnam-gu"), ("11110", "종로구", "Jongno-gu")]:
        pots.append(Pot.objects.create(cycle=cycle, district_id=code, name_ko=name_ko, name_en=name_en,
                                       total=300_000_000, project_cap=100_000_000))  # fmt: skip
    now = timezone.now()
    for pot in pots:
        for number in range(3):
            Project.objects.create(
                cycle=cycle, pot=pot, sector=sector, estimated_cost=10_000_000, status=Project.Status.FEASIBLE,
                title=f"{pot.name_ko} 사업 {number + 1}", summary="요약", submitted_at=now, checked_at=now,
            )  # fmt: skip
    return shift_to_phase(cycle, "vote")


def declare(citizen, cycle):
    from budgeting.models import EligibilityDeclaration

    return EligibilityDeclaration.objects.create(
        cycle=cycle, citizen=citizen, basis="resident", district_id=citizen.district_id, not_public_official=True
    )


def ballot_picks(cycle, citizen) -> list[int]:
    """One city-wide project and one of the citizen's district."""
    from budgeting.models import Project

    city = Project.objects.filter(cycle=cycle, pot__district__isnull=True).order_by("pk").first()
    local = Project.objects.filter(cycle=cycle, pot__district_id=citizen.district_id).order_by("pk").first()
    return [city.pk, local.pk]


# --- Complaints ---------------------------------------------------------------------------------


def complaint_category():
    from complaints.models import Category, ComplaintType

    unit = OrgUnit.objects.create(code="road-management-chaos", kind=OrgUnit.Kind.DIVISION,
                                  parent=org_unit("transport-bureau-chaos", "교통실", "Transportation Office"),
                                  name_ko="도로관리과", name_en="Road Management Division")  # fmt: skip
    return Category.objects.create(service_code="pothole", name_ko="도로 파손", name_en="Pothole",
                                   complaint_type=ComplaintType.GRIEVANCE, default_unit=unit)  # fmt: skip


def answered_complaint(citizen, category):
    """A complaint the citizen filed, which its unit has answered (so it can be rated)."""
    from complaints.services.handling import complaint_answer, complaint_assign, complaint_start
    from complaints.services.intake import Filer, complaint_file

    official = official_of(category.default_unit)
    complaint = complaint_file(channel="web", category=category, description="보도블록이 깨져 있습니다.",
                               filer=Filer(citizen=citizen))  # fmt: skip
    complaint = complaint_assign(actor=official, complaint=complaint)
    complaint = complaint_start(actor=official, complaint=complaint)
    return complaint_answer(actor=official, complaint=complaint, answer="보수 공사를 마쳤습니다.")
