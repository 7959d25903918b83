"""Demo data of participatory budgeting: this year's cycle in its citizen vote, with projects of
several districts and sectors (one found not feasible, one at an adjusted cost) already deliberated,
and last year's cycle finished: ballots counted, results published, confirmed by the general
assembly and the council, its funded projects under way with milestones.

Every step goes through the services, as people would take it, so the audit log, the ledger and
the notices agree. Services check the phase running *now*; the demo walks each cycle through its
phases by placing them around the present (`_place`), and at the end puts last year's cycle at its
real dates. Idempotent: a cycle of that year that exists is left alone.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import ledger_seal
from citizens.models import Citizen, District, phone_blind_index
from governance.models import AgendaItem, Committee, Membership, OrgUnit
from governance.services.agenda import agenda_item_close
from governance.services.reviews import review_submit

from ..models import PHASE_ORDER, Cycle, Phase, PhaseKind, Pot, Project, Sector
from ..services.ballots import ballot_cast
from ..services.eligibility import declaration_record
from ..services.implementation import assembly_confirm, council_decide, milestone_add, milestone_update
from ..services.monitoring import implementation_note_add, implementation_note_answer
from ..services.projects import (
    project_check_feasibility,
    project_create,
    project_scores_record,
    project_send_to_committee,
    project_submit,
)
from ..services.tally import cycle_count, results_publish
from . import content

PB_COMMITTEE = "participatory-budget-committee"
PB_UNIT = "participatory-budget-division"
# The demo's voters: fictitious citizens in a reserved range (010-0003-xxxx), in the three districts
# that have a pot, of every age.
CROWD_SIZE = 160
CROWD_PHONE = "+82100003{:04d}"
PHASE_DAYS = 14


def seed(*, official, proposer=None) -> dict:
    """`official`: the account that runs the cycles (the demo superuser); `proposer`: the demo
    citizen who proposed one of this year's projects. Returns what the command prints."""
    now = timezone.now()
    crowd = _crowd(now)
    unit = _unit()
    committee = Committee.objects.filter(slug=PB_COMMITTEE).first()
    this_year = now.year
    rng = random.Random(2026)  # noqa: S311 -- the demo crowd's picks, the same on every run
    if not Cycle.objects.filter(year=this_year - 1, is_simulation=False).exists():
        with transaction.atomic():
            _past_cycle(this_year - 1, official=official, crowd=crowd, unit=unit, committee=committee, rng=rng)
    if not Cycle.objects.filter(year=this_year, is_simulation=False).exists():
        with transaction.atomic():
            _current_cycle(this_year, official=official, proposer=proposer, crowd=crowd, unit=unit,
                           committee=committee, rng=rng)
    ledger_seal()
    current = Cycle.objects.get(year=this_year, is_simulation=False)
    return {"cycle": current.pk, "past_cycle": Cycle.objects.get(year=this_year - 1, is_simulation=False).pk}


def _unit():
    parent, _created = OrgUnit.objects.update_or_create(
        code="planning-coordination-office",
        defaults={"kind": OrgUnit.Kind.BUREAU, "parent": None, "name_ko": "기획조정실",
                  "name_en": "Planning and Coordination Office", "is_active": True},
    )
    unit, _created = OrgUnit.objects.update_or_create(
        code=PB_UNIT,
        defaults={"kind": OrgUnit.Kind.DIVISION, "parent": parent, "name_ko": "시민참여예산과",
                  "name_en": "Participatory Budget Division", "is_active": True},
    )
    return unit


def _crowd(now):
    phones = [CROWD_PHONE.format(number) for number in range(CROWD_SIZE)]
    indexes = [phone_blind_index(phone) for phone in phones]
    existing = set(Citizen.objects.filter(phone_index__in=indexes).values_list("phone_index", flat=True))
    districts = sorted(content.DISTRICT_POTS)
    today = timezone.localdate(now)
    missing = []
    for number, phone in enumerate(phones):
        if indexes[number] in existing:
            continue
        age = 15 + (number * 37) % 70
        citizen = Citizen(
            phone_verified_at=now - timedelta(days=400), notify_by=Citizen.NotifyBy.SMS,
            birth_date=date(today.year - age, 1 + number % 12, 1 + number % 28),
            district=District.objects.get(code=districts[number % len(districts)]),
            residence_basis=Citizen.ResidenceBasis.LIVES, gender=["female", "male", ""][number % 3],
        )
        citizen.set_phone(phone)
        citizen.set_unusable_password()
        missing.append(citizen)
    Citizen.objects.bulk_create(missing, batch_size=500)
    by_index = {citizen.phone_index: citizen for citizen in Citizen.objects.filter(phone_index__in=indexes)}
    return [by_index[index] for index in indexes]


