"""Participatory budgeting at scale (issue 6): one cycle whose citizen vote is over, counted and
published, so that its results pages show what 40,000 voters decided.

The cycle: its seven phases placed so that the vote ended two weeks ago and the general assembly
runs now; no PB committee (the committee's scores are filled in on the projects directly); a
city-wide pot and one pot per district (the 25 of citizens.District); four sectors; --city-projects
feasible projects in the city-wide pot and --district-projects in each district's pot, with
costs, the department's check, the committee's score and the budget school's and proposers'
scores, so that the seoul-weighted rule has every figure it weighs.

The vote, written as ballot_cast writes it (bulk COPY, constant memory per ballot):
- an eligibility declaration per voter (the basis their profile gives: living, working or
  studying in Seoul; the district whose pot they vote in);
- a participation row (the citizen, the date, the phone's voter key);
- an anonymous ballot: the picked projects' ids ascending, the voter's age on the day, the
  declared district, the gender, a salt and the receipt's digest; ballots are shuffled in
  batches before they are written, so that their order says nothing about the participations';
- each project's vote counter, and (unless --no-ledger) the ballot's ledger entry, sealed.
--project-votes picks are spread over --voters voters (10 each at Seoul's scale: 5 of the
city-wide pot's projects and 5 of their district's, the cycle's max_picks per pot), weighted by
each project's popularity so that the count has a cut-off line to draw.

Then the tally service counts the cycle (cycle_count, the cycle's seoul-weighted rule with the
comparison of rules) and publishes the results (results_publish), as an official would from the
back office: the pages read the stored PotResult / ProjectResult rows.
"""

import os
import time
import uuid
from bisect import bisect
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import accumulate
from math import gcd

from django.utils import timezone

from audit import ledger
from budgeting.models import (
    BudgetBallot,
    BudgetParticipation,
    Cycle,
    EligibilityDeclaration,
    Phase,
    PhaseKind,
    Pot,
    PotResult,
    Project,
    ProjectResult,
    Sector,
)
from budgeting.services.ballots import LEDGER_KIND, ballot_commitment, voter_key
from budgeting.services.tally import cycle_count, results_publish
from citizens.models import Citizen, District, phone_blind_index
from governance.models import OrgUnit

from .. import sizes as bench_sizes
from .bulk import next_id
from .citizens import bench_phone
from .ledger import SealedLedgerWriter, fast_receipt

