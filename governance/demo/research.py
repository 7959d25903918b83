"""Demo research projects of The Seoul Institute and the Seoul Digital Foundation. Idempotent (by slug).

The projects, budgets and periods are illustrative (each summary says so); output links point at
the institutions' and the city's public home pages, not at invented documents.
"""

from datetime import date

from ..models import OrgUnit, ResearchArea, ResearchOutput, ResearchProject, TechnologyArea
from ..services.research import research_project_check

DEMO_NOTE_KO = "(데모용 예시 자료입니다.)"
DEMO_NOTE_EN = "(Illustrative demo record.)"

PROJECTS = [
    {
        "slug": "smart-city-living-lab-model",
        "title_ko": "서울형 스마트도시 리빙랩 운영모델 연구",
        "title_en": "A Seoul model for smart city living labs",
        "summary_ko": "시민이 직접 도시 문제를 정의하고 기술 해법을 시험하는 리빙랩의 운영 방식과 성과 평가 "
                      "기준을 제안합니다.",
        "summary_en": "Proposes how living labs, where citizens define urban problems and try technical "
                      "solutions themselves, should be run and evaluated.",
        "affiliates": ["seoul-institute"],
        "starts_on": date(2023, 3, 1), "ends_on": date(2023, 12, 31), "budget_krw": 150_000_000,
        "policy_ko": "스마트도시 기본계획의 시민 참여 과제", "policy_en": "Citizen participation in the smart city master plan",
        "areas": [TechnologyArea.IOT, TechnologyArea.OTHER],
        "outputs": [("report", "연구보고서", "Research report", "https://www.si.re.kr")],
    },
    {
        "slug": "verifiable-participation-records",
        "title_ko": "블록체인 기반 시민참여 기록 검증 연구",
        "title_en": "Verifiable citizen participation records with a hash-chained ledger",
        "summary_ko": "투표와 공감 같은 참여 기록을 누가 참여했는지 드러내지 않으면서 위·변조 없이 검증하는 "
                      "방법을 연구합니다.",
        "summary_en": "Studies how participation records such as votes and supports can be checked for "
                      "tampering without revealing who took part.",
        "affiliates": ["seoul-digital-foundation"],
        "starts_on": date(2024, 2, 1), "ends_on": date(2024, 11, 30), "budget_krw": 120_000_000,
        "policy_ko": "엠보팅과 민주주의 서울의 신뢰성 강화", "policy_en": "Trust in M-Voting and Democratic Seoul",
        "areas": [TechnologyArea.BLOCKCHAIN],
        "outputs": [("report", "연구보고서", "Research report", "https://sdf.seoul.kr")],
    },
    {
        "slug": "ai-complaint-classification",
        "title_ko": "인공지능 기반 민원 분류 고도화 연구",
        "title_en": "AI-assisted classification of civil complaints",
        "summary_ko": "응답소와 120 다산콜로 들어오는 민원을 담당 부서로 더 빠르고 정확하게 배정하기 위한 "
                      "분류 모델과 평가 방법을 연구합니다.",
        "summary_en": "Studies classification models, and how to evaluate them, for routing complaints from "
                      "Eungdapso and the 120 Dasan Call Center to the right department faster.",
        "affiliates": ["seoul-digital-foundation"],
        "starts_on": date(2024, 4, 1), "ends_on": date(2025, 3, 31), "budget_krw": 200_000_000,
        "policy_ko": "통합 민원 처리의 신속성 향상", "policy_en": "Faster handling of civil complaints",
        "areas": [TechnologyArea.AI, TechnologyArea.BIG_DATA],
        "outputs": [
            ("report", "연구보고서", "Research report", "https://sdf.seoul.kr"),
            ("dataset", "비식별 민원 분류 학습 데이터", "De-identified complaint classification data",
             "https://data.seoul.go.kr"),
        ],
    },
    {
        "slug": "digital-twin-urban-planning",
        "title_ko": "디지털트윈(S-Map)을 활용한 도시계획 의사결정 지원 연구",
        "title_en": "Supporting urban planning decisions with the S-Map digital twin",
        "summary_ko": "3차원 공간정보와 도시 데이터를 결합해 개발 계획의 일조, 통풍, 보행 영향을 시민이 "
                      "함께 검토할 수 있는 방법을 연구합니다.",
        "summary_en": "Combines 3D spatial data with city data so that citizens can review the effects of "
                      "development plans on sunlight, wind and walking together.",
        "affiliates": ["seoul-institute", "seoul-digital-foundation"],
        "starts_on": date(2025, 1, 1), "ends_on": None, "budget_krw": 250_000_000,
        "policy_ko": "", "policy_en": "",
        "areas": [TechnologyArea.SPATIAL_DATA, TechnologyArea.BIG_DATA],
        "outputs": [],
    },
]


def seed():
    affiliates = {unit.code: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.AFFILIATE)}
    for spec in PROJECTS:
        spec = dict(spec)
        units = [affiliates[code] for code in spec.pop("affiliates")]
        areas, outputs = spec.pop("areas"), spec.pop("outputs")
        research_project_check(starts_on=spec["starts_on"], ends_on=spec["ends_on"], affiliates=units, areas=areas)
        spec["summary_ko"] = f"{spec['summary_ko']} {DEMO_NOTE_KO}"
        spec["summary_en"] = f"{spec['summary_en']} {DEMO_NOTE_EN}"
        project, _created = ResearchProject.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        project.affiliates.set(units)
        project.areas.exclude(area__in=areas).delete()
        for area in areas:
            ResearchArea.objects.get_or_create(project=project, area=area)
        project.outputs.filter(order__gte=len(outputs)).delete()
        for order, (kind, title_ko, title_en, url) in enumerate(outputs):
            ResearchOutput.objects.update_or_create(
                project=project, order=order, defaults={"kind": kind, "title_ko": title_ko, "title_en": title_en,
                                                        "url": url},
            )