def _place(cycle, current, *, now=None):
    """Put the cycle's phases around now so that `current` runs (each PHASE_DAYS long)."""
    now = now or timezone.now()
    target = PHASE_ORDER.index(current)
    for position, kind in enumerate(PHASE_ORDER):
        starts_at = now - timedelta(days=PHASE_DAYS / 2) + timedelta(days=PHASE_DAYS * (position - target))
        Phase.objects.update_or_create(cycle=cycle, kind=kind, defaults={
            "starts_at": starts_at, "ends_at": starts_at + timedelta(days=PHASE_DAYS)})
    return Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)


def _new_cycle(year, *, unit, committee, with_subcommittees):
    cycle = Cycle.objects.create(
        year=year, title_ko=f"{year}년 서울시 시민참여예산", title_en=f"Seoul Participatory Budget {year}",
        description_ko="시민이 제안하고 시민이 결정하는 서울시 예산입니다. 시 전체 사업과 자치구 사업에 투표할 수 있습니다.",
        description_en="The part of Seoul's budget that citizens propose and decide: vote for city-wide projects "
                       "and for your district's.",
        org_unit=unit, committee=committee, max_picks=5,
    )
    Pot.objects.create(cycle=cycle, name_ko="시 전체", name_en="City-wide", **content.CITY_POT)
    for code, (name_ko, name_en) in content.DISTRICT_POTS.items():
        Pot.objects.create(cycle=cycle, district_id=code, name_ko=name_ko, name_en=name_en, **content.DISTRICT_POT)
    for slug, name_ko, name_en, subcommittee in content.SECTORS:
        Sector.objects.create(
            cycle=cycle, slug=slug, name_ko=name_ko, name_en=name_en,
            subcommittee=Committee.objects.filter(slug=subcommittee).first() if with_subcommittees else None,
        )
    return cycle


def _propose(cycle, specs, *, proposers, official):
    pots = {pot.district_id or "": pot for pot in cycle.pots.all()}
    sectors = {sector.slug: sector for sector in cycle.sectors.all()}
    projects = []
    for index, (pot_code, sector, title, summary, cost, beneficiaries) in enumerate(specs):
        project = project_create(
            actor=proposers[index % len(proposers)], cycle=cycle, pot=pots[pot_code], sector=sectors[sector],
            title=title, summary=summary, description=f"{summary}\n\n{beneficiaries}을(를) 위한 사업입니다.",
            location="" if pot_code else "서울시 전역", district=None, estimated_cost=cost, beneficiaries=beneficiaries,
        )
        projects.append(project_submit(actor=project.proposer, project=project))
    return projects


def _check(projects, *, official, infeasible_title=None, adjusted_title=None):
    for project in projects:
        if project.title == infeasible_title:
            project_check_feasibility(
                actor=official, project=project, feasible=False, legal_review="관련 법령상 시가 직접 시행할 수 없습니다.",
                technical_review="-", infeasible_reason="국가 사무에 해당하여 시 예산으로 추진할 수 없습니다.",
            )
            continue
        adjusted = project.title == adjusted_title
        project_check_feasibility(
            actor=official, project=project, feasible=True, legal_review="관련 법령상 문제가 없습니다.",
            technical_review="설치와 운영이 가능합니다.",
            adjusted_cost=project.estimated_cost * 8 // 10 if adjusted else None,
            cost_reason="단가를 조달청 기준으로 다시 산정했습니다." if adjusted else "",
        )