BUDGET_UNIT_CODE = "bench-participatory-budget"
# The cycle's ballot: up to this many projects per pot (Cycle.max_picks), approval.
MAX_PICKS = 5
CITY_POT = {"total": 30_000_000_000, "project_cap": 1_000_000_000}
DISTRICT_POT = {"total": 500_000_000, "project_cap": 300_000_000}
# Project costs in steps of 10 million won (city-wide) and 5 million won (a district's).
CITY_COSTS = (100_000_000, 1_000_000_000, 10_000_000)
DISTRICT_COSTS = (20_000_000, 300_000_000, 5_000_000)
# The ballots of one batch are shuffled before they are written (see the module doc).
SHUFFLE_BATCH = 10_000
# Phases as (kind, starts, ends) in days from now: the vote is over, the general assembly runs.
PHASES = (
    (PhaseKind.PROPOSAL, -200, -150),
    (PhaseKind.FEASIBILITY, -150, -110),
    (PhaseKind.DELIBERATION, -110, -50),
    (PhaseKind.VOTE, -45, -15),
    (PhaseKind.ASSEMBLY, -10, 20),
    (PhaseKind.COUNCIL, 30, 60),
    (PhaseKind.IMPLEMENTATION, 90, 455),
)
SECTORS = (
    ("welfare", "복지·여성", "Welfare and women"),
    ("transport", "교통·안전·환경", "Transport, safety and environment"),
    ("culture", "문화·관광", "Culture and tourism"),
    ("economy", "경제·일자리", "Economy and jobs"),
)
# sector slug → (what a project does, who benefits)
PROJECT_KINDS = {
    "welfare": (
        ("어르신 디지털 배움터", "65세 이상 어르신"),
        ("1인 가구 안부 확인 서비스", "중장년 1인 가구"),
        ("경로당 냉난방기 교체", "경로당 이용 어르신"),
        ("다함께돌봄 방학 프로그램", "초등학생과 맞벌이 가정"),
        ("장애인 이동 지원 차량", "휠체어 이용 장애인"),
        ("한부모 가정 생활 상담", "한부모 가정"),
        ("무장애 출입구 개선", "장애인과 어르신"),
        ("청소년 심리 상담실", "중·고등학생"),
    ),
    "transport": (
        ("스마트 횡단보도", "보행자와 어린이"),
        ("통학로 보행 안전 펜스", "초등학생"),
        ("자전거길 야간 조명 개선", "자전거 이용 시민"),
        ("버스정류장 온열 의자", "버스 이용 시민"),
        ("쓰레기 분리배출함 설치", "주민과 방문객"),
        ("미세먼지 저감 녹지 조성", "주민 누구나"),
        ("산책로 미끄럼 방지 포장", "산책로 이용 주민"),
        ("CCTV 비상벨 설치", "야간 보행자"),
    ),
    "culture": (
        ("작은도서관 주말 프로그램", "어린이와 가족"),
        ("공원 야외 작은 음악회", "주민 누구나"),
        ("찾아가는 동네 영화관", "주민 누구나"),
        ("골목 안내 표지 정비", "주민과 방문객"),
        ("버스킹 무대와 음향 장비", "청년 예술인"),
        ("마을 역사 기록관", "주민과 학생"),
        ("생활문화센터 동아리 지원", "생활문화 동아리"),
    ),
    "economy": (
        ("청년 창업 공유 작업실", "39세 이하 예비 창업자"),
        ("전통시장 공동 배송", "시장 상인"),
        ("경력 단절 여성 직업 교육", "경력 단절 여성"),
        ("골목상권 온라인 판로 지원", "소상공인"),
        ("어르신 일자리 카페", "60세 이상 구직자"),
        ("청년 구직자 면접 정장 대여", "청년 구직자"),
    ),
}
CITY_PLACES = (
    "서울 전역",
    "25개 자치구",
    "한강공원",
    "시립 체육시설",
    "지하철역 주변",
    "시립 복지관",
    "서울숲",
    "청계천",
)
LOCAL_PLACES = ("주민센터 일대", "근린공원", "초등학교 주변", "전통시장", "구립도서관", "아파트 단지 앞", "하천 산책로")
WORKPLACES = ("중소기업 사무실", "종합병원", "물류센터", "구청", "IT 회사", "제조업체", "카페")
SCHOOLS = ("고등학교", "대학교", "전문대학", "대학원")
COST_REASONS = (
    "설계 단가를 다시 산정했습니다.",
    "기존 시설을 활용해 공사 범위가 줄었습니다.",
    "자재 가격 인상을 반영했습니다.",
)


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _day_number(day) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _stride(rng, modulus):
    """A step coprime with `modulus`: (offset + j·step) mod modulus visits every index once."""
    if modulus <= 2:
        return 1
    while True:
        step = rng.randrange(1, modulus)
        if gcd(step, modulus) == 1:
            return step


class _Phone:
    """What budgeting's voter_key() reads of a citizen."""

    __slots__ = ("phone_index",)

    def __init__(self, phone_index):
        self.phone_index = phone_index


def seeded_voter_key(cycle_id, citizen_id) -> str:
    """The participation's "one phone, one vote" key, from the seeded citizen's fake phone."""
    return voter_key(cycle_id, _Phone(phone_blind_index(bench_phone(citizen_id))))


def picks_per_voter(voters: int, project_votes: int, *, most: int) -> list[int]:
    """How many projects each voter picks: `project_votes` spread evenly (the first voters one
    more when it does not divide), at least 1 and at most `most` each."""
    if voters <= 0:
        return []
    if project_votes < voters:
        raise ValueError(f"{project_votes:,} project votes cannot give each of {voters:,} voters a pick.")
    if project_votes > voters * most:
        raise ValueError(
            f"{project_votes:,} project votes are more than {voters:,} voters can cast ({most} picks each at most: "
            f"{MAX_PICKS} in the city-wide pot and {MAX_PICKS} in their district's)."
        )
    base, extra = divmod(project_votes, voters)
    return [base + 1] * extra + [base] * (voters - extra)