def _deliberate(cycle, *, official, rng, close):
    """Send the feasible projects to the committee; with `close`, the members review and the
    secretary closes each item (the committee's score comes back to the project)."""
    feasible = list(cycle.projects.filter(status=Project.Status.FEASIBLE).order_by("pk"))
    for project in feasible:
        project_send_to_committee(actor=official, project=project)
        project_scores_record(actor=official, project=project, school_score=rng.randint(55, 95),
                              proposers_score=rng.randint(50, 95))
    if not close:
        return
    today = timezone.localdate()
    for project in Project.objects.filter(pk__in=[p.pk for p in feasible]):
        item = AgendaItem.objects.get(pk=project.agenda_item_id)
        members = Membership.objects.filter(committee_id=item.committee_id, status=Membership.Status.ACTIVE,
                                            term_start__lte=today, term_end__gte=today).select_related("person")
        secretary = None
        for membership in members:
            if membership.role == Membership.Role.SECRETARY:
                secretary = membership.person
            review_submit(actor=membership.person, item=item, recommendation="approve",
                          opinion="주민 수요가 분명하고 비용이 적정합니다.", score=rng.randint(60, 95))
        agenda_item_close(actor=secretary or official, item=item, outcome=AgendaItem.Outcome.APPROVED,
                          resolution_ko="시민투표에 올립니다.", resolution_en="Goes to the citizens' vote.")


def _vote(cycle, crowd, *, rng, share):
    """A share of the crowd declares and votes: up to 3 city-wide picks and 2 in their district."""
    by_pot = {}
    for project in cycle.projects.filter(status=Project.Status.FEASIBLE).select_related("pot"):
        by_pot.setdefault(project.pot.district_id or "", []).append(project)
    voters = crowd[: int(len(crowd) * share)]
    for citizen in voters:
        if citizen.birth_date and (timezone.localdate() - citizen.birth_date).days < cycle.minimum_age * 366:
            continue
        declaration_record(actor=citizen, cycle=cycle, basis="resident", district=None, not_public_official=True)
        city = by_pot.get("", [])
        district = by_pot.get(citizen.district_id, [])
        # Popularity differs: earlier projects in the list are picked more often.
        picks = _weighted_sample(city, 3, rng) + _weighted_sample(district, 2, rng)
        if picks:
            ballot_cast(citizen=citizen, cycle=cycle, project_ids=[project.pk for project in picks])


def _weighted_sample(projects, count, rng):
    chosen, pool = [], list(projects)
    while pool and len(chosen) < count:
        weights = [len(pool) - position + 2 for position in range(len(pool))]
        pick = rng.choices(pool, weights=weights)[0]
        pool.remove(pick)
        chosen.append(pick)
    return chosen


def _current_cycle(year, *, official, proposer, crowd, unit, committee, rng):
    cycle = _new_cycle(year, unit=unit, committee=committee, with_subcommittees=True)
    cycle = _place(cycle, PhaseKind.PROPOSAL)
    proposers = [proposer, *crowd[40:60]] if proposer else crowd[40:60]
    projects = _propose(cycle, content.CURRENT_PROJECTS, proposers=proposers, official=official)
    # One more, still a draft: the demo proposer can finish it (its page is theirs alone).
    project_create(actor=proposers[0], cycle=cycle, pot=cycle.pots.get(district__isnull=True),
                   sector=cycle.sectors.get(slug="culture"), title="한강 야외도서관 확대",
                   summary="여의도·뚝섬 한강공원의 야외도서관을 봄부터 가을까지 엽니다.", location="한강공원",
                   description="주말마다 한강공원에 책과 빈백을 두고, 어린이 책 읽어주기 프로그램을 운영합니다.",
                   estimated_cost=200_000_000, beneficiaries="한강공원 이용 시민")
    cycle = _place(cycle, PhaseKind.FEASIBILITY)
    _check(projects, official=official, infeasible_title="청년 창업 공유 작업실",
           adjusted_title="어린이 보호구역 스마트 횡단보도")
    cycle = _place(cycle, PhaseKind.DELIBERATION)
    _deliberate(cycle, official=official, rng=rng, close=False)
    cycle = _place(cycle, PhaseKind.VOTE)
    _vote(cycle, crowd, rng=rng, share=0.4)
    _date_with_phases(cycle)
    return cycle