class _Popularity:
    """Weighted draws of distinct projects of one pot (some projects far more popular than others)."""

    def __init__(self, rng, project_ids):
        self.rng = rng
        self.ids = list(project_ids)
        weights = [rng.paretovariate(1.3) for _ in self.ids]
        self.cumulative = list(accumulate(weights))

    def draw(self, count):
        count = min(count, len(self.ids))
        if count == len(self.ids):
            return list(self.ids)
        random, cumulative, ids, total = self.rng.random, self.cumulative, self.ids, self.cumulative[-1]
        picked = set()
        tries = 0
        while len(picked) < count:
            tries += 1
            if tries > 50 * count:  # one project weighs nearly everything: fill up uniformly
                picked.update(self.rng.sample([pk for pk in ids if pk not in picked], count - len(picked)))
                break
            picked.add(ids[min(bisect(cumulative, random() * total), len(ids) - 1)])
        return list(picked)


def ensure_budget_unit():
    """The unit that runs the seeded cycle and checks its projects (idempotent)."""
    unit, _ = OrgUnit.objects.get_or_create(
        code=BUDGET_UNIT_CODE,
        defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": "재정기획관", "name_en": "Budget Planning Office"},
    )
    return unit


class BudgetingWriter:
    def __init__(self, loader, *, citizens, sizes, rng, text, now, ledger=True, progress=None):
        self.loader, self.citizens, self.sizes = loader, citizens, sizes
        self.rng, self.text, self.now, self.progress = rng, text, now, progress
        self.declarations = loader.table(
            EligibilityDeclaration,
            ["id", "cycle", "citizen", "basis", "district", "place", "not_public_official", "declared_at"],
        )
        # Written in shuffled batches, as the mixer (budgeting.services.mixing) leaves them: so marked mixed.
        self.participations = loader.table(
            BudgetParticipation,
            ["id", "cycle", "citizen", "channel", "entered_by", "voted_on", "voter_key", "mixed"],
        )
        self.ballots = loader.table(
            BudgetBallot,
            ["id", "cycle", "projects", "age", "district_code", "gender", "salt", "receipt_digest", "external_id",
             "mixed"],
        )
        self.ledger = SealedLedgerWriter(loader) if ledger else None
        self.next_declaration_id = next_id(EligibilityDeclaration)

    # --- The cycle, its pots and projects -----------------------------------------------------

    def _cycle(self, unit) -> Cycle:
        now = self.now
        year = timezone.localdate(now).year
        cycle = Cycle.objects.create(
            year=year,
            title_ko=f"{year}년 서울시 시민참여예산",
            title_en=f"Seoul Participatory Budget {year}",
            description_ko="시민이 제안하고 시민이 결정하는 서울시 시민참여예산입니다. 시 전체 사업과 자치구 사업에 투표합니다.",
            description_en="Projects proposed and chosen by citizens, for the whole city and for each district.",
            org_unit=unit,
            committee=None,
            ballot_kind=Cycle.BallotKind.APPROVAL,
            max_picks=MAX_PICKS,
            selection_rule=Cycle.Rule.SEOUL_WEIGHTED,
            created_at=now + timedelta(days=PHASES[0][1] - 30),
        )
        Phase.objects.bulk_create(
            Phase(cycle=cycle, kind=kind, starts_at=now + timedelta(days=start), ends_at=now + timedelta(days=end))
            for kind, start, end in PHASES
        )
        return cycle

    def _pots(self, cycle, districts) -> tuple[Pot, list[Pot]]:
        city = Pot.objects.create(cycle=cycle, district=None, name_ko="시 전체", name_en="City-wide", **CITY_POT)
        district_pots = Pot.objects.bulk_create(
            Pot(cycle=cycle, district_id=district.code, name_ko=district.name_ko, name_en=district.name_en,
                **DISTRICT_POT)
            for district in districts
        )  # fmt: skip
        return city, district_pots

    def _project(self, cycle, pot, sector, unit, *, place, district_id, costs, cap):
        rng, now = self.rng, self.now
        what, beneficiaries = rng.choice(PROJECT_KINDS[sector.slug])
        low, high, step = costs
        estimated = rng.randrange(low, high + step, step)
        adjusted = reason = None
        if rng.random() < 0.15:
            adjusted = min(cap, max(step, round(estimated * rng.uniform(0.8, 1.15) / step) * step))
            reason = rng.choice(COST_REASONS)
        proposal_start, feasibility_start = PHASES[0][1], PHASES[1][1]
        submitted = now + timedelta(days=rng.uniform(proposal_start, feasibility_start))
        checked = now + timedelta(days=rng.uniform(feasibility_start, PHASES[1][2]))
        return Project(
            cycle=cycle,
            pot=pot,
            sector=sector,
            proposer_id=self.citizens.id_at(rng.randrange(self.citizens.count)),
            title=f"{place} {what}",
            summary=f"{place}에서 {what} 사업을 추진합니다.",
            description=f"{place}의 {beneficiaries}을(를) 위한 사업입니다. 시민 제안으로 시작되어 부서 검토를 마쳤습니다.",
            location=place,
            district_id=district_id,
            estimated_cost=estimated,
            beneficiaries=beneficiaries,
            status=Project.Status.FEASIBLE,
            submitted_at=submitted,
            department=unit,
            legal_review="관계 법령상 문제가 없습니다.",
            technical_review="기술적으로 시행할 수 있습니다.",
            adjusted_cost=adjusted,
            cost_reason=reason or "",
            checked_at=checked,
            committee_score=_decimal(rng.uniform(50, 95)),
            committee_spread=_decimal(rng.uniform(2, 15)),
            committee_reviews=rng.randint(7, 15),
            school_score=_decimal(rng.uniform(40, 100)),
            proposers_score=_decimal(rng.uniform(40, 100)),
            created_at=submitted - timedelta(days=rng.uniform(0, 10)),
        )

    def _projects(self, cycle, city, district_pots, sectors, unit) -> list[Project]:
        rng, sizes = self.rng, self.sizes
        names = {pot.district_id: pot.name_ko for pot in district_pots}
        rows = []
        for _ in range(sizes["city_projects"]):
            rows.append(
                self._project(cycle, city, rng.choice(sectors), unit, place=rng.choice(CITY_PLACES), district_id=None,
                              costs=CITY_COSTS, cap=city.project_cap)
            )  # fmt: skip
        for pot in district_pots:
            for _ in range(sizes["district_projects"]):
                place = f"{names[pot.district_id]} {rng.choice(LOCAL_PLACES)}"
                rows.append(
                    self._project(cycle, pot, rng.choice(sectors), unit, place=place, district_id=pot.district_id,
                                  costs=DISTRICT_COSTS, cap=pot.project_cap)
                )  # fmt: skip
        return Project.objects.bulk_create(rows, batch_size=500)

    # --- The vote ------------------------------------------------------------------------------

    def _voters(self):
        """The seeded citizens' (birth yyyymmdd or 0, district code or "", basis, gender), by index."""
        block = self.citizens
        rows = (
            Citizen.objects.filter(pk__gte=block.first_id, pk__lt=block.first_id + block.count)
            .order_by("pk")
            .values_list("birth_date", "district_id", "residence_basis", "gender")
        )
        people = [
            (_day_number(birth) if birth else 0, district or "", basis or "", gender or "")
            for birth, district, basis, gender in rows.iterator(chunk_size=20_000)
        ]
        if len(people) != block.count:
            raise ValueError("The citizens' block is not where the seeder expected it.")
        return people

    def _declaration(self, person, district_codes):
        """(basis, district, place) as the citizen would declare them from their profile."""
        rng = self.rng
        _birth, district, basis, _gender = person
        district = district or rng.choice(district_codes)
        if basis == "works":
            return EligibilityDeclaration.Basis.WORKER, district, rng.choice(WORKPLACES)
        if basis == "studies":
            return EligibilityDeclaration.Basis.STUDENT, district, rng.choice(SCHOOLS)
        return EligibilityDeclaration.Basis.RESIDENT, district, ""

    def _vote(self, cycle, city, district_pots, projects):
        rng, sizes, now = self.rng, self.sizes, self.now
        people = self._voters()
        count = len(people)
        picks = picks_per_voter(sizes["voters"], sizes["project_votes"], most=2 * MAX_PICKS)
        if sizes["voters"] > count:
            raise ValueError(f"{sizes['voters']:,} voters need as many citizens; {count:,} were seeded.")
        by_pot = {}
        for project in projects:
            by_pot.setdefault(project.pot_id, []).append(project.pk)
        city_draw = _Popularity(rng, by_pot.get(city.pk, ()))
        district_draws = {pot.district_id: _Popularity(rng, by_pot.get(pot.pk, ())) for pot in district_pots}
        district_codes = sorted(district_draws)
        vote_start, vote_end = (now + timedelta(days=PHASES[3][1]), now + timedelta(days=PHASES[3][2]))
        first_day = timezone.localdate(vote_start)
        days = [first_day + timedelta(days=number) for number in range((timezone.localdate(vote_end) - first_day).days)]
        day_numbers = [_day_number(day) for day in days]
        minimum_age = cycle.minimum_age
        offset, step = rng.randrange(count), _stride(rng, count)
        citizen_id = self.citizens.id_at
        votes, voters_by_district = Counter(), Counter()
        buffered = []
        written = 0
        scope = cycle.ledger_scope
        for j in range(count):
            if written == len(picks):
                break
            index = (offset + j * step) % count
            which = rng.randrange(len(days))
            birth, _district, _basis, gender = people[index]
            age = (day_numbers[which] - birth) // 10_000 if birth else None
            if age is None or age < minimum_age:
                continue
            basis, district, place = self._declaration(people[index], district_codes)
            wanted = picks[written]
            local = district_draws[district]
            in_district = min(wanted // 2, MAX_PICKS, len(local.ids))
            in_city = min(wanted - in_district, MAX_PICKS, len(city_draw.ids))
            in_district = min(wanted - in_city, MAX_PICKS, len(local.ids))
            chosen = sorted(city_draw.draw(in_city) + local.draw(in_district))
            if not chosen:
                raise ValueError("The cycle has no project to vote for.")
            voter = citizen_id(index)
            declared_at = vote_start - timedelta(days=rng.uniform(0, 20))
            self.declarations.add(
                (self.next_declaration_id, cycle.pk, voter, basis, district, place, True, declared_at)
            )
            self.next_declaration_id += 1
            self.participations.add(
                (uuid.uuid4(), cycle.pk, voter, BudgetParticipation.Channel.ONLINE, None, days[which],
                 seeded_voter_key(cycle.pk, voter), True)
            )  # fmt: skip
            votes.update(chosen)
            voters_by_district[district] += 1
            buffered.append((chosen, age, district, gender))
            if len(buffered) >= SHUFFLE_BATCH:
                self._flush_ballots(cycle.pk, scope, buffered)
                buffered = []
            written += 1
            if self.progress:
                self.progress.tick("budget ballots", written, len(picks), self.loader.written)
        self._flush_ballots(cycle.pk, scope, buffered)
        if written < len(picks):
            raise ValueError(
                f"Only {written:,} of the {count:,} seeded citizens were old enough to vote; {len(picks):,} were asked."
            )
        return votes, voters_by_district, written

    def _flush_ballots(self, cycle_id, scope, buffered):
        """Shuffled: the ballots' order says nothing about the order of the participations."""
        self.rng.shuffle(buffered)
        ballots, entries = self.ballots, self.ledger
        for chosen, age, district, gender in buffered:
            salt = os.urandom(16).hex()
            digest = ledger.receipt_digest(fast_receipt())
            ballots.add((uuid.uuid4(), cycle_id, chosen, age, district, gender, salt, digest, "", True))
            if entries:
                entries.append_digest(
                    scope=scope, kind=LEDGER_KIND,
                    commitment=ballot_commitment(salt=salt, cycle_id=cycle_id, projects=chosen), digest=digest,
                )  # fmt: skip

    # --- Everything ----------------------------------------------------------------------------

    def write(self) -> dict:
        unit = ensure_budget_unit()
        districts = list(District.objects.order_by("code"))
        if not districts:
            raise ValueError("No districts: migrate the database first (citizens' migration loads them).")
        cycle = self._cycle(unit)
        sectors = Sector.objects.bulk_create(
            Sector(cycle=cycle, slug=slug, name_ko=name_ko, name_en=name_en) for slug, name_ko, name_en in SECTORS
        )
        city, district_pots = self._pots(cycle, districts)
        projects = self._projects(cycle, city, district_pots, sectors, unit)
        votes, voters_by_district, voters = self._vote(cycle, city, district_pots, projects)
        if self.ledger:
            self.ledger.seal()
        self.loader.flush()
        for project in projects:
            project.votes = votes[project.pk]
        Project.objects.bulk_update(projects, ["votes"], batch_size=500)
        # The count and its publication, as an official would run them once the vote is over.
        started = time.monotonic()
        outcome = cycle_count(actor=None, cycle=cycle)
        count_seconds = time.monotonic() - started
        results_publish(actor=None, cycle=cycle)
        # The district pot the benchmark reads: the one with the most voters (ties: the lowest code).
        featured_district = min(voters_by_district, key=lambda code: (-voters_by_district[code], code))
        district_pot = next(pot for pot in district_pots if pot.district_id == featured_district)
        city_outcome = next(pot for pot in outcome.pots if pot.pot.pk == city.pk)
        top_city_project = city_outcome.projects[0].project.pk if city_outcome.projects else None
        return {
            "cycle_id": cycle.pk,
            "city_pot_id": city.pk,
            "district_pot_id": district_pot.pk,
            "district_code": featured_district,
            "top_city_project_id": top_city_project,
            "voters": voters,
            "project_votes": sum(votes.values()),
            "city_pot_voters": city_outcome.voters,
            "district_pot_voters": voters_by_district[featured_district],
            "pots": 1 + len(district_pots),
            "projects": len(projects),
            "funded": len(outcome.funded),
            "count_seconds": round(count_seconds, 1),
            "ledger_entries": self.ledger.entry_count if self.ledger else 0,
        }


# --- The channel's entry in the seeding registry -----------------------------------------------

SEOUL_SIZES = bench_sizes.SEOUL["budgeting"]


class BudgetingSeeder:
    name = "budgeting"
    help = (
        "Participatory budgeting: a cycle whose vote is over, its pots and projects, declarations, participations, "
        "ballots (and their ledger entries), counted and published"
    )
    models = (
        Cycle, Phase, Pot, Sector, Project, EligibilityDeclaration, BudgetParticipation, BudgetBallot, PotResult,
        ProjectResult,
    )  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument(
            "--voters", type=int, help=f"Voters in the seeded cycle (default {SEOUL_SIZES['voters']:,})."
        )
        parser.add_argument(
            "--project-votes",
            type=int,
            help=f"Project votes (picks) of those voters, at most {2 * MAX_PICKS} each "
            f"(default {SEOUL_SIZES['project_votes']:,}).",
        )
        parser.add_argument(
            "--city-projects",
            type=int,
            help=f"Projects in the city-wide pot (default {bench_sizes.BUDGET_CITY_PROJECTS}, at every scale).",
        )
        parser.add_argument(
            "--district-projects",
            type=int,
            help=f"Projects in each district's pot (default {bench_sizes.BUDGET_DISTRICT_PROJECTS}, at every scale).",
        )

    def sizes(self, options, scale=1.0) -> dict:
        chosen = bench_sizes.scaled(self.name, scale)
        for name in (*SEOUL_SIZES, "city_projects", "district_projects"):
            if options.get(name) is not None:
                chosen[name] = options[name]
        if options.get("project_votes") is None and options.get("voters") is not None:
            # Only the voters given: the same picks per voter as at Seoul's scale.
            chosen["project_votes"] = chosen["voters"] * (SEOUL_SIZES["project_votes"] // SEOUL_SIZES["voters"])
        chosen["ledger"] = not options.get("no_ledger", False)
        return chosen

    def citizens_needed(self, sizes) -> int:
        # Every voter is a distinct citizen; a few seeded 14-year-olds were 13 on the day of the vote.
        return max(200, sizes["voters"] + sizes["voters"] // 50 + 20)

    def has_data(self) -> bool:
        return Cycle.objects.exists()

    def seed(self, *, loader, citizens, sizes, rng, text, now, progress=None) -> dict:
        writer = BudgetingWriter(
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