def _past_cycle(year, *, official, crowd, unit, committee, rng):
    cycle = _new_cycle(year, unit=unit, committee=committee, with_subcommittees=False)
    cycle = _place(cycle, PhaseKind.PROPOSAL)
    projects = _propose(cycle, content.PAST_PROJECTS, proposers=crowd[60:80], official=official)
    cycle = _place(cycle, PhaseKind.FEASIBILITY)
    _check(projects, official=official)
    cycle = _place(cycle, PhaseKind.DELIBERATION)
    _deliberate(cycle, official=official, rng=rng, close=committee is not None)
    cycle = _place(cycle, PhaseKind.VOTE)
    _vote(cycle, crowd, rng=rng, share=0.9)
    cycle = _place(cycle, PhaseKind.ASSEMBLY)
    cycle_count(actor=official, cycle=cycle)
    results_publish(actor=official, cycle=cycle)
    assembly_confirm(actor=official, cycle=cycle, note="총회에서 선정 결과를 그대로 확정했습니다.")
    cycle = _place(cycle, PhaseKind.COUNCIL)
    council_decide(actor=official, cycle=cycle, decision=Cycle.CouncilDecision.APPROVED,
                   note="시의회가 예산안을 원안대로 의결했습니다.")
    cycle = _place(cycle, PhaseKind.IMPLEMENTATION)
    start = timezone.localdate()
    funded = Project.objects.filter(pk__in=cycle.results.filter(projects__funded=True)
                                    .values("projects__project_id")).order_by("pk")
    for project in funded:
        for title_ko, title_en, months, progress in content.MILESTONES:
            milestone = milestone_add(actor=official, project=project, title_ko=title_ko, title_en=title_en,
                                      due_on=start + timedelta(days=30 * months))
            if progress:
                milestone_update(actor=official, milestone=milestone, progress=progress,
                                 completed_on=start if progress == 100 else None)
    _monitor(cycle, funded, official=official)
    # Last year's real calendar: the implementation runs now, everything before it is over.
    implementation_starts = timezone.now() - timedelta(days=200)
    for position, kind in enumerate(reversed(PHASE_ORDER[:-1])):
        ends_at = implementation_starts - timedelta(days=30 * position)
        Phase.objects.filter(cycle=cycle, kind=kind).update(starts_at=ends_at - timedelta(days=30), ends_at=ends_at)
    Phase.objects.filter(cycle=cycle, kind=PhaseKind.IMPLEMENTATION).update(
        starts_at=implementation_starts, ends_at=implementation_starts + timedelta(days=560))
    _date_with_phases(cycle)
    return cycle


def _monitor(cycle, funded, *, official):
    """Two committee members follow the implementation: one raises a concern the city answers, the
    other's concern waits for an answer."""
    if cycle.committee_id is None:
        return
    today = timezone.localdate()
    members = list(Membership.objects.filter(
        committee_id=cycle.committee_id, status=Membership.Status.ACTIVE, term_start__lte=today, term_end__gte=today,
    ).select_related("person").order_by("pk")[:2])
    projects = list(funded[:2])
    if len(members) < 2 or len(projects) < 2:
        return
    answered = implementation_note_add(
        actor=members[0].person, project=projects[0], raises_concern=True,
        body="설계가 끝났다고 하지만 주민 설명회가 열리지 않았습니다. 설명회 일정을 알려 주세요.",
    )
    implementation_note_answer(actor=official, note=answered,
                               answer="다음 달 둘째 주 토요일에 구청 강당에서 주민 설명회를 엽니다.")
    implementation_note_add(
        actor=members[1].person, project=projects[1], raises_concern=True,
        body="시범 운영 일정이 예정보다 늦어지고 있습니다. 바뀐 일정을 공개해 주세요.",
    )


def _date_with_phases(cycle):
    """The walk above ran every step today; the projects' own dates (submitted, checked) go where
    their phases now lie, so that a project's timeline reads in order. The audit log keeps the
    real times."""
    phases = {phase.kind: phase for phase in Phase.objects.filter(cycle=cycle)}
    proposal, feasibility = phases[PhaseKind.PROPOSAL], phases[PhaseKind.FEASIBILITY]
    for index, project in enumerate(cycle.projects.exclude(status=Project.Status.DRAFT).order_by("pk")):
        submitted = proposal.starts_at + timedelta(days=1, hours=5 * index)
        checked = feasibility.starts_at + timedelta(days=2, hours=3 * index) if project.checked_at else None
        Project.objects.filter(pk=project.pk).update(created_at=submitted - timedelta(hours=2), submitted_at=submitted,
                                                     checked_at=checked)
